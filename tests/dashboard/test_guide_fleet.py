"""The fleet beside the Guide: top errors as entry points, the evidence for the error shown, and the
failed job a link names; numbers held against the fleet queries on a deterministic sample store."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.formatting import format_integer, format_moment
from dashboard.core.i18n import translate
from dashboard.fleet import filters as fleet_filters
from dashboard.guide import evidence
from loaders.jobs.queries import time_to_recover, top_error_codes, top_failing_vms
from loaders.jobs.queries.job import find_job
from loaders.jobs.store import DB_ENV_VAR, open_store
from tests.support.fleet_stores import make_sample_store


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_store(tmp_path_factory.mktemp("guide-fleet") / "fleet.duckdb")


@pytest.fixture(scope="module")
def period(sample_db):
    """The Fleet page's default period on the sample, as the Guide reads it."""
    with open_store(sample_db, read_only=True) as store:
        latest = store.connection.execute("SELECT max(start_time) FROM jobs").fetchone()[0]
    as_of = fleet_filters.reference_time(latest, False, dt.datetime(2030, 1, 1))
    return fleet_filters.fleet_filter(fleet_filters.FilterState(), as_of)


@pytest.fixture(scope="module")
def frames(sample_db, period):
    with open_store(sample_db, read_only=True) as store:
        con = store.connection
        return {"current": top_error_codes(con, period, limit=100_000),
                "previous": top_error_codes(con, period.previous(), limit=100_000),
                "failing": top_failing_vms(con, period, limit=100_000), "recover": time_to_recover(con, period)}


def test_top_errors_carry_the_period_before(frames) -> None:
    tops = evidence.top_errors(frames["current"], frames["previous"], limit=5)
    assert [t.code for t in tops] == list(frames["current"]["error_code"].head(5))
    previous = dict(zip(frames["previous"]["error_code"], frames["previous"]["failed"], strict=True))
    for top in tops:
        assert top.previous_failed == previous.get(top.code, 0)
        assert top.change == top.failed - top.previous_failed


def test_error_evidence_is_what_the_queries_say(frames) -> None:
    row = frames["current"].iloc[1]
    found = evidence.error_evidence([row.error_code.upper()], "another-article", "another-id", frames["current"],
                                    frames["previous"], frames["failing"], frames["recover"])
    assert [(c.code, c.failed, c.vms) for c in found.codes] == [(row.error_code, row.failed, row.vms)]
    failing = frames["failing"]
    expected = failing[(failing.last_error_code == row.error_code) & (failing.current_streak > 0)]
    assert sorted(found.failing_now["vm_name"]) == sorted(expected["vm_name"])
    # by the catalog's guidance instead of the code
    by_guide = evidence.error_evidence([], row.guide_article, row.guide_error_id, frames["current"],
                                       frames["previous"], frames["failing"], frames["recover"])
    assert row.error_code in [c.code for c in by_guide.codes]
    nothing = evidence.error_evidence(["NoSuchCode"], "x", "y", frames["current"], frames["previous"],
                                      frames["failing"], frames["recover"])
    assert nothing.codes == [] and nothing.failing_now.empty


def test_find_job_by_vault_name_or_id_in_any_case(sample_db) -> None:
    with open_store(sample_db, read_only=True) as store:
        con = store.connection
        vault_id, vault_name, job_id = con.execute(
            "SELECT vault_id, vault_name, job_id FROM jobs WHERE status = 'Failed' ORDER BY job_id LIMIT 1").fetchone()
        for vault in (vault_id, vault_name.upper()):
            job = find_job(con, vault, job_id.upper())
            assert job is not None and job.job_id == job_id and job.status == "Failed"
        assert find_job(con, vault_name, "no-such-job") is None
        assert find_job(con, "", job_id) is None


# -- through the app -----------------------------------------------------------------------------------

def test_landing_offers_the_top_errors_with_their_counts(run_app, monkeypatch, sample_db, frames) -> None:
    monkeypatch.setenv(DB_ENV_VAR, str(sample_db))
    from dashboard.core.docs_root import ENV_VAR
    monkeypatch.delenv(ENV_VAR, raising=False)
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["page"], app.query_params["lang"] = "guide", "en-us"
    app.run()
    assert not app.exception
    top = evidence.top_errors(frames["current"], frames["previous"])[0]
    buttons = [b for b in app.button if (b.key or "").startswith("guide_top_")]
    assert buttons[0].label == top.code
    counts = f"{format_integer(top.failed, 'en-us')} failed jobs"
    assert any(c.value.startswith(counts) for c in app.caption)
    buttons[0].click().run()
    assert app.query_params["error"] == top.error_id
    metrics = [(m.label, m.value) for m in app.metric]  # four per code of the error
    at = metrics.index((f"Failed jobs · {top.code}", format_integer(top.failed, "en-us")))
    assert metrics[at + 1] == ("VMs", format_integer(top.vms, "en-us"))


def test_a_link_from_a_failed_job_shows_it_and_opens_its_error(monkeypatch, sample_db) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard.core.docs_root import ENV_VAR
    from tests.dashboard.conftest import APP
    monkeypatch.setenv(DB_ENV_VAR, str(sample_db))
    monkeypatch.delenv(ENV_VAR, raising=False)
    with open_store(sample_db, read_only=True) as store:
        vault, job_id = store.connection.execute(
            "SELECT vault_name, job_id FROM jobs WHERE status = 'Failed' AND guide_error_id IS NOT NULL "
            "AND os_type = 'Linux' ORDER BY job_id LIMIT 1").fetchone()
        job = find_job(store.connection, vault, job_id)
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in {"page": "guide", "lang": "de-de", "vault": vault, "job": job_id}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception
    assert app.query_params["error"] == job.guide_error_id and app.query_params["os"] == "linux"
    assert app.radio(key="guide_os").value == "linux"
    shown = " ".join(m.value for m in app.markdown)
    assert job.vm_name in shown and format_moment(job.start_time, "de-de") in shown
    assert [t.value for t in app.text] == [job.error_message]
    # a job the store does not have says so
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in {"page": "guide", "vault": vault, "job": "no-such-job"}.items():
        app.query_params[name] = value
    app.run()
    assert any("no-such-job" in w.value for w in app.warning)


def test_no_store_no_figures_but_a_sentence(run_app, guide_tree) -> None:
    app = run_app(guide_tree, page="guide", lang="it-it")
    assert [b for b in app.button if (b.key or "").startswith("guide_top_")] == []
    assert translate("No jobs in the store yet: generate the sample or import job exports on the Data page to "
                     "start here from the fleet's most frequent errors.", "it-it") in [c.value for c in app.caption]
    app = run_app(guide_tree, page="guide", lang="it-it", error="agentdownerror")
    assert not app.metric
