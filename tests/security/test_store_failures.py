"""The job store when things go wrong, driven through `python -m loaders jobs ...` as a user runs it:
an import killed with SIGKILL and run again, a damaged store file, a read-only data folder, a full file
system (a small tmpfs), two writers at once. Each gives one clear message naming the store, no
traceback, and loses nothing already stored; a re-run ends with every job exactly once."""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.jobs.guidance import Resolver
from loaders.jobs.importers import BATCH_ROWS, import_file
from loaders.jobs.store import open_store
from tests.support.jobs_cli import REPO, jobs_env, run_jobs

DATA = REPO / "tests" / "data" / "jobs"
TEMPLATE_JOB = "c3e5a7b9-1d2f-4a6c-8e0b-2d4f6a8c0e01"
SMALL = DATA / "la-export.csv"  # 5 records of 4 jobs
SMALL_JOBS = 4


def write_big_export(path: Path, jobs: int) -> Path:
    """A Log Analytics CSV export with `jobs` distinct jobs (over the size that is stored in batches)."""
    header, _, failed, *_ = SMALL.read_text(encoding="utf-8").splitlines(keepends=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for number in range(jobs):
            out.write(failed.replace(TEMPLATE_JOB, f"00000000-0000-4000-8000-{number:012d}")
                      .replace("vm-web-11", f"vm-{number % 5000}"))
    return path


def info(db: Path) -> dict:
    result = run_jobs("info", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def distinct_jobs(db: Path) -> tuple[int, int]:
    """(rows, distinct (vault, job id)) as a separate process sees the store."""
    code = ("import sys, json; from loaders.jobs.store import open_store\n"
            "with open_store(sys.argv[1], read_only=True) as s:\n"
            "    print(json.dumps(s.connection.execute('SELECT count(*), count(DISTINCT (vault_id, job_id)) "
            "FROM jobs').fetchone()))")
    result = subprocess.run([sys.executable, "-c", code, str(db)], cwd=REPO, env=jobs_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(json.loads(result.stdout))


def start_import(db: Path, *paths: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "loaders", "jobs", "import", "--db", str(db), *map(str, paths)],
                            cwd=REPO, env=jobs_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def one_clear_error(result: subprocess.CompletedProcess, db: Path) -> str:
    """The single `error:` line of a failed command; no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert str(db) in errors[0]
    return errors[0]


def wait_for_first_batch(wal: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the write-ahead log holds a batch and has stopped growing (its commit is done)."""
    deadline = time.monotonic() + timeout
    last, steady_since = -1, time.monotonic()
    while time.monotonic() < deadline and process.poll() is None:
        size = wal.stat().st_size if wal.exists() else 0
        if size != last:
            last, steady_since = size, time.monotonic()
        elif size > 2**20 and time.monotonic() - steady_since > 0.5:
            return
        time.sleep(0.05)


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> tuple[Path, int]:
    jobs = 100_000  # two batches of 50,000: the kill lands after the first is committed
    return write_big_export(tmp_path_factory.mktemp("big") / "big-export.csv", jobs), jobs


def test_import_killed_mid_way_then_run_again_loses_and_duplicates_nothing(tmp_path: Path, big_export) -> None:
    export, jobs = big_export
    db = tmp_path / "fleet.duckdb"
    assert run_jobs("import", "--db", str(db), str(SMALL)).returncode == 0
    process = start_import(db, export)
    wait_for_first_batch(Path(f"{db}.wal"), process)
    assert process.poll() is None, "the import ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    rows, distinct = distinct_jobs(db)  # the store opens after the kill (the log is replayed)
    assert rows == distinct
    # Each batch is one transaction: the kill keeps whole batches only, and came before the last one.
    assert (rows - SMALL_JOBS) % BATCH_ROWS == 0 and SMALL_JOBS <= rows < SMALL_JOBS + jobs, rows

    again = run_jobs("import", "--db", str(db), str(export))
    assert again.returncode == 0, again.stderr
    assert distinct_jobs(db) == (SMALL_JOBS + jobs, SMALL_JOBS + jobs)


def damaged_copies(store: Path, folder: Path) -> dict[str, Path]:
    data = store.read_bytes()
    copies = {
        "random bytes": os.urandom(len(data)),
        "cut short": data[: len(data) // 3],
        "header overwritten": data[:4096] + b"GARBAGE" * 64 + data[4096 + 448:],
        "data block overwritten": data[:-len(data) // 4] + b"\xff" * 4096 + data[-len(data) // 4 + 4096:],
    }
    paths = {}
    for name, content in copies.items():
        path = folder / f"{name.replace(' ', '-')}.duckdb"
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_damaged_store_file_gives_one_clear_message_and_is_left_as_it_is(tmp_path: Path) -> None:
    good = tmp_path / "good.duckdb"
    assert run_jobs("import", "--db", str(good), str(SMALL)).returncode == 0
    for name, damaged in damaged_copies(good, tmp_path).items():
        before = damaged.read_bytes()
        for command in (("info",), ("quarantine",), ("import", str(SMALL))):
            result = run_jobs(*command[:1], "--db", str(damaged), *command[1:])
            line = one_clear_error(result, damaged)
            assert "is damaged or is not a job store" in line, (name, command, line)
        assert damaged.read_bytes() == before, name  # never overwritten or replaced
    assert info(good)["jobs"] == SMALL_JOBS


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_data_folder(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "data", "16m") as data:
        db = data / "fleet.duckdb"
        assert run_jobs("import", "--db", str(db), str(SMALL)).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
        for command in (("import", str(SMALL)), ("sample", "--vms", "3", "--days", "1", "--quiet"),
                        ("clear", "--yes")):
            line = one_clear_error(run_jobs(command[0], "--db", str(db), *command[1:]), db)
            assert "cannot open the store for writing" in line and "Read-only file system" in line, line
        new = data / "new.duckdb"
        line = one_clear_error(run_jobs("import", "--db", str(new), str(SMALL)), new)
        assert "Read-only file system" in line
        assert info(db)["jobs"] == SMALL_JOBS  # still readable, nothing lost


def test_full_file_system(tmp_path: Path) -> None:
    export = write_big_export(tmp_path / "export.csv", 20_000)
    with tmpfs(tmp_path / "data", "3m") as data:
        db = data / "fleet.duckdb"
        assert run_jobs("import", "--db", str(db), str(SMALL)).returncode == 0
        result = run_jobs("import", "--db", str(db), str(export))
        assert result.returncode != 0 and "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "No space left on device" in errors[0] and str(db) in errors[0], result.stderr
        # The records of the batch that did not fit are counted, not lost from the report.
        counts = stopped_counts(errors[0])
        assert counts["read"] == 20_000 and counts["not stored"] == 20_000, errors[0]
        assert counts["read"] == sum(v for k, v in counts.items() if k != "read"), errors[0]
        assert info(db)["jobs"] == SMALL_JOBS  # what was stored before is all there
        # Room again (a smaller import fits): the store takes writes as before.
        assert run_jobs("import", "--db", str(db), str(DATA / "la-rows.json")).returncode == 0
        assert info(db)["jobs"] > SMALL_JOBS


def stopped_counts(line: str) -> dict[str, int]:
    """The counts of a `stopped after N records (a inserted, b updated, ...)` line."""
    match = re.search(r"stopped after (\d+) records \(([^)]*)\)", line)
    assert match, line
    counts = {"read": int(match[1])}
    for part in match[2].split(", "):
        number, name = part.split(" ", 1)
        counts[name] = int(number)
    return counts


def test_full_file_system_mid_stream(tmp_path: Path) -> None:
    """A streamed import whose later batch does not fit: the batches before it stay stored and counted,
    the records of the failed batch are reported as not stored, and the counts still add up."""
    export = write_big_export(tmp_path / "export.csv", 60_000)
    with tmpfs(tmp_path / "data", "6m") as data, open_store(data / "fleet.duckdb") as store:
        report = import_file(store, export, Resolver(None), stream_from=0, batch_rows=5_000)
        stored = store.connection.execute("SELECT count(*), count(DISTINCT (vault_id, job_id)) FROM jobs").fetchone()
    assert report.error and "No space left on device" in report.error, report.summary()
    assert report.inserted > 0 and report.not_stored > 0, report.summary()
    assert report.adds_up, report.summary()
    assert report.read < 60_000 + 1  # the rest of the file was not read after the failure
    assert stored == (report.inserted, report.inserted)  # whole batches only, each counted once
    assert f"{report.not_stored} not stored" in report.summary()


def test_two_writers_at_once(tmp_path: Path) -> None:
    export = write_big_export(tmp_path / "export.csv", 60_000)
    db = tmp_path / "fleet.duckdb"
    first = start_import(db, export)
    deadline = time.monotonic() + 60
    while not db.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    second = run_jobs("import", "--db", str(db), str(SMALL))
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    if second.returncode != 0:  # it waited for the lock and gave up: one clear message, nothing written
        line = one_clear_error(second, db)
        assert "is in use by another process" in line, line
        assert run_jobs("import", "--db", str(db), str(SMALL)).returncode == 0
    assert distinct_jobs(db) == (60_000 + SMALL_JOBS, 60_000 + SMALL_JOBS)
