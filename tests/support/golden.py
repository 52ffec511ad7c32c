"""Expected results stored beside their inputs, and the one way to regenerate them.

A case `<name>.<ext>` has its expected result in `<name>.expected.<format>`; a fixture folder has it in
`expected.txt` inside. `assert_golden` compares a result with its file; with `BACKUP_TRIAGE_REGENERATE=1`
in the environment it writes the result instead (then review `git diff tests/data` before committing).
"""
from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

REGENERATE_ENV = "BACKUP_TRIAGE_REGENERATE"


def regenerating() -> bool:
    return os.environ.get(REGENERATE_ENV, "") not in ("", "0")


def as_json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def assert_golden(actual: str, expected_path: Path) -> None:
    """`actual` equals the text of `expected_path` (written there instead when regenerating)."""
    if regenerating():
        expected_path.write_text(actual, encoding="utf-8")
        return
    assert expected_path.is_file(), f"no expected file {expected_path}; create it with {REGENERATE_ENV}=1"
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            str(expected_path), "actual"))
        raise AssertionError(f"result differs from {expected_path} (regenerate with {REGENERATE_ENV}=1):\n{diff}")
