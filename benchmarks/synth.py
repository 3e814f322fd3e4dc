"""Synthetic catalogues for benchmarks: N tool files with every fact section filled.

The tools are fictional (example.org URLs); only their shape and size matter (~1 KB each,
like the measurements in shared/PERFORMANCE.md).
"""

from __future__ import annotations

import random
from pathlib import Path

from catalog.vocabulary import read_vocabulary

WORDS = "civic open data portal notify survey forum archive chat desk insight pulse civic gov hub".split()


def tool_text(index: int, rng: random.Random, capabilities: list[str]) -> str:
    """TOML text of one synthetic tool with a share and a buy option."""
    name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {index}"
    caps = rng.sample(capabilities, 2)
    country = rng.choice(["AU", "DE", "GB", "NZ", "US", "CA", "FR"])
    return f'''schema_version = 1
name = "{name}"
aliases = ["{name.split()[0]}{index}"]
summary = "A synthetic tool number {index} for benchmarks: {' '.join(rng.sample(WORDS, 6))}."
homepage = "https://tool{index}.example.org"
capabilities = ["{caps[0]}", "{caps[1]}"]
last_reviewed = 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}

[[sources]]
id = "home"
url = "https://tool{index}.example.org/facts"

[[options]]
id = "self-hosted"
name = "{name} (self-hosted)"
origin = "open-source"
deployment = "self-hosted"

[options.data]
full_export = {str(rng.random() < 0.8).lower()}
export_formats = ["csv", "json"]

[options.lock_in]
licence = "{rng.choice(["MIT", "AGPL-3.0-only", "GPL-2.0-or-later"])}"
independent_providers = {str(rng.random() < 0.5).lower()}
exit_cost = "{rng.choice(["low", "medium"])}"

[options.integration]
api = ["rest"]
webhooks = {str(rng.random() < 0.6).lower()}
sso = ["{rng.choice(["saml", "oidc"])}"]

[options.resourcing]
ops_effort = "{rng.choice(["low", "medium", "high"])}"
skills = ["{rng.choice(["php", "python", "ruby"])}"]

[[options]]
id = "cloud"
name = "{name} Cloud"
origin = "commercial"
deployment = "hosted"
provider = "Vendor {index}"

[options.data]
full_export = {str(rng.random() < 0.6).lower()}
residency = ["{country}"]
owner = "agency"

[options.lock_in]
licence = "LicenseRef-proprietary"
exit_cost = "{rng.choice(["low", "medium", "high"])}"

[options.integration]
api = ["rest"]
webhooks = true

[options.assurance]
certifications = ["{rng.choice(["iso27001", "soc2", "irap"])}"]

[options.cost]
model = "subscription"
band = "{rng.choice(["low", "medium", "high"])}"
'''


def write_catalog(target: Path, count: int, seed: int = 7) -> Path:
    """Write `count` synthetic tools under target/tools and return target."""
    rng = random.Random(seed)
    vocabulary, _ = read_vocabulary()
    capabilities = sorted(c.id for c in vocabulary)
    tools = target / "tools"
    tools.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (tools / f"tool-{index:06d}.toml").write_text(tool_text(index, rng, capabilities), encoding="utf-8")
    return target
