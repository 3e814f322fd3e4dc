"""Scale benchmark: `python -m benchmarks [--big] [--loading] [--cpu] [--runs N] [--write BENCHMARKS.md]`.

Each figure is a ratio against a floor measured in the same run, on the same files:

- cold load (empty cache) against reading every file and `tomli.loads` of its text;
- warm load (nothing changed) against stat-ing every file and loading one pickle of the same
  merged records;
- a load after one file was edited, against the warm load;
- a fresh process holding the catalogue after a warm load: its RSS, and one full `gc.collect()`
  in it (`--loading` measures only these loading rows, far shorter at 100,000 tools);
- recommend, narrow (one capability) and broad (one goal: every capability serving it), in
  process after the load, medians; and the first call of each after the load (the first
  builds the engine index of the catalogue, as `sbb recommend` does once per process);
- the longest pause of the garbage collector in a what-if session (a `Judge` answering one
  change after another, as the TUI does, with allocations between answers);
- fuzzy search (`catalog.search.SearchIndex`), one query per keystroke: median and p90;
- the whole `sbb recommend` process on the catalogue (warm cache): time and peak RSS;
- `sbb recommend` start-up on the bundled catalogue against a trivial Typer command.

`--cpu` times the loads and their floors in CPU time of the process instead of wall time: on
a shared machine other work stretches wall time, and the ratios with it.

Sizes 1,000 and 10,000 tools by default (a few minutes on two cores); `--big` adds 100,000.
Each size runs in its own process, so one size's memory and collector state never leak into
the next. Synthetic catalogues come from `benchmarks/synth.py`.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from catalog.record import replace

ROOT = Path(__file__).resolve().parent.parent

SEARCH_QUERIES = ("civic portal", "notify hub", "dat insigt", "Pulse42", "survey forum 7")


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench_profiles():
    """The two profiles recommend is timed with: narrow (one capability) and broad (one goal)."""
    from recommender.profile import Profile, Requirement
    from recommender.requirements import Context

    context = Context(country="AU", level="national", ops_capacity="low")
    common = (
        Requirement("full_export", True),
        Requirement("api", ("rest",)),
        Requirement("open_source", True, False, 3),
        Requirement("max_ops_effort", "low", False, 2),
    )
    narrow = Profile("narrow", requirements=(Requirement("capabilities", ("web-analytics",)), *common), context=context)
    broad = Profile("broad", requirements=common, context=context, goals=("delivery",))
    return narrow, broad


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


# The clock of the load rows: wall time, or with --cpu this process's CPU time (steadier on a
# shared machine, where other work stretches wall time by up to 2x; I/O waits are not counted).
CLOCK = time.perf_counter


def _timed(fn, runs: int, after=None) -> tuple[float, object]:
    """Median seconds of `fn()` over `runs` runs (by `CLOCK`); `after(result)` runs untimed after each."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        start = CLOCK()
        result = fn()
        times.append(CLOCK() - start)
        if after is not None:
            after(result)
    return _median(times), result


def _reset(_result=None) -> None:
    """Each load starts from the same collector state (`load_sources` freezes what it built)."""
    gc.unfreeze()


