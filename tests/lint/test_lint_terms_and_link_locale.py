"""do-not-translate takes its terms from pyproject.toml; link-locale finds the real /en-us/ links of the corpus."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from loaders.docs.lint import lint, load_config

HEADER = "---\ntitle: Backup\ndescription: Causes and fixes.\nms.date: 03/02/2026\n---\n\n"
SOURCE = HEADER + ("# Backup\n\n## <a name=\"job-fails\"></a>Backup fails\n\n"
                   "**Error code**: UserErrorJobFailed<br>\n"
                   "**Error message**: The job failed\n\n"
                   "Open **Recovery Services vaults** and select **Backup now**.\n")
TRANSLATION = HEADER + ("# Backup\n\n## <a name=\"job-fails\"></a>Backup non riuscito\n\n"
                        "**Codice errore**: UserErrorJobFailed<br>\n"
                        "**Messaggio di errore**: The job failed\n\n"
                        "Aprire **Insiemi di credenziali** e selezionare **Backup now**.\n")


def test_terms_come_from_the_pyproject_table(tmp_path: Path):
    for locale, text in (("en-us", SOURCE), ("it-it", TRANSLATION)):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "page.md").write_text(text, encoding="utf-8")
    report = lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path)
    assert not [f for f in report.findings if f.alias == "do-not-translate"]  # nothing configured, nothing built in
    (tmp_path / "pyproject.toml").write_text(
        '[tool.backup-triage.lint.rules.do-not-translate]\nterms = ["Recovery Services vaults", "Backup now"]\n',
        encoding="utf-8")
    report = lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path)
    found = [f for f in report.findings if f.alias == "do-not-translate"]
    assert [(f.path, f.line, f.source_line) for f in found] == [("it-it/page.md", 9, 14)]
    assert "'Recovery Services vaults'" in found[0].message


@pytest.mark.corpus
def test_link_locale_on_the_corpus(corpus_dir):
    root = corpus_dir / "articles"
    report = lint([root], base=root)
    found = [f for f in report.findings if f.alias == "link-locale"]
    assert found and all(f.locale != "en-us" for f in found)
    # every finding points at a line that really links to a Microsoft host with another locale's segment
    for finding in found:
        for place in finding.locations:
            line = (root / finding.path).read_text(encoding="utf-8", errors="replace").splitlines()[place.line - 1]
            segments = re.findall(r"microsoft\.com/([a-z]{2}-[a-z]{2})/", line, re.IGNORECASE)
            assert any(s.lower() != finding.locale for s in segments), (finding.path, place.line)
    # and no translation line with such a link is missed
    reported = {(f.path, place.line) for f in found for place in f.locations}
    for finding_path in {f.path for f in report.findings if f.locale and f.locale != "en-us"}:
        lines = (root / finding_path).read_text(encoding="utf-8", errors="replace").splitlines()
        locale = finding_path.split("/")[0]
        for number, line in enumerate(lines, start=1):
            if re.search(r"\]\(https?://[a-z.]*microsoft\.com/(?!" + locale + r"/)[a-z]{2}-[a-z]{2}/", line):
                assert (finding_path, number) in reported, (finding_path, number)
