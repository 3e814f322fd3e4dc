"""Loading federated catalogues, with and without the parse cache: `python benchmarks/federation_bench.py`.

Three synthetic sources: A with N tools; B restating the first 30% of A's ids with other values
(merges and conflicts); C with 20% more tools, half of them A's ids. Prints medians (ms) of:

- parse only: every file read and validated, no cache (the cost the cache avoids);
- cold: load + merge with an empty cache (parse, then write the cache);
- warm: load + merge when nothing changed (stat every file, unpickle, merge);
- one edit: warm, after one file of A changed;
- merge alone, and the likely-duplicates scan (run by `sbb catalog conflicts` only).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import tool_text  # noqa: E402
from catalog.federation import find_duplicates, load_sources, merge, read_source  # noqa: E402
from catalog.sources import SourceConfig, SourceSpec  # noqa: E402
from catalog.vocabulary import read_vocabulary  # noqa: E402


def write_source(target: Path, ids: range, seed: int) -> Path:
    import random

    rng = random.Random(seed)
    capabilities = sorted(c.id for c in read_vocabulary()[0])
    tools = target / "tools"
    tools.mkdir(parents=True, exist_ok=True)
    for index in ids:
        (tools / f"tool-{index:06d}.toml").write_text(tool_text(index, rng, capabilities), encoding="utf-8")
    return target


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        gc.unfreeze()  # each run starts from the same collector state
    return statistics.median(times), result


def bench(size: int, runs: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="sbb-fed-"))
    try:
        a = write_source(base / "a", range(size), 7)
        b = write_source(base / "b", range(int(size * 0.3)), 8)
        c = write_source(base / "c", range(int(size * 0.9), int(size * 1.1)), 9)
        specs = [SourceSpec(n, "directory", str(d)) for n, d in (("a", a), ("b", b), ("c", c))]
        config = SourceConfig(sources=specs)
        cache = base / "cache"
        files = sum(1 for d in (a, b, c) for _ in (d / "tools").iterdir())

        parse_ms, _ = timed(lambda: [read_source(s, cache, use_cache=False) for s in specs], runs)

        def cold():
            shutil.rmtree(cache, ignore_errors=True)
            return load_sources(config, cache)

        cold_ms, result = timed(cold, runs)
        warm_ms, result = timed(lambda: load_sources(config, cache), runs)
        assert all(s.cached == s.tools for s in result.statuses), "warm run missed the cache"
        edited = a / "tools" / "tool-000001.toml"

        def one_edit():
            edited.write_text(edited.read_text().replace("synthetic tool", "synthetic  tool"))
            os.utime(edited, ns=(time.time_ns(), time.time_ns()))
            return load_sources(config, cache)

        edit_ms, _ = timed(one_edit, runs)
        read = [(s.name, read_source(s, cache)[0]) for s in specs]
        vocabulary = read_vocabulary()[0]
        merge_ms, merged = timed(lambda: merge(read, vocabulary), runs)
        dup_ms, dups = timed(lambda: find_duplicates(merged[0]), runs)
        print(
            f"{size:>7} tools in A, {files} files in 3 sources -> {len(result.catalog)} merged tools, "
            f"{len(result.conflicts)} conflicts, {len(dups)} likely duplicates"
        )
        for label, ms in (
            ("parse only (no cache)", parse_ms),
            ("cold: parse + merge + write cache", cold_ms),
            ("warm: stat + unpickle + merge", warm_ms),
            ("warm after one edited file", edit_ms),
            ("merge alone", merge_ms),
            ("likely-duplicates scan", dup_ms),
        ):
            print(f"    {label:<36} {ms:9.1f} ms")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.runs)


if __name__ == "__main__":
    main()