# -- one size, in a child process -----------------------------------------------------------------
def measure_size(size: int, runs: int, loading: bool = False) -> dict:
    sys.path.insert(0, str(ROOT))
    import tomli

    from benchmarks.synth import write_catalog
    from catalog.federation import load_sources
    from catalog.search import SearchIndex
    from catalog.sources import SourceConfig, SourceSpec
    from recommender.engine import Judge, recommend

    base = Path(tempfile.mkdtemp(prefix="sbb-bench-"))
    out: dict = {"size": size}
    try:
        directory = write_catalog(base / "cat", size)
        cache = base / "cache"
        config = SourceConfig(sources=[SourceSpec("bench", "directory", str(directory), explicit=True)])
        files = sorted((directory / "tools").glob("*.toml"))
        load_runs = runs if size < 50_000 else 1

        def raw():
            enabled = gc.isenabled()
            gc.disable()
            try:
                return [tomli.loads(p.read_bytes().decode("utf-8")) for p in files]
            finally:
                if enabled:
                    gc.enable()

        out["raw"], _ = _timed(raw, load_runs, after=lambda r: None)
        out["no_cache"], _ = _timed(lambda: load_sources(config, cache, use_cache=False), load_runs, _reset)

        def cold():
            shutil.rmtree(cache, ignore_errors=True)
            return load_sources(config, cache)

        out["cold"], _ = _timed(cold, load_runs, _reset)
        out["warm"], result = _timed(lambda: load_sources(config, cache), load_runs, _reset)
        assert result.ok and result.statuses[0].cached == size, "the warm load missed the cache"

        blob = base / "floor.pickle"
        blob.write_bytes(pickle.dumps(result.catalog.tools, protocol=pickle.HIGHEST_PROTOCOL))

        def floor():
            enabled = gc.isenabled()
            gc.disable()
            try:
                stats = [os.stat(entry.path) for entry in os.scandir(directory / "tools")]
                with open(blob, "rb") as handle:
                    records = pickle.load(handle)
                return stats, records
            finally:
                if enabled:
                    gc.enable()

        out["floor"], _ = _timed(floor, load_runs)
        edited = files[size // 2]
        original = edited.read_text(encoding="utf-8")
        counter = iter(range(1_000_000))

        def one_edit():
            text = original.replace("synthetic tool", f"synthetic tool (edit {next(counter)})")
            edited.write_text(text, encoding="utf-8")
            return load_sources(config, cache)

        out["edit"], result = _timed(one_edit, load_runs, _reset)
        assert result.ok and result.statuses[0].cached == size - 1, "the edit was not noticed, or it cost more than one file"
        edited.write_text(original, encoding="utf-8")
        out["held_rss"], out["held_gc"] = _held(directory, cache)
        if loading:
            return out

        # In process, after the load, as a command or the TUI holds it.
        result = load_sources(config, cache)
        catalog = result.catalog
        narrow, broad = bench_profiles()
        pauses: list[tuple[float, int]] = []
        started: list[float] = []

        def on_gc(phase, info):
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                pauses.append((time.perf_counter() - started.pop(), info["generation"]))

        rec_runs = max(5, runs * 2)
        for name, profile in (("narrow", narrow), ("broad", broad)):  # the first builds the engine index
            start = time.perf_counter()
            recommend(catalog, profile)
            out[f"{name}_first"] = time.perf_counter() - start
        narrow_times, broad_times = [], []
        for _ in range(rec_runs):
            start = time.perf_counter()
            rec = recommend(catalog, narrow)
            narrow_times.append(time.perf_counter() - start)
            out["narrow_scope"] = rec.in_scope
        for _ in range(rec_runs):
            start = time.perf_counter()
            rec = recommend(catalog, broad)
            broad_times.append(time.perf_counter() - start)
            out["broad_scope"] = rec.in_scope
        out["narrow"], out["broad"] = _median(narrow_times), _median(broad_times)
        del rec

        # The longest collector pause in a session, as the TUI runs one: a Judge answering
        # one what-if after another while the answer on screen is kept, with the allocations
        # of drawing it between answers (so a collection put off during an answer is counted).
        judge = Judge(catalog)
        shown = None
        gc.collect()
        gc.callbacks.append(on_gc)
        try:
            for weight in range(1, rec_runs + 1):
                for base in (narrow, broad):
                    what_if = replace(base, requirements=(*base.requirements[:-1], replace(base.requirements[-1], weight=weight)))
                    shown = judge.recommend(what_if)
                    for _ in range(40):  # drawing: a few thousand short-lived objects at a time
                        drawing = [[i] for i in range(5_000)]
                    del drawing
        finally:
            gc.callbacks.remove(on_gc)
        longest = max(pauses, default=(0.0, -1))
        out["gc_pause"], out["gc_generation"] = longest
        del shown, judge

        start = time.perf_counter()
        index = SearchIndex(catalog)
        out["search_index"] = time.perf_counter() - start
        keystrokes = []
        for query in SEARCH_QUERIES:
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                index.search(query[:end])
                keystrokes.append(time.perf_counter() - start)
        out["search_median"], out["search_p90"] = _median(keystrokes), _p90(keystrokes)
        del index, result, catalog
        gc.unfreeze()
        gc.collect()

        # The whole command, as a user runs it, on this catalogue with a warm cache.
        env = _env(cache)
        args = [sys.executable, "-m", "recommender", "recommend", "--catalog", str(directory), "-c", "web-analytics", "-f", "json"]
        _process(args, env)  # warm the cache for this spelling of the source
        out["process"] = _median([_process(args, env)[0] for _ in range(max(1, min(runs, 3)))])
        out["process_rss"] = _peak_rss(args, env)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return out


def _held(directory: Path, cache: Path) -> tuple[int, float]:
    """RSS (bytes) of a fresh process holding the catalogue after a warm load, and how long one
    full `gc.collect()` takes in it: what a command or the TUI carries from the load on."""
    probe = (
        "import gc, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pathlib import Path\n"
        "from catalog.federation import load_sources\n"
        "from catalog.sources import SourceConfig, SourceSpec\n"
        "config = SourceConfig(sources=[SourceSpec('bench', 'directory', sys.argv[1], explicit=True)])\n"
        "result = load_sources(config, Path(sys.argv[2]))\n"
        "start = time.perf_counter(); gc.collect(); pause = time.perf_counter() - start\n"
        "rss = [int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmRSS')][0]\n"
        "print(rss * 1024, pause, len(result.catalog))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(directory), str(cache)], capture_output=True, text=True, check=True)
    rss, pause, _count = done.stdout.split()
    return int(rss), float(pause)


def _env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SBB_CACHE_DIR=str(cache), SBB_NO_CONFIG="1", COLUMNS="120")
    return env


def _process(args: list[str], env: dict) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = 0
    return elapsed, usage.ru_maxrss * 1024


def _peak_rss(args: list[str], env: dict) -> int:
    """Peak RSS (bytes) of one run of `args`, started from a small interpreter: a child forked
    straight from this process would count the catalogue this process holds."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) * 1024


# -- start-up, in the parent --------------------------------------------------------------------
def measure_startup(runs: int) -> dict:
    base = Path(tempfile.mkdtemp(prefix="sbb-start-"))
    try:
        trivial = base / "trivial.py"
        trivial.write_text(
            "import typer\n\napp = typer.Typer()\n\n\n@app.command()\ndef hello(name: str = 'x') -> None:\n"
            "    print(name)\n\n\nif __name__ == '__main__':\n    app()\n",
            encoding="utf-8",
        )
        env = _env(base / "cache")
        sbb = [sys.executable, "-m", "recommender", "recommend", "-p", "examples/b-web-analytics.toml"]
        typer_cmd = [sys.executable, str(trivial)]
        for args in (sbb, typer_cmd):
            _process(args, env)  # bytecode and parse caches written
        sbb_times, typer_times = [], []
        for _ in range(max(5, runs * 2)):  # paired, alternating: the machine is shared
            sbb_times.append(_process(sbb, env)[0])
            typer_times.append(_process(typer_cmd, env)[0])
        return {"sbb": _median(sbb_times), "typer": _median(typer_times)}
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- the report --------------------------------------------------------------------------------
def _s(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def _ratio(value: float, floor: float) -> str:
    return f"{_s(value)} ({value / floor:.2f}×)" if floor > 0 else _s(value)


def table(results: list[dict], startup: dict) -> str:
    head = "| measure | " + " | ".join(f"{r['size']:,} tools" for r in results) + " | target |"
    rule = "|---|" + "---|" * len(results) + "---|"
    rows = [
        ("floor: read + `tomli.loads` every file", lambda r: _s(r["raw"]), ""),
        ("load, no cache (× floor)", lambda r: _ratio(r["no_cache"], r["raw"]), ""),
        ("cold: load + write cache (× read + `tomli.loads`)", lambda r: _ratio(r["cold"], r["raw"]), "≤ 1.5×"),
        ("floor: stat every file + one pickle of the records", lambda r: _s(r["floor"]), ""),
        ("warm: from the cache (× stat + pickle floor)", lambda r: _ratio(r["warm"], r["floor"]), "≤ 1.5×"),
        ("one file edited (× warm)", lambda r: _ratio(r["edit"], r["warm"]), "≤ 1.5×"),
        ("recommend, one capability (median)", lambda r: f"{_s(r['narrow'])} ({r['narrow_scope']:,} options)", "≤ 15 ms at 100k"),
        ("recommend, one goal (median)", lambda r: f"{_s(r['broad'])} ({r['broad_scope']:,} options)", "≤ 150 ms at 100k"),
        ("recommend, first call after a load (builds the engine index): one capability / one goal", lambda r: f"{_s(r['narrow_first'])} / {_s(r['broad_first'])}", ""),
        ("longest GC pause in a what-if session (Judge)", lambda r: f"{_s(r['gc_pause'])} (gen {r['gc_generation']})" if r["gc_generation"] >= 0 else "none", "≤ 50 ms"),
        ("fuzzy search per keystroke, median / p90", lambda r: f"{_s(r['search_median'])} / {_s(r['search_p90'])}", "≤ 15 / 50 ms at 100k"),
        ("search index build (once per load)", lambda r: _s(r["search_index"]), ""),
        ("RSS of a process holding the catalogue (warm load)", lambda r: f"{r['held_rss'] / 2**20:,.0f} MB", "≤ 300 MB at 100k"),
        ("`gc.collect()` with the catalogue held", lambda r: _s(r["held_gc"]), "≤ 50 ms"),
        ("`sbb recommend -c …` whole process, warm cache", lambda r: _s(r["process"]), ""),
        ("peak RSS of that process", lambda r: f"{r['process_rss'] / 2**20:,.0f} MB", "≤ 300 MB at 100k"),
    ]
    lines = [head, rule]
    for label, cell, target in rows:
        cells = []
        for r in results:
            try:
                cells.append(cell(r))
            except KeyError:  # not measured in this run (--loading)
                cells.append("—")
        if any(c != "—" for c in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    if not startup:
        return "\n".join(lines)
    lines.append("")
    lines.append(
        f"Start-up: `sbb recommend -p examples/b-web-analytics.toml` (bundled catalogue, warm cache) "
        f"{_s(startup['sbb'])} against a trivial Typer command {_s(startup['typer'])}: "
        f"{startup['sbb'] / startup['typer']:.2f}× (medians of paired runs)."
    )
    return "\n".join(lines)


def _load_average() -> str:
    """The one-minute load average (how busy the shared machine was), or "?" where unknown."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (OSError, AttributeError):
        return "?"


def machine() -> str:
    cores = os.cpu_count()
    try:
        memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        memory = "(free -h unavailable)"
    return f"{platform.platform()}, Python {platform.python_version()}, {cores} cores (`nproc`)\n\n```\n{memory}\n```"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also measure 100,000 tools (far longer: each load is measured once at that size)")
    parser.add_argument("--sizes", type=int, nargs="+", help="tool counts to measure (default 1000 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per load measure (medians); 1 at 100k")
    parser.add_argument("--write", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument("--loading", action="store_true", help="only the loading rows (cold, warm, one edit, the catalogue held): far shorter at 100,000")
    parser.add_argument("--cpu", action="store_true", help="time the loads (and their floors) in CPU time of the process, not wall time")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.cpu:
            global CLOCK
            CLOCK = time.process_time
        print(json.dumps(measure_size(args.child, args.runs, args.loading)))
        return
    sizes = args.sizes or [1000, 10000] + ([100_000] if args.big else [])
    started = time.perf_counter()
    load_before = _load_average()
    results = []
    for size in sizes:
        print(f"measuring {size:,} tools…", file=sys.stderr, flush=True)
        done = subprocess.run(
            [
                sys.executable, "-m", "benchmarks", "--child", str(size), "--runs", str(args.runs),
                *(["--loading"] if args.loading else []), *(["--cpu"] if args.cpu else []),
            ],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            sys.exit(f"the benchmark at {size:,} tools failed:\n{done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    startup = {}
    if not args.loading:
        print("measuring start-up…", file=sys.stderr, flush=True)
        startup = measure_startup(args.runs)
    command = (
        "python -m benchmarks" + (" --big" if args.big else "") + (" --loading" if args.loading else "") + (" --cpu" if args.cpu else "")
        + (f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes else "")
    )
    report = (
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with `{command}` "
        f"({time.perf_counter() - started:.0f} s; load average {load_before} at the start, {_load_average()} at the end"
        f"{'; loads timed in CPU time' if args.cpu else ''}).\n\n{machine()}\n\n{table(results, startup)}\n"
    )
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
