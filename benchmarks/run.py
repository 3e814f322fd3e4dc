"""Speed and memory of the catalogue and engine: `python benchmarks/run.py [--sizes 1000 10000]`.

Prints medians. Targets (from the issues): `sbb recommend` whole-process within 2x of
`python -c "import typer"`; engine fast enough for a live count at 10,000 tools.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_catalog  # noqa: E402
from catalog.loader import load_catalog  # noqa: E402
from recommender.engine import recommend  # noqa: E402
from recommender.profile import Profile, Requirement  # noqa: E402
from recommender.requirements import Context  # noqa: E402

PROFILE = Profile(
    "bench",
    requirements=(
        Requirement("capabilities", ("web-analytics",)),
        Requirement("full_export", True),
        Requirement("api", ("rest",)),
        Requirement("residency", ("AU", "NZ")),
        Requirement("open_source", True, False, 3),
        Requirement("max_ops_effort", "low", False, 2),
    ),
    context=Context(country="AU", level="national", ops_capacity="low"),
)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def whole_process_ms(args: list[str], runs: int = 9) -> float:
    # Measure as a user runs it: with bytecode caching on (the first run writes the .pyc files).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def once():
        subprocess.run(args, cwd=ROOT, capture_output=True, check=False, env=env)

    once()  # warm the disk and bytecode caches
    return median_ms(once, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    typer_ms = whole_process_ms([sys.executable, "-c", "import typer"])
    sbb_ms = whole_process_ms([sys.executable, "-m", "recommender", "recommend", "-p", "examples/b-web-analytics.toml"])
    print(f"whole process: python -c 'import typer' {typer_ms:.0f} ms; sbb recommend (bundled catalogue) {sbb_ms:.0f} ms; ratio {sbb_ms / typer_ms:.2f} (target <= 2.0)")

    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            directory = write_catalog(Path(tmp) / "cat", size)
            gc.collect()
            load_ms = median_ms(lambda: load_catalog([directory]), max(1, args.runs // 2 if size >= 10000 else args.runs))
            tracemalloc.start()
            result = load_catalog([directory])
            _, peak = tracemalloc.get_traced_memory()
            current = tracemalloc.take_snapshot().statistics("filename")
            held = sum(s.size for s in current)
            tracemalloc.stop()
            assert result.ok, result.errors[:3]
            catalog = result.catalog
            rec_ms = median_ms(lambda: recommend(catalog, PROFILE), args.runs)
            broad = Profile("broad", requirements=PROFILE.requirements[1:], context=PROFILE.context)
            broad_ms = median_ms(lambda: recommend(catalog, broad), args.runs)
            rec = recommend(catalog, PROFILE)
            print(
                f"{size:>6} tools: load+validate {load_ms:7.0f} ms | memory held {held / 1e6:5.1f} MB (peak {peak / 1e6:5.1f} MB) | "
                f"recommend (one capability, {rec.in_scope} options in scope) {rec_ms:6.1f} ms | "
                f"recommend (no capability, all {catalog.option_count()} options) {broad_ms:6.0f} ms"
            )


if __name__ == "__main__":
    main()
