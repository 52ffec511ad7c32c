"""The error-code catalog: loading, matching job codes and messages, resolving them to article sections."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from loaders.docs.graph import GuideGraph, load_graph
from loaders.guidance.sections import resolve_guidance
from loaders.jobs.catalog import (
    CATEGORIES,
    Catalog,
    CatalogEntry,
    CatalogError,
    codes_for_error,
    load_catalog,
    normalise_message,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "catalog"
REFERENCE = REPO.parent / "shared" / "reference" / "error-codes.md"
UI_LOCALES = ("en-us", "it-it", "de-de", "fr-fr", "es-es", "ja-jp")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def docs_graph(docs_source_dir: Path) -> GuideGraph:
    return load_graph(docs_source_dir, cache=False)


@pytest.fixture(scope="module")
def mini_catalog() -> Catalog:
    return load_catalog(DATA / "mini-catalog.yaml")


@pytest.fixture(scope="module")
def mini_graph() -> GuideGraph:
    return load_graph(DATA / "tree", cache=False)


# --- the reference table, read at run time -------------------------------------------------------

_CODE_CELL = re.compile(r"^`(?P<name>[A-Za-z][A-Za-z0-9_]*)(?:\s*\((?P<number>\d+)\))?`$")


def _table_rows(text: str, header_start: str) -> list[list[str]]:
    """Rows of the first Markdown table whose header row starts with `header_start`."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith(header_start):
            inside = True
            continue
        if inside:
            if not line.startswith("|"):
                break
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if set(line.replace("|", "").strip()) <= {"-", " "}:
                continue
            rows.append(cells)
    return rows


def reference_codes() -> list[tuple[str, int | None, str]]:
    """(code, numeric code or None, official message) for every row of the error-code table."""
    assert REFERENCE.is_file(), f"reference table not found at {REFERENCE}"
    rows = _table_rows(REFERENCE.read_text(encoding="utf-8"), "| # | Code |")
    found = []
    for cells in rows:
        cell = _CODE_CELL.match(cells[1])
        assert cell, f"unexpected code cell {cells[1]!r}"
        number = int(cell["number"]) if cell["number"] else None
        found.append((cell["name"], number, cells[2]))
    return found


def reference_older_messages() -> list[tuple[str, set[str]]]:
    """(message as printed in 2018, code names of the later section) from the message-only table."""
    rows = _table_rows(REFERENCE.read_text(encoding="utf-8"), "| Message as printed (verbatim) |")
    found = []
    for cells in rows:
        codes = set(re.findall(r"\b[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*\b", cells[2]))
        if codes:
            found.append((cells[0], codes))
    return found


def test_reference_table_is_read_completely() -> None:
    codes = reference_codes()
    # The table announces 48 entries; reading fewer would make the coverage tests below vacuous.
    assert len(codes) == 48
    assert ("ResourceNotFound", 320001, "Could not perform the operation as VM no longer exists.") in codes


def test_every_reference_code_is_in_the_catalog(catalog: Catalog) -> None:
    missing = [code for code, _, _ in reference_codes() if code not in catalog.entries]
    assert not missing, f"codes of error-codes.md missing from the catalog: {missing}"


def test_catalog_messages_and_numbers_match_the_reference(catalog: Catalog) -> None:
    wrong = []
    for code, number, message in reference_codes():
        entry = catalog.entries[code]
        if number is not None and number not in entry.numeric:
            wrong.append(f"{code}: numeric {number} not in {entry.numeric}")
        if message.startswith("(no message"):
            if entry.message:
                wrong.append(f"{code}: the docs give no message, the catalog has {entry.message!r}")
        elif entry.message != message:
            wrong.append(f"{code}: message {entry.message!r} != reference {message!r}")
    assert not wrong, "\n".join(wrong)


def test_older_messages_lead_to_their_later_code(catalog: Catalog) -> None:
    older = reference_older_messages()
    assert len(older) >= 25
    wrong = []
    for message, codes in older:
        entry = catalog.match(message=message)
        if entry is None or entry.code not in codes:
            wrong.append(f"{message!r} -> {entry.code if entry else None}, expected one of {sorted(codes)}")
    assert not wrong, "\n".join(wrong)


# --- the catalog itself ---------------------------------------------------------------------------


def test_catalog_shape(catalog: Catalog) -> None:
    assert catalog.version >= 1
    assert catalog.categories() == CATEGORIES
    assert {entry.category for entry in catalog.entries.values()} <= set(CATEGORIES)
    assert set(catalog.articles()) == {"vm-agent-extension-failures", "vm-backup-job-errors"}
    for code, entry in catalog.entries.items():
        assert isinstance(entry, CatalogEntry) and entry.code == code
        assert entry.operations and isinstance(entry.operations, tuple)
        with pytest.raises(AttributeError):
            entry.code = "changed"  # type: ignore[misc]


def test_numeric_codes(catalog: Catalog) -> None:
    assert catalog.match(numeric=320001).code == "ResourceNotFound"
    assert catalog.match(numeric="400094").code == "BCMV2VMNotFound"
    assert catalog.match(numeric=380008).code == "AzureVmOffline"
    assert catalog.match(code="380008").code == "AzureVmOffline"
    assert catalog.match(numeric=999999) is None


