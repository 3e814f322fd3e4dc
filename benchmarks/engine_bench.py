"""Recommend and search at scale, indexed against judging/scoring everything, in one run:
`python benchmarks/engine_bench.py [--tools 100000] [--runs 9]`.

One synthetic catalogue (`benchmarks/synth.py`) is written and loaded once (at 100,000 tools the
load takes a minute or more), then, in the same process:

- recommend, narrow (one capability) and broad (one goal), as `python -m benchmarks` runs them:
  the first call after the load (it builds the engine index of that catalogue), then the
  median and p90 of the next runs; and the same with `indexed=False` (every option judged one
  by one, the engine before the index), whose answer is checked to be the same;
- fuzzy search per keystroke (the queries of `python -m benchmarks`): median and p90 of the
  index, and of scoring every distinct string (`SearchIndex.search_all`, the search before it),
  and the index build.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.__main__ import SEARCH_QUERIES, _p90, bench_profiles  # noqa: E402
from benchmarks.synth import write_catalog  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9, help="runs after the first call (median, p90)")
    parser.add_argument("--plain-runs", type=int, default=3, help="runs of the plain (unindexed) paths")
    args = parser.parse_args(argv)

    from catalog.federation import load_sources
    from catalog.search import SearchIndex
    from catalog.sources import SourceConfig, SourceSpec
    from recommender.engine import recommend

    base = Path(tempfile.mkdtemp(prefix="sbb-engine-bench-"))
    try:
        directory = write_catalog(base / "cat", args.tools)
        config = SourceConfig(sources=[SourceSpec("bench", "directory", str(directory), explicit=True)])
        start = time.perf_counter()
        result = load_sources(config, base / "cache")
        assert result.ok
        catalog = result.catalog
        print(f"{args.tools:,} tools loaded in {time.perf_counter() - start:.1f} s", flush=True)

        narrow, broad = bench_profiles()
        profiles = {"narrow": narrow, "broad": broad}
        print("\n| recommend | options in scope | first call | median | p90 | plain (every option): median | same answer |")
        print("|---|---|---|---|---|---|---|")
        for name, profile in profiles.items():
            gc.collect()
            start = time.perf_counter()
            rec = recommend(catalog, profile)
            first = time.perf_counter() - start
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                rec = recommend(catalog, profile)
                times.append(time.perf_counter() - start)
            plain_times = []
            for _ in range(args.plain_runs):
                start = time.perf_counter()
                plain = recommend(catalog, profile, indexed=False)
                plain_times.append(time.perf_counter() - start)
            same = (
                rec.answer.text == plain.answer.text
                and [a.key for a in rec.options[:50]] == [a.key for a in plain.options[:50]]
                and len(rec.options) == len(plain.options)
                and len(rec.near_misses) == len(plain.near_misses)
            )
            print(
                f"| {name} | {rec.in_scope:,} | {_ms(first)} | {_ms(statistics.median(times))} | {_ms(_p90(times))} "
                f"| {_ms(statistics.median(plain_times))} | {'yes' if same else 'NO'} |",
                flush=True,
            )
            del rec, plain

        start = time.perf_counter()
        index = SearchIndex(catalog)
        build = time.perf_counter() - start
        keystrokes = [query[:end] for query in SEARCH_QUERIES for end in range(1, len(query) + 1)]
        indexed, everything = [], []
        for text in keystrokes:
            start = time.perf_counter()
            index.search(text)
            indexed.append(time.perf_counter() - start)
        for text in keystrokes[:: max(1, len(keystrokes) // 12)]:  # a sample: each takes long at scale
            start = time.perf_counter()
            index.search_all(text)
            everything.append(time.perf_counter() - start)
        print("\n| search per keystroke | median | p90 |")
        print("|---|---|---|")
        print(f"| index ({len(keystrokes)} keystrokes) | {_ms(statistics.median(indexed))} | {_ms(_p90(indexed))} |")
        print(f"| every distinct string scored ({len(everything)} of them) | {_ms(statistics.median(everything))} | {_ms(_p90(everything))} |")
        print(f"\nsearch index build: {build:.2f} s ({len(index):,} distinct strings)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
