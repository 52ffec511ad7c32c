"""Importers fuzzed (hypothesis) with export files that are cut short, reordered, mistyped and mixed
from several formats, built from every export fixture of tests/data/jobs: every file's counts add up
(read = inserted + updated + quarantined + duplicates), no exception escapes, nothing is reported as
an internal error, and the store opens afterwards holding one row per (vault, job id)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
INPUTS = sorted(p for p in DATA.iterdir() if p.suffix in (".json", ".csv") and not p.name.endswith(".expected.json"))
CATALOG = load_catalog(DATA / "catalog.yaml")
EXAMPLES = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WRONG_TYPES = st.sampled_from([None, True, 0, -1, 1e308, "", "not a date", "9999-99-99T99:99:99Z", [], {},
                               ["x"], {"a": 1}, "\x00", "ÿ" * 300])


def _json_or_none(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document that holds a scalar."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _paths(item, (*prefix, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _paths(item, (*prefix, index))]
    return [prefix]


def _set(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


@st.composite
def mistyped(draw, data: bytes) -> bytes:
    """Some values replaced by values of another type: JSON scalars, or CSV cells."""
    document = _json_or_none(data)
    if document is not None:
        places = _paths(document)
        for _ in range(draw(st.integers(1, 5))):
            document = _set(document, draw(st.sampled_from(places)), draw(WRONG_TYPES))
            places = _paths(document) or [()]
        return json.dumps(document).encode()
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(lines) - 1))
        cells = lines[at].split(b",")
        cell = draw(st.integers(0, len(cells) - 1))
        cells[cell] = json.dumps(draw(WRONG_TYPES)).encode()
        lines[at] = b",".join(cells)
    return b"\n".join(lines)


@st.composite
def reordered(draw, data: bytes) -> bytes:
    """Records (JSON list items, CSV rows; the header too, sometimes) in another order."""
    document = _json_or_none(data)
    if isinstance(document, list) and len(document) > 1:
        return json.dumps(draw(st.permutations(document))).encode()
    if isinstance(document, dict):
        for key in ("value", "data", "rows"):
            if isinstance(document.get(key), list) and len(document[key]) > 1:
                document[key] = draw(st.permutations(document[key]))
                return json.dumps(document).encode()
    lines = data.split(b"\n")
    keep_header = draw(st.booleans())
    head, body = (lines[:1], lines[1:]) if keep_header else ([], lines)
    return b"\n".join(head + list(draw(st.permutations(body))))


@st.composite
def hostile_export(draw) -> bytes:
    source = draw(st.sampled_from(INPUTS))
    data = source.read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("truncate", "reorder", "mistype", "mix", "bytes")))
        if kind == "truncate" and data:
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif kind == "reorder":
            data = draw(reordered(data))
        elif kind == "mistype" and data:
            data = draw(mistyped(data))
        elif kind == "mix":
            other = draw(st.sampled_from(INPUTS)).read_bytes()
            cut = draw(st.integers(0, len(data)))
            data = data[:cut] + draw(st.sampled_from([b"", b"\n", b"\r\n"])) + other
        elif kind == "bytes":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data


@EXAMPLES
@given(files=st.lists(hostile_export(), min_size=1, max_size=3))
def test_fuzzed_exports_always_add_up_and_the_store_reopens(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = []
        for number, data in enumerate(files):
            path = root / f"export-{number}.{'json' if data.lstrip()[:1] in (b'{', b'[') else 'csv'}"
            path.write_bytes(data)
            paths.append(path)
        db = root / "fleet.duckdb"
        with open_store(db) as store:
            reports = import_files(store, paths, catalog=CATALOG)
        assert len(reports) == len(paths)
        for report in reports:
            assert report.adds_up, report.summary()
            assert not (report.error or "").startswith("internal error"), report.summary()
            if report.error:
                assert report.path in report.summary() and report.error.strip()
        with open_store(db, read_only=True) as store:
            rows, distinct = store.connection.execute(
                "SELECT count(*), count(DISTINCT (vault_id, job_id)) FROM jobs").fetchone()
            assert rows == distinct == sum(r.inserted for r in reports)
            assert store.info().jobs == rows