def test_codes_for_error(catalog: Catalog) -> None:
    assert codes_for_error(catalog, "vm-backup-job-errors", "resourcenotfound") == [
        "ResourceNotFound",
        "BCMV2VMNotFound",
    ]
    assert codes_for_error(catalog, "vm-agent-extension-failures", "backupoperationfailed") == [
        "BackUpOperationFailed",
        "BackUpOperationFailedV2",
    ]
    assert catalog.codes_for_error("vm-backup-job-errors", "extensionsnapshotfailedcom") == [
        "ExtensionSnapshotFailedCOM",
        "ExtensionInstallationFailedCOM",
        "ExtensionInstallationFailedMDTC",
    ]
    assert codes_for_error(catalog, "vm-backup-job-errors", "no-such-error") == []


def test_every_catalog_error_exists_in_the_source_article(catalog: Catalog, docs_graph: GuideGraph) -> None:
    missing = []
    for entry in catalog.entries.values():
        article = docs_graph.article(entry.article, "en-us")
        if article is None or article.error(entry.error_id) is None:
            missing.append(f"{entry.code} -> {entry.article}#{entry.error_id}")
        elif entry.code not in article.error(entry.error_id).codes:
            missing.append(f"{entry.code}: not on the error-code lines of {entry.article}#{entry.error_id}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_every_catalog_entry_resolves_in_every_locale(
    catalog: Catalog, docs_graph: GuideGraph, docs_source_dir: Path, locale: str
) -> None:
    # Every locale folder present must carry every section the catalog points to; the six UI locales
    # must be present at all.
    assert (docs_source_dir / locale).is_dir(), f"docs_source/{locale} is missing"
    missing = []
    for entry in catalog.entries.values():
        article = docs_graph.article(entry.article, locale)
        if article is None:
            missing.append(f"{entry.article}.md")
        elif article.error(entry.error_id) is None:
            missing.append(f"{entry.article}#{entry.error_id} ({entry.code})")
        else:
            result = resolve_guidance(catalog, docs_graph, entry.code, locale)
            if (result.status, result.locale_used, result.error_id) != ("found", locale, entry.error_id):
                missing.append(f"{entry.code}: resolved to {result}")
    assert not missing, f"{locale}: " + ", ".join(sorted(set(missing)))


def test_other_locale_folders_resolve_too(catalog: Catalog, docs_graph: GuideGraph) -> None:
    for locale in set(docs_graph.locales()) - set(UI_LOCALES):
        for entry in catalog.entries.values():
            assert resolve_guidance(catalog, docs_graph, entry.code, locale).status == "found", (locale, entry.code)


# --- matching --------------------------------------------------------------------------------------


def test_match_by_code_is_case_insensitive(catalog: Catalog) -> None:
    assert catalog.match(code="UserErrorFsFreezeFailed").error_id == "usererrorfsfreezefailed"
    assert catalog.match(code="usererrorfsfreezefailed").code == "UserErrorFsFreezeFailed"
    assert catalog.match(code="  EXTENSIONSNAPSHOTBITLOCKERERROR ").code == "ExtensionSnapshotBitlockerError"
    assert catalog.match(code="ResourceNotFound (320001)").code == "ResourceNotFound"
    assert catalog.match(code="400094, BCMV2VMNotFound").code == "BCMV2VMNotFound"
    assert catalog.match(code="ExtentionOperationFailed").code == "ExtensionOperationFailedForManagedDisks"


def test_code_wins_over_message(catalog: Catalog) -> None:
    entry = catalog.match(code="AzureVmOffline", message="Snapshot operation failed due to COM+ error")
    assert entry.code == "AzureVmOffline"
    # An unknown code still lets the message decide.
    entry = catalog.match(code="SomethingNew", message="Snapshot operation failed due to COM+ error")
    assert entry.code == "ExtensionSnapshotFailedCOM"


