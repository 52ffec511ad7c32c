"""Resolution of a job's error to guidance through the catalog (tests/data/jobs/catalog.yaml)."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.guidance import NO_ERROR_GUIDANCE as NO_ERROR
from loaders.jobs.guidance import UNKNOWN_GUIDANCE as UNKNOWN
from loaders.jobs.guidance import Resolver, job_guidance
from loaders.jobs.schema import JOB_COLUMNS, JobRow

CATALOG = Path(__file__).resolve().parents[1] / "data" / "jobs" / "catalog.yaml"


def job(job_id: str, **values: object) -> JobRow:
    base = dict.fromkeys(JOB_COLUMNS)
    base.update(vault_id="/subscriptions/s/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/v",
                job_id=job_id, status="Completed", source="test")
    base.update(values)
    return JobRow(**base)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG)


def test_code_name_wins_over_number_and_message(catalog) -> None:
    found = job_guidance(catalog, "ExtensionSnapshotFailedNoNetwork", 400094, "The virtual machine doesn't exist")
    assert (found.article, found.error_id, found.category) == (
        "vm-agent-extension-failures", "extensionsnapshotfailednonetwork", "network")


def test_code_names_match_case_insensitively(catalog) -> None:
    assert job_guidance(catalog, "usererrorguestagentstatusunavailable", None, None).category == "agent"


def test_number_when_the_code_name_is_missing_or_unknown(catalog) -> None:
    for code in (None, "SomethingTheCatalogDoesNotKnow"):
        found = job_guidance(catalog, code, 400094, None)
        assert (found.code, found.error_id, found.category) == ("BCMV2VMNotFound", "resourcenotfound", "platform")


def test_english_message_with_a_recommendation_tail(catalog) -> None:
    found = job_guidance(catalog, None, 999999,
                          "Backup failed with an internal error - Please retry the operation in a few minutes. "
                          "If the problem persists, contact Microsoft Support")
    assert (found.code, found.category) == ("BackUpOperationFailed", "platform")
    variant = job_guidance(catalog, None, None, "VM agent is unable to communicate with the Azure Backup Service. "
                                                  "- Ensure the VM has network connectivity.")
    assert variant.code == "UserErrorGuestAgentStatusUnavailable"


def test_unmatched_errors_stay_visible_as_unknown(catalog) -> None:
    assert job_guidance(catalog, "UserErrorBrandNewCondition", None, None) == UNKNOWN
    assert job_guidance(catalog, None, 123, "Something else went wrong") == UNKNOWN
    assert job_guidance(None, "UserErrorGuestAgentStatusUnavailable", None, None) == UNKNOWN


def test_no_error_means_no_resolution_unless_the_job_failed(catalog) -> None:
    assert job_guidance(catalog, None, None, None) == NO_ERROR
    assert job_guidance(catalog, None, None, "") == NO_ERROR
    assert job_guidance(catalog, None, None, None, failed=True) == UNKNOWN


def test_resolver_fills_rows_and_keeps_raw_text(catalog) -> None:
    resolver = Resolver(catalog)
    rest_row = resolver.apply(job("r1", status="Failed", error_code_int=400094,
                                  error_message="The virtual machine doesn't exist"))
    assert (rest_row.error_code, rest_row.guide_article, rest_row.error_category) == (
        "BCMV2VMNotFound", "vm-backup-job-errors", "platform")
    odd = resolver.apply(job("r2", status="Failed", error_code="UserErrorBrandNewCondition", error_message="raw text"))
    assert (odd.error_code, odd.error_message, odd.guide_article, odd.error_category) == (
        "UserErrorBrandNewCondition", "raw text", None, "unknown")
    fine = resolver.apply(job("r3"))
    assert (fine.error_code, fine.guide_article, fine.guide_error_id, fine.error_category) == (None, None, None, None)
