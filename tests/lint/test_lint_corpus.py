"""The lint on the real corpus (../shared/corpus/articles): it finds the defects that are really
there — each expectation below was checked by reading the file at that line — and stays quiet
enough that they are not drowned."""
from __future__ import annotations

from collections import Counter

import pytest

from loaders.docs.lint import LintConfig, lint

pytestmark = pytest.mark.corpus

ST = "articles/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
CLASSIC_VM_CAUSE = "azure-classic-vms-may-require-additional-step-to-complete-registration"


@pytest.fixture(scope="module")
def report(corpus_dir):
    return lint([corpus_dir / "articles"], config=LintConfig(), base=corpus_dir / "articles")


def _at(report, rule: str, path: str, line: int):
    return [f for f in report.findings if f.rule == rule and f.path == path and f.line == line]


# (rule, file, line, words the message must contain) — read from the files by hand
TRUE_FINDINGS = [
    # the Italian 2017 article numbers the Windows agent steps 1, 2, 4, 5, 6, 7 (line 101 is "4.")
    ("TS003", f"it-it/2017-10-05/{ST}", 101, ["step 3 missing", "1, 2, 4, 5, 6, 7"]),
    # "Cause 6" links to an anchor no heading of these translations carries
    ("TS001", f"cs-cz/2018-01-29/{ST}", 44, [f"#{CLASSIC_VM_CAUSE}"]),
    ("TS001", f"nl-nl/2018-01-29/{ST}", 44, [f"#{CLASSIC_VM_CAUSE}"]),
    ("TS001", f"pl-pl/2018-01-29/{ST}", 44, [f"#{CLASSIC_VM_CAUSE}"]),
    ("TS001", f"sv-se/2018-01-29/{ST}", 44, [f"#{CLASSIC_VM_CAUSE}"]),
    # the localization mirror turned "the" into "hello" in the anchors (line 72) but not in the links
    ("TS001", f"cs-cz/2017-10-09/{ST}", 32,
     ["#the-vm-has-no-internet-access", "did you mean #hello-vm-has-no-internet-access"]),
    # the include of line 28 names ../../includes/support-disclaimer.md; that commit had no includes folder
    ("TS010", f"it-it/2017-10-05/{ST}", 28, ["support-disclaimer.md"]),
    # CRLF front matter (from line 2) over an LF body
    ("TS014", f"it-it/2017-10-05/{ST}", 2, ["mixed line endings", "CRLF"]),
    # h3 "Allow access..." followed by an h5 at line 85
    ("TS008", f"en-us/2018-06-25/{ST}", 85, ["from 3 to 5"]),
    # the German 2016-format article opens a ``` fence at line 78 that is never closed
    ("TS017", f"de-de/2017-04-20/{ST}", 78, ["never closed"]),
    # same revision as en-us 2018-01-09 (both ms.date 01/09/2018), but the classic-VM cause section is gone
    ("TS102", f"cs-cz/2018-01-29/{ST}", 174, [CLASSIC_VM_CAUSE]),
    # ... and the snapshot table lost the row about CPU usage over 90 percent
    ("TS107", f"cs-cz/2018-01-29/{ST}", 162, ["number 90"]),
    # translated from the 08/17/2017 revision; the nearest source revision is 01/09/2018
    ("TS108", f"it-it/2017-10-05/{ST}", 16, ["2017-08-17", "2018-01-09"]),
]


@pytest.mark.parametrize("rule,path,line,words", TRUE_FINDINGS,
                         ids=[f"{rule}-{path.split('/')[0]}-{line}" for rule, path, line, _ in TRUE_FINDINGS])
def test_finds_the_real_defect(report, rule, path, line, words):
    found = _at(report, rule, path, line)
    assert len(found) == 1, [f"{f.rule}:{f.line} {f.message}" for f in report.findings if f.path == path]
    for word in words:
        assert word in found[0].message


def test_translation_findings_name_their_source(report):
    finding = _at(report, "TS102", f"cs-cz/2018-01-29/{ST}", 174)[0]
    assert finding.source_path == f"en-us/2018-01-09/{ST}"
    assert finding.source_line == 198  # the "Azure Classic VMs ..." heading of the source
    assert finding.locale == "cs-cz"
    assert report.sources[f"cs-cz/2018-01-29/{ST}"] == (f"en-us/2018-01-09/{ST}", "nearest ms.date")


def test_gap_free_and_lazy_lists_are_not_reported(report):
    # the 2016-format and 2025 articles number their steps without gaps (2025 uses 1. 1. 1.)
    for path in (f"it-it/2017-04-13/{ST}", f"de-de/2017-04-20/{ST}", f"en-us/2025-11-12/{ST}",
                 f"zh-cn/2020-03-05/{ST}"):
        assert not [f for f in report.findings if f.path == path and f.rule == "TS003"]


def test_one_broken_anchor_is_one_finding(report):
    # 21 cause links of the "hello" file point to 5 anchors that do not exist: 5 findings, not 21
    path = f"cs-cz/2017-10-09/{ST}"
    assert len([f for f in report.findings if f.path == path and f.rule == "TS001"]) == 5
    # and the causes those links were meant for are not reported again as unreferenced
    assert not [f for f in report.findings if f.path == path and f.rule == "TS006"]


def test_outdated_translations_get_one_summary_not_a_diff(report):
    path = f"it-it/2017-10-05/{ST}"
    translation_rules = [f.rule for f in report.findings if f.path == path and f.rule.startswith("TS1")]
    assert translation_rules == ["TS108"]


def test_noise_stays_low(report):
    per_file = Counter(f.path for f in report.findings)
    assert max(per_file.values()) <= 15, per_file.most_common(3)
    # rules whose every corpus finding would be noise here stay silent
    rules = Counter(f.rule for f in report.findings)
    for quiet in ("TS004", "TS005", "TS006", "TS007", "TS009", "TS012", "TS013", "TS015", "TS103", "TS104",
                  "TS105", "TS106", "TS109"):
        assert rules[quiet] == 0, [f"{f.path}:{f.line} {f.message}" for f in report.findings if f.rule == quiet][:3]