def test_match_by_exact_message(catalog: Catalog) -> None:
    for entry in catalog.entries.values():
        if entry.message:
            found = catalog.match(message=entry.message)
            # Two codes may share one message only when they lead to the same section.
            assert (found.article, found.error_id) == (entry.article, entry.error_id), entry.code


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("VM AGENT UNABLE TO COMMUNICATE WITH AZURE BACKUP", "UserErrorGuestAgentStatusUnavailable"),
        ("  snapshot operation failed because   VSS writers\nwere in a bad state ",
         "ExtensionFailedVssWriterInBadState"),
        ("The virtual machine doesn\u2019t exist.", "BCMV2VMNotFound"),
        ("Copying backed up data from vault timed out.<br>", "CopyingVHDsFromBackUpVaultTakingLongTime"),
        ('"VM creation failed as VM size selected is not available"', "UserErrorSkuNotAvailable"),
        (
            "Failed to install Microsoft Recovery Services extension as virtual machine is not running",
            "AzureVmOffline",
        ),
    ],
)
def test_match_by_message_ignores_case_whitespace_and_punctuation(catalog: Catalog, message: str, code: str) -> None:
    assert catalog.match(message=message).code == code


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (
            "Could not perform the operation as VM no longer exists. - Stop protecting virtual machine without "
            "deleting backup data. More details at http://go.microsoft.com/fwlink/?LinkId=808124",
            "ResourceNotFound",
        ),
        (
            "Snapshot operation failed due to VSS (Volume Shadow Copy) service in bad state. Restart the VSS service.",
            "ExtensionFailedVssServiceInBadState",
        ),
        (
            "Extension state is not supportive to the backup operation - Uninstall the extension and retry",
            "ExtensionStuckInDeletionState",
        ),
        # The 2018 wording without "the" is a variant; with a tail it still matches.
        ("Extension state is not supportive to backup operation - retry", "ExtensionStuckInDeletionState"),
    ],
)
def test_match_by_message_with_a_recommendation_tail(catalog: Catalog, message: str, code: str) -> None:
    assert catalog.match(message=message).code == code


def test_longest_known_message_wins(catalog: Catalog) -> None:
    # "VMSnapshot extension operation failed" is a prefix of the longer 2018 variant; both lead to the
    # same code, and a longer message must never be claimed by an unrelated shorter one.
    entry = catalog.match(
        message="VMSnapshot extension operation failed for managed disks - Retry the backup operation.")
    assert entry.code == "ExtensionOperationFailedForManagedDisks"


def test_prefix_needs_a_word_boundary(catalog: Catalog) -> None:
    assert catalog.match(message="Snapshot operation failed due to COM+ errors everywhere") is None
    assert catalog.match(message="Snapshot operation failed") is None


@pytest.mark.parametrize(
    "query",
    [None, "", "   ", "NoSuchCode", "320001x", 12, 3.5, True, b"bytes", "\x00\ufffd", "x" * 100_000, "💥 - 💥", "<br>"],
)
def test_unknown_input_never_raises(catalog: Catalog, docs_graph: GuideGraph, query: object) -> None:
    assert catalog.match(code=query, message=query, numeric=query) is None
    result = resolve_guidance(catalog, docs_graph, query, "it-it")
    assert result.status == "unknown" and result.entry is None and result.locale_used is None


def test_unknown_code_resolves_to_unknown(catalog: Catalog, docs_graph: GuideGraph) -> None:
    result = resolve_guidance(catalog, docs_graph, "UserErrorSomethingNobodyDocumented", "de-de")
    assert (result.status, result.entry, result.article, result.error_id) == ("unknown", None, None, None)


def test_normalise_message() -> None:
    assert normalise_message("  The VM isn\u2019t  in a state.\n") == "the vm isn't in a state"
    assert normalise_message('"Quoted message."') == "quoted message"
    assert normalise_message("") == ""


# --- resolution on a tiny tree, expectations side by side -----------------------------------------

RESOLUTION_CASES = yaml.safe_load((DATA / "resolutions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", RESOLUTION_CASES, ids=lambda c: f"{c['query'] or '<empty>'}@{c['locale']}")
def test_resolve_fixture(mini_catalog: Catalog, mini_graph: GuideGraph, case: dict) -> None:
    result = resolve_guidance(mini_catalog, mini_graph, case["query"], case["locale"])
    assert result.status == case["status"]
    assert (result.entry.code if result.entry else None) == case["code"]
    assert result.error_id == case["error"]
    assert result.locale_used == case["locale_used"]
    assert result.stale is case["stale"]
    if result.status != "unknown":
        assert result.article == "mini-guide"
        assert result.section is not None and result.section.id == case["error"]
        assert Path(result.article_path).parent.name == result.locale_used


def test_mini_catalog_loads(mini_catalog: Catalog) -> None:
    assert mini_catalog.version == 3
    assert list(mini_catalog.entries) == ["AlphaFailure", "BetaFailure", "GammaFailure"]
    beta = mini_catalog.entries["BetaFailure"]
    assert beta.operations == ("Backup", "Restore") and beta.aliases == ("BetaFailureLegacy",)
    assert mini_catalog.entries["AlphaFailure"].numeric == (1001,)


# --- bad catalog files ------------------------------------------------------------------------------

BAD = sorted((DATA / "bad").glob("*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_catalog_names_file_and_entry(path: Path) -> None:
    expected = path.with_suffix(".expected.txt").read_text(encoding="utf-8").splitlines()
    with pytest.raises(ValueError) as raised:
        load_catalog(path)
    assert isinstance(raised.value, CatalogError)
    message = str(raised.value)
    assert path.name in message
    for fragment in filter(None, expected):
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_missing_catalog_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="catalog file not found"):
        load_catalog(tmp_path / "nope.yaml")


def test_all_entry_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = (DATA / "bad" / "unknown-category.yaml").read_text(encoding="utf-8").replace("agent", "nonsense")
    path = tmp_path / "two-bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert "entry 1 (AlphaFailure)" in str(raised.value) and "entry 2 (BetaFailure)" in str(raised.value)
