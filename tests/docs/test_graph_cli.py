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
    linux = next(c for c in article["causes"]
                 if c["id"] == "the-agent-installed-in-the-vm-is-out-of-date-for-linux-vms")
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
    assert text.stdout.rstrip().splitlines()[-1].startswith(f"{len(list(DATA.rglob('*.md')))} articles")


def test_missing_path_exits_2_naming_it_and_keeps_the_rest(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = _graph(str(DATA / "sxs.md"), str(missing), "--json", cache_dir=tmp_path)
    assert result.returncode == 2
    assert [Path(a["path"]).name for a in json.loads(result.stdout)["articles"]] == ["sxs.md"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "no such file" in lines[0]


def _unreadable_tree(root: Path) -> dict[str, str]:
    """A folder holding one good article and entries named *.md that no one can read, even root:
    a broken symlink, a symlink loop, a named pipe (which would block a plain open), and a
    folder called x.md holding nothing. Returns entry name -> words the message must contain."""
    root.mkdir()
    (root / "good.md").write_text("# Good\n", encoding="utf-8")
    (root / "gone.md").symlink_to(root / "missing-target.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    os.mkfifo(root / "pipe.md")
    return {"gone.md": "broken symbolic link", "loop.md": "symbolic link loop", "pipe.md": "named pipe"}


def test_unreadable_entries_in_a_folder_are_named_and_the_rest_is_kept(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    expected = _unreadable_tree(tree)
    (tree / "x.md").mkdir()
    result = _graph(str(tree), "--json", cache_dir=tmp_path)
    assert result.returncode == 2
    articles = {Path(a["path"]).name: a for a in json.loads(result.stdout)["articles"]}
    assert articles["good.md"]["title"] == "Good" and articles["good.md"]["problems"] == []
    assert "x.md" not in articles  # a folder, searched like any other
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(expected)
    for name, words in expected.items():
        (line,) = [line for line in lines if str(tree / name) in line]
        assert words in line
        assert [p["kind"] for p in articles[name]["problems"]] == ["io"]


def test_unreadable_named_paths_exit_2_one_line_each(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    expected = _unreadable_tree(tree)
    empty = tmp_path / "empty.md"  # a folder named like an article, without any article in it
    empty.mkdir()
    names = [str(tree / name) for name in expected] + [str(empty), str(tree / "good.md")]
    result = _graph(*names, cache_dir=tmp_path)  # must not block on the pipe
    assert result.returncode == 2
    assert result.stdout.rstrip().splitlines()[-1].startswith("1 articles")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(expected) + 1
    for name, words in expected.items():
        assert any(str(tree / name) in line and words in line for line in lines)
    assert any(str(empty) in line and "no Markdown (.md) files" in line for line in lines)


def test_alignment_across_locales_in_json(tmp_path: Path) -> None:
    tree = REPO / "tests" / "data" / "graph"
    result = _graph(str(tree), "--json", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [a["locale"] for a in payload["articles"]] == ["de-de", "en-us", "it-it"]
    alignment = payload["alignment"]["widget-errors.md"]
    assert alignment["errors"]["widget-full"] == ["en-us"]
    assert alignment["cause_orders"]["widget-offline"]["it-it"] == ["network-down", "agent-stopped-windows"]
