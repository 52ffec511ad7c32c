"""`python -m loaders graph` end to end, in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "parse"


def _graph(*args: str, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKUP_TRIAGE_CACHE_DIR": str(cache_dir)}
    return subprocess.run(
        [sys.executable, "-m", "loaders", "graph", *args],
        cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


@pytest.mark.corpus
def test_seed_json(corpus_dir: Path, tmp_path: Path) -> None:
    seed = corpus_dir / "seed"
    result = _graph(str(seed), "--json", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    (article,) = payload["articles"]
    assert set(article) >= {"path", "locale", "title", "date", "errors", "causes", "problems"}
    assert article["locale"] == "it-it" and article["date"] == "2017-08-17"
    assert len(article["errors"]) == 5 and len(article["causes"]) == 5
    first = article["errors"][0]
    assert set(first) >= {"id", "title", "codes", "causes"}
    assert first["id"] == "vm-agent-unable-to-communicate-with-azure-backup"
    assert first["causes"][0] == "the-vm-has-no-internet-access"
    linux = next(c for c in article["causes"] if c["id"] == "the-agent-installed-in-the-vm-is-out-of-date-for-linux-vms")
    assert linux["platforms"] == ["linux"]
    assert "ps -e" in linux["commands"]
    assert set(linux) >= {"id", "title", "platforms", "commands", "links"}
    assert any(link["kind"] == "external" for link in linux["links"])
    assert article["problems"] == []


def test_fixture_folder_json_and_summary(tmp_path: Path) -> None:
    result = _graph(str(DATA / "error_code_layouts.md"), str(DATA / "invalid_yaml.md"), "--json", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    articles = json.loads(result.stdout)["articles"]
    assert [Path(a["path"]).name for a in articles] == ["error_code_layouts.md", "invalid_yaml.md"]
    assert articles[0]["errors"][1]["codes"] == ["InternalFailure", "InternalFailureV2"]
    assert articles[1]["problems"][0]["line"] == 4

    text = _graph(str(DATA), cache_dir=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "error agent-unreachable (AgentUnreachable)" in text.stdout
    assert text.stdout.rstrip().splitlines()[-1].startswith(f"{len(list(DATA.glob('*.md')))} articles")


def test_missing_path_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = _graph(str(DATA / "sxs.md"), str(missing), "--json", cache_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text("# Locked\n", encoding="utf-8")
    locked.chmod(0)
    result = _graph(str(locked), cache_dir=tmp_path)
    assert result.returncode == 2
    assert str(locked) in result.stderr


def test_alignment_across_locales_in_json(tmp_path: Path) -> None:
    tree = REPO / "tests" / "data" / "graph"
    result = _graph(str(tree), "--json", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [a["locale"] for a in payload["articles"]] == ["de-de", "en-us", "it-it"]
    alignment = payload["alignment"]["widget-errors.md"]
    assert alignment["errors"]["widget-full"] == ["en-us"]
    assert alignment["cause_orders"]["widget-offline"]["it-it"] == ["network-down", "agent-stopped-windows"]
