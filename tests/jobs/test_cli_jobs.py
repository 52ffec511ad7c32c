"""`python -m loaders jobs import|info|quarantine` run as a user would, in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "jobs"


def run(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BACKUP_TRIAGE_DB"}
    if env_db is not None:
        env["BACKUP_TRIAGE_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "loaders", "jobs", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_import_prints_counts_that_add_up_and_reimport_updates(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    first = run("import", str(DATA / "az-cli-list.json"), str(DATA / "la-export.csv"), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert ("az-cli-list.json (az backup job JSON): read 4 = 4 inserted + 0 updated + 0 quarantined "
            "+ 0 duplicates") in first.stdout
    assert ("la-export.csv (Log Analytics CSV): read 5 = 4 inserted + 0 updated + 0 quarantined "
            "+ 1 duplicates") in first.stdout
    assert ("total: read 9 = 8 inserted + 0 updated + 0 quarantined + 1 duplicates "
            "(2 of 2 files imported)") in first.stdout

    again = run("import", str(DATA / "az-cli-list.json"), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "read 4 = 0 inserted + 4 updated + 0 quarantined + 0 duplicates" in again.stdout

    info = run("info", "--db", str(db), "--json")
    assert info.returncode == 0, info.stderr
    payload = json.loads(info.stdout)
    assert payload["jobs"] == 8
    assert payload["sources"] == {"az-cli:az-cli-list.json": 4, "log-analytics:la-export.csv": 4}
    assert payload["path"] == str(db)


def test_unreadable_files_are_named_and_the_others_still_imported(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    workbook = tmp_path / "jobs.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = run("import", str(tmp_path / "missing.json"), str(DATA / "jobs-table.csv"), str(empty),
                 str(workbook), str(DATA / "rest-page.json"), "--db", str(db))
    assert result.returncode == 2
    assert "missing.json: not imported: cannot read: no such file or directory" in result.stderr
    assert "jobs-table.csv: not imported: unknown column set" in result.stderr
    assert "empty.json: not imported: file is empty" in result.stderr
    assert "jobs.xlsx: not imported" in result.stderr and "Excel" in result.stderr
    assert "rest-page.json (REST backupJobs JSON): read 3 = 3 inserted" in result.stdout
    assert "(1 of 5 files imported)" in result.stdout
    info = run("info", "--db", str(db))
    assert "jobs:            3" in info.stdout


def test_quarantine_lists_rejected_records_with_location(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    imported = run("import", str(DATA / "la-bad-rows.csv"), str(DATA / "rest-truncated.json"), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert "read 8 = 2 inserted + 0 updated + 6 quarantined + 0 duplicates" in imported.stdout
    assert "read 3 = 2 inserted + 0 updated + 1 quarantined + 0 duplicates" in imported.stdout
    assert "warning: not valid JSON" in imported.stdout
    assert "python -m loaders jobs quarantine" in imported.stdout

    listing = run("quarantine", "--db", str(db))
    assert listing.returncode == 0, listing.stderr
    for location in ("la-bad-rows.csv:3", "la-bad-rows.csv:8", "rest-truncated.json:51"):
        assert location in listing.stdout
    assert "JobStartDateTime: not a date/time: 'yesterday 10pm'" in listing.stdout
    assert "(7 of 7 shown)" in listing.stdout

    as_json = json.loads(run("quarantine", "--db", str(db), "--json", "--source", "rest:rest-truncated.json").stdout)
    assert [q["location"] for q in as_json] == ["rest-truncated.json:51"]


def test_store_path_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env" / "fleet.duckdb"
    result = run("import", str(DATA / "la-rows.json"), env_db=db)
    assert result.returncode == 0, result.stderr
    assert db.is_file()
    assert "jobs:            2" in run("info", env_db=db).stdout
    assert "no quarantined records" in run("quarantine", env_db=db).stdout


def test_reimporting_a_repaired_file_clears_its_quarantine(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    export = tmp_path / "jobs.csv"
    good = (DATA / "la-bad-rows.csv").read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(good) + "\n", encoding="utf-8")
    assert "6 quarantined" in run("import", str(export), "--db", str(db)).stdout
    export.write_text("\n".join([good[0], good[1], good[-1]]) + "\n", encoding="utf-8")  # bad rows removed
    again = run("import", str(export), "--db", str(db))
    assert "read 2 = 0 inserted + 2 updated + 0 quarantined + 0 duplicates" in again.stdout
    assert "no quarantined records" in run("quarantine", "--db", str(db)).stdout


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    db = tmp_path / "typo.duckdb"
    for command in ("info", "quarantine"):
        result = run(command, "--db", str(db))
        assert result.returncode == 0
        assert f"no store at {db} yet" in result.stdout
    assert not db.exists()


def test_stores_that_cannot_be_used_are_one_line_errors(tmp_path: Path) -> None:
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("shopping list\n")
    future = tmp_path / "future.duckdb"
    setup = run("import", str(DATA / "rest-page.json"), "--db", str(future))
    assert setup.returncode == 0, setup.stderr
    import duckdb

    with duckdb.connect(str(future)) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    (tmp_path / "blocker").write_text("a file, not a folder")
    cases = {
        ("import", "--db", str(not_a_store)): "not a valid DuckDB database",
        ("info", "--db", str(not_a_store)): "not a valid DuckDB database",
        ("import", "--db", str(future)): "newer than this program understands",
        ("quarantine", "--db", str(future)): "newer than this program understands",
        ("import", "--db", str(tmp_path / "blocker" / "fleet.duckdb")): "a file is in the way",
        ("import", "--db", str(tmp_path)): "is a folder",
    }
    for (command, *options), words in cases.items():
        files = [str(DATA / "rest-page.json")] if command == "import" else []
        arguments = [command, *files, *options]
        result = run(*arguments)
        assert result.returncode == 2, (arguments, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and options[1].split("/")[-1] in lines[0], (arguments, lines)
    assert not_a_store.read_text() == "shopping list\n"


def test_files_no_one_can_read_and_files_named_twice(tmp_path: Path) -> None:
    """A named pipe no program writes to (a plain open would block), a broken symlink and a
    folder are named with the reason even for root; a file named twice (or through another
    path) is imported once."""
    db = tmp_path / "fleet.duckdb"
    pipe = tmp_path / "jobs.json"
    os.mkfifo(pipe)
    broken = tmp_path / "export.csv"
    broken.symlink_to(tmp_path / "gone.csv")
    folder = tmp_path / "exports.json"
    folder.mkdir()
    again = tmp_path / "link-to-page.json"
    again.symlink_to(DATA / "rest-page.json")
    result = run("import", str(pipe), str(broken), str(folder), str(DATA / "rest-page.json"), str(again),
                 str(DATA / "rest-page.json"), "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"error: {pipe}: not imported: nothing came through this named pipe (no program was writing to it)",
        f"error: {broken}: not imported: cannot read: broken symbolic link "
        f"(its target {tmp_path / 'gone.csv'} does not exist)",
        f"error: {folder}: not imported: cannot read: a folder, not a regular file",
    ]
    assert "rest-page.json (REST backupJobs JSON): read 3 = 3 inserted" in result.stdout
    assert f"{again}: skipped: the same file as {DATA / 'rest-page.json'}, imported above" in result.stdout
    assert result.stdout.count("skipped: the same file") == 2
    assert ("total: read 3 = 3 inserted + 0 updated + 0 quarantined + 0 duplicates "
            "(1 of 6 files imported, 2 named twice)") in result.stdout


def test_an_export_piped_in_is_imported(tmp_path: Path) -> None:
    """`jobs import <(az backup job list ...)`: the shell passes a pipe as /dev/fd/N."""
    read_end, write_end = os.pipe()
    os.write(write_end, (DATA / "rest-page.json").read_bytes())  # small enough for the pipe buffer
    os.close(write_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "loaders", "jobs", "import", f"/dev/fd/{read_end}",
             "--db", str(tmp_path / "f.duckdb")],
            cwd=REPO, capture_output=True, text=True, timeout=120, pass_fds=(read_end,),
            env={k: v for k, v in os.environ.items() if k != "BACKUP_TRIAGE_DB"},
        )
    finally:
        os.close(read_end)
    assert result.returncode == 0, result.stderr
    assert f"/dev/fd/{read_end} (REST backupJobs JSON): read 3 = 3 inserted" in result.stdout


def test_a_negative_limit_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    assert run("import", str(DATA / "rest-bad-records.json"), "--db", str(db)).returncode == 0
    result = run("quarantine", "--db", str(db), "--limit", "-5")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --limit: must be 0 (all) or more, not -5" in result.stderr
    assert "(6 of 6 shown)" in run("quarantine", "--db", str(db), "--limit", "0").stdout
