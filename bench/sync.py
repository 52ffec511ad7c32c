"""`python -m bench.sync`: live sync of 100 vaults x 1,000 jobs from the local Azure stand-in with
50 ms latency per request, concurrent (the default pool) against one vault at a time, in the same run.

The stand-in runs in its own process, and each sync in a fresh process of its own, so neither
shares the interpreter lock with the other and each peak RSS is that sync's alone. Measured: a full
sync into an empty store, then a re-sync with nothing new (concurrent only), then the baseline.
Writes its section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import machine, package_version, write_section

REPO = Path(__file__).resolve().parents[1]
VAULTS, JOBS, SUBSCRIPTIONS, PAGE_SIZE, LATENCY = 100, 1000, 4, 200, 0.05
NOW = dt.datetime(2026, 11, 20, 12, 0, 0)


def serve(ready: Path, vaults: int, jobs: int) -> None:
    """The stand-in, until stdin closes."""
    sys.path.insert(0, str(REPO))
    from tests.support.mock_azure import MockAzure
    from tests.support.mock_azure.generated import add_generated_fleet

    with MockAzure(page_size=PAGE_SIZE) as azure:
        add_generated_fleet(azure, subscriptions=SUBSCRIPTIONS, vaults_per_subscription=vaults // SUBSCRIPTIONS,
                            jobs_per_vault=jobs, end=NOW, days=25, running_per_vault=0)
        azure.latency = LATENCY
        ready.write_text(json.dumps({"base_url": azure.base_url, "token": azure.token,
                                     "vaults": [v.arm_id for v in azure.vaults.values()]}))
        sys.stdin.read()


def run_sync(server: dict, db: Path, concurrency: int) -> dict:
    """One sync in this process: seconds, jobs read, requests, peak RSS."""
    sys.path.insert(0, str(REPO))
    from loaders.jobs.azure import SyncOptions, sync_vaults
    from loaders.jobs.store import open_store
    from tests.support.mock_azure import StaticToken

    options = SyncOptions(concurrency=concurrency, retry_total=2)
    with open_store(db) as store:
        started = time.perf_counter()
        report = sync_vaults(store, StaticToken(server["token"]), server["vaults"], base_url=server["base_url"],
                             options=options, now=NOW)
        seconds = time.perf_counter() - started
        stored = store.job_count()
    return {"seconds": seconds, "read": report.total("read"), "inserted": report.total("inserted"),
            "stored": stored, "ok": report.ok, "requests": sum(sum(v.responses.values()) for v in report.vaults),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(server_file: Path, db: Path, concurrency: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.sync", "--run", str(server_file), str(db), str(concurrency)],
                          cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", nargs=3, metavar=("READY", "VAULTS", "JOBS"))
    parser.add_argument("--run", nargs=3, metavar=("SERVER", "DB", "CONCURRENCY"))
    parser.add_argument("--vaults", type=int, default=VAULTS)
    parser.add_argument("--jobs", type=int, default=JOBS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]), int(args.serve[2]))
        return 0
    if args.run:
        server = json.loads(Path(args.run[0]).read_text())
        print(json.dumps(run_sync(server, Path(args.run[1]), int(args.run[2]))))
        return 0

    from loaders.jobs.azure import SyncOptions

    with tempfile.TemporaryDirectory() as work:
        ready = Path(work) / "server.json"
        stand_in = subprocess.Popen([sys.executable, "-m", "bench.sync", "--serve", str(ready), str(args.vaults),
                                     str(args.jobs)], cwd=REPO, stdin=subprocess.PIPE, text=True)
        try:
            while not ready.exists():
                time.sleep(0.1)
            time.sleep(0.2)
            pool = SyncOptions.concurrency
            full = _child(ready, Path(work) / "concurrent.duckdb", pool)
            again = _child(ready, Path(work) / "concurrent.duckdb", pool)
            baseline = _child(ready, Path(work) / "sequential.duckdb", 1)
        finally:
            stand_in.stdin.close()
            stand_in.wait(timeout=30)
    total = args.vaults * args.jobs
    ratio = baseline["seconds"] / full["seconds"]
    rows = [("full sync, one vault at a time (baseline)", baseline), (f"full sync, {pool} vaults at a time", full),
            (f"re-sync, nothing new, {pool} at a time", again)]
    table = "\n".join(f"| {name} | {r['seconds']:.1f} | {r['read'] / r['seconds']:,.0f} | {r['requests']} | "
                      f"{r['stored']:,} | {r['peak_mb']:.0f} |" for name, r in rows)
    text = f"""## Sync

`python -m bench.sync` — {dt.date.today().isoformat()}; machine: {machine("DuckDB " + package_version("duckdb"),
    "azure-mgmt-recoveryservicesbackup " + package_version("azure-mgmt-recoveryservicesbackup"))}.
Input: the local Azure stand-in (its own process) serving {args.vaults} vaults in {SUBSCRIPTIONS} subscriptions x
{args.jobs:,} jobs ({total:,} jobs), pages of {PAGE_SIZE}, {LATENCY * 1000:.0f} ms latency on every request; each
sync in a fresh process, with the default read budget (250 per subscription, 25/s).

| run | seconds | jobs/s | requests | jobs stored | peak RSS MB |
|---|---:|---:|---:|---:|---:|
{table}

- concurrent vs one at a time, same requests: **{ratio:.1f}x** (target ≥ 5x: {"met" if ratio >= 5 else "not met"})
- every run complete: {all(r["ok"] for _, r in rows)}; jobs stored after the full syncs: {full["stored"]:,}
  and {baseline["stored"]:,}
"""
    print(text)
    write_section("## Sync", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
