"""Translation rules on our own, correct translations: each defect put into a copy of a real
translation from docs_source/ is reported, with the source file and line, and nothing else changes."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from loaders.docs.lint import LintConfig, lint

ARTICLE = "vm-agent-extension-failures.md"


@pytest.fixture()
def docs(tmp_path, docs_source_dir) -> Path:
    for locale in ("en-us", "it-it"):
        (tmp_path / locale).mkdir()
        shutil.copy(docs_source_dir / locale / ARTICLE, tmp_path / locale / ARTICLE)
    return tmp_path


def _findings(docs: Path) -> list:
    report = lint([docs], config=LintConfig(), base=docs)
    return [f for f in report.findings if f.path == f"it-it/{ARTICLE}"]


def _mutate(docs: Path, change) -> tuple[str, str]:
    path = docs / "it-it" / ARTICLE
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, "the mutation did not apply"
    path.write_text(after, encoding="utf-8")
    return before, after


def test_the_copy_is_clean(docs):
    assert _findings(docs) == []


def test_changed_command_is_reported(docs):
    # the first inline code span that holds a command (has a space) gets translated
    def change(text: str) -> str:
        match = next(
            m for m in re.finditer(r"`([^`\n]+)`", text) if " " in m.group(1) and "\n## " in text[: m.start()]
        )
        return text[: match.start(1)] + match.group(1).replace(" ", " --tradotto ", 1) + text[match.end(1):]

    _mutate(docs, change)
    found = [f for f in _findings(docs) if f.rule == "TS105"]
    assert len(found) == 1 and "--tradotto" in found[0].message
    assert found[0].source_path == f"en-us/{ARTICLE}" and found[0].source_line


def test_dropped_step_is_reported(docs):
    # remove the second item of the first ordered list that has at least three items (and renumber)
    def change(text: str) -> str:
        lines = text.split("\n")
        for index in range(len(lines) - 2):
            if (re.match(r"^1\. ", lines[index]) and re.match(r"^2\. ", lines[index + 1])
                    and re.match(r"^3\. ", lines[index + 2])):
                del lines[index + 1]
                position = index + 1
                number = 2
                while position < len(lines) and re.match(r"^\d+\. ", lines[position]):
                    lines[position] = re.sub(r"^\d+\.", f"{number}.", lines[position])
                    number += 1
                    position += 1
                return "\n".join(lines)
        raise AssertionError("no three-step list")

    _mutate(docs, change)
    rules = {f.rule for f in _findings(docs)}
    assert "TS104" in rules


def test_changed_port_is_reported(docs):
    _mutate(docs, lambda text: text.replace("443", "4443", 1))
    found = [f for f in _findings(docs) if f.rule in ("TS107", "TS105", "TS106")]
    assert found and all("4443" in f.message for f in found)


def test_outdated_translation_is_reported_once(docs):
    _mutate(docs, lambda text: re.sub(r"ms\.date: *\S+", "ms.date: 01/15/2020", text, count=1))
    found = _findings(docs)
    assert [f.rule for f in found] == ["TS108"] and "2020-01-15" in found[0].message


def test_reordered_causes_are_reported(docs):
    # swap the first two "**Causa N: [...](#...)**" entries of the first error that lists two or more
    def change(text: str) -> str:
        entries = list(re.finditer(r"^(.*?\b1\b.*?)(\[[^\]]+\]\(#[^)]+\))(.*)\n"
                                   r"(.*?\b2\b.*?)(\[[^\]]+\]\(#[^)]+\))(.*)$", text, re.M))
        assert entries, "no two-cause list"
        m = entries[0]
        swapped = f"{m.group(1)}{m.group(5)}{m.group(3)}\n{m.group(4)}{m.group(2)}{m.group(6)}"
        return text[: m.start()] + swapped + text[m.end():]

    _mutate(docs, change)
    assert "TS103" in {f.rule for f in _findings(docs)}
