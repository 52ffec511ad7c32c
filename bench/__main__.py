"""`python -m bench`: run every benchmark in turn; each one rewrites its own section of bench/RESULTS.md."""
from __future__ import annotations

import runpy
import sys

BENCHMARKS = ("bench.parse", "bench.lint", "bench.fleet", "bench.fleet_page", "bench.hostile", "bench.sync")


def main() -> int:
    only = set(sys.argv[1:])
    for name in BENCHMARKS:
        if only and name.split(".")[-1] not in only:
            continue
        print(f"== {name}", flush=True)
        saved = sys.argv
        sys.argv = [name]
        try:
            runpy.run_module(name, run_name="__main__")
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                print(f"{name} failed with exit code {exit_.code}", file=sys.stderr)
                return int(exit_.code) if isinstance(exit_.code, int) else 1
        finally:
            sys.argv = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
