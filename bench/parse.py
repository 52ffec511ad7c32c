"""Parse benchmark: GuideGraph over the corpus bench tree vs bare markdown-it-py tokenisation.

`python -m bench.parse [--repeat N]` prints the numbers and rewrites the "## Parse" section of
bench/RESULTS.md. Baseline: tokenising the same files with the same markdown-it configuration,
in the same run. Cold = empty cache (both cores when the tree is big); warm = every file cached.
The multi-threaded row parses while another thread is alive, as in the Streamlit server, where
worker processes start from a fork server instead of being forked.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.results import cpu_model, write_section

REPO = Path(__file__).resolve().parents[1]
BENCH_TREE = REPO.parent / "shared" / "corpus" / "bench"

COLD_TARGET = 1.2
WARM_TARGET = 0.05


def _bare(paths: list[Path]) -> int:
    from loaders.docs.parse import markdown_parser

    parser = markdown_parser()
    tokens = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        tokens += len(parser.parse(text))
    return tokens


def _article_paths(root: Path) -> list[Path]:
    from loaders.docs.load import discover

    return sorted(discover([root]).files)


def _graph(root: Path, cache_dir: Path, workers: int | None) -> int:
    from loaders.docs import cache as article_cache
    from loaders.docs.graph import GuideGraph
    from loaders.docs.load import load_articles

    os.environ[article_cache.CACHE_ENV] = str(cache_dir)
    articles = load_articles(_article_paths(root), workers=workers)
    graph = GuideGraph.from_articles(articles, root=str(root))
    return sum(len(a.errors) + len(a.causes) for a in graph.articles())


def _in_threaded_process(function):
    """`function` run while another thread is alive, as in the Streamlit server: no fork there."""
    def run() -> None:
        stop = threading.Event()
        other = threading.Thread(target=stop.wait, daemon=True)
        other.start()
        try:
            function()
        finally:
            stop.set()
            other.join()
    return run


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    options.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = options.parse_args(argv)

    if not BENCH_TREE.is_dir():
        print(f"bench tree not found: {BENCH_TREE}", file=sys.stderr)
        return 2
    paths = _article_paths(BENCH_TREE)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    cores = os.cpu_count() or 1

    _bare(paths)  # warm the interpreter and the OS file cache
    bare = _best(lambda: _bare(paths), args.repeat)

    def cold(workers: int | None):
        def run() -> None:
            with tempfile.TemporaryDirectory() as empty:
                _graph(BENCH_TREE, Path(empty), workers)
        return run

    cold_parallel = _best(cold(None), args.repeat)
    cold_single = _best(cold(1), args.repeat)
    cold_threaded = _best(_in_threaded_process(cold(None)), args.repeat)
    with tempfile.TemporaryDirectory() as cache_dir:
        _graph(BENCH_TREE, Path(cache_dir), None)
        warm = _best(lambda: _graph(BENCH_TREE, Path(cache_dir), None), args.repeat)

    rows = [
        ("bare markdown-it-py tokenisation (baseline, 1 core)", bare, 1.0),
        (f"graph, cold cache, {cores} cores", cold_parallel, cold_parallel / bare),
        ("graph, cold cache, 1 core", cold_single, cold_single / bare),
        (f"graph, cold cache, {cores} cores, multi-threaded process (fork server)", cold_threaded,
         cold_threaded / bare),
        ("graph, warm cache", warm, warm / bare),
    ]
    warm_vs_cold = warm / cold_parallel
    print(f"files: {len(paths)}  MB: {megabytes:.2f}  cores: {cores}")
    for name, seconds, ratio in rows:
        print(f"{name:55s} {seconds:8.3f} s  ratio {ratio:5.2f}")
    cold_ok = cold_parallel / bare <= COLD_TARGET
    warm_ok = warm_vs_cold <= WARM_TARGET
    print(f"cold ratio graph/bare {cold_parallel / bare:.2f} (target <= {COLD_TARGET}): "
          f"{'ok' if cold_ok else 'MISSED'}")
    print(f"warm/cold {warm_vs_cold:.3f} (target <= {WARM_TARGET}): {'ok' if warm_ok else 'MISSED'}")

    if not args.no_write:
        table = "\n".join(f"| {name} | {seconds:.3f} | {ratio:.2f} |" for name, seconds, ratio in rows)
        section = (
            "## Parse\n\n"
            f"`python -m bench.parse` — {dt.date.today().isoformat()}; machine: {cores} cores ({cpu_model()}), "
            f"Python {platform.python_version()}, {platform.system()}.\n"
            f"Input: every article under `../shared/corpus/bench/` — {len(paths)} files, {megabytes:.2f} MB. "
            f"Best of {args.repeat} runs each.\n\n"
            "| run | seconds | ratio to bare |\n|---|---:|---:|\n"
            f"{table}\n\n"
            f"- cold graph/bare: **{cold_parallel / bare:.2f}** "
            f"(target ≤ {COLD_TARGET}: {'met' if cold_ok else 'missed'}); "
            f"single core {cold_single / bare:.2f}\n"
            f"- warm/cold: **{warm_vs_cold:.3f}** (target ≤ {WARM_TARGET}: {'met' if warm_ok else 'missed'})\n\n"
        )
        write_section("## Parse", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
