"""The pure parts of the sync: filter text, windows, watermarks, scopes, failure messages."""
from __future__ import annotations

import datetime as dt

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceResponseTimeoutError

from loaders.jobs.azure.client import Pacer, SyncOptions, describe_failure, is_credential_failure, needs_plain_http
from loaders.jobs.azure.pages import salvage_page
from loaders.jobs.azure.scopes import classify_scopes
from loaders.jobs.azure.window import (
    Window,
    covers_since_watermark,
    filter_time,
    job_filter,
    next_watermark,
    split_window,
    window_start,
)

D = dt.datetime
UTC = dt.UTC


@pytest.mark.parametrize("moment, text", [
    (D(2026, 11, 1, 0, 0, 0), "2026-11-01 12:00:00 AM"),  # midnight is 12 AM
    (D(2026, 11, 1, 12, 30, 5), "2026-11-01 12:30:05 PM"),  # noon is 12 PM
    (D(2026, 11, 1, 22, 0, 0, 999999), "2026-11-01 10:00:00 PM"),  # seconds are the finest unit
    (D(2026, 11, 2, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))), "2026-11-01 10:30:00 PM"),  # to UTC
])
def test_filter_time_is_written_like_the_azure_tools_write_it(moment, text) -> None:
    assert filter_time(moment) == text


def test_job_filter_asks_for_vm_backups_in_a_window() -> None:
    assert job_filter(Window(D(2026, 11, 1), D(2026, 11, 20, 13))) == (
        "backupManagementType eq 'AzureIaasVM' and startTime eq '2026-11-01 12:00:00 AM'"
        " and endTime eq '2026-11-20 01:00:00 PM'")


def test_window_start_prefers_since_then_watermark_minus_overlap_then_initial_lookback() -> None:
    now, overlap, initial = D(2026, 11, 20, 12), dt.timedelta(hours=2), dt.timedelta(days=30)
    assert window_start(D(2026, 11, 19), D(2026, 11, 1), now, overlap, initial) == D(2026, 11, 1)
    assert window_start(D(2026, 11, 19, 6, 0, 0, 5000), None, now, overlap, initial) == D(2026, 11, 19, 4)
    assert window_start(None, None, now, overlap, initial) == D(2026, 10, 21, 12)
    assert window_start(None, D(2027, 1, 1), now, overlap, initial) == now  # never after now


def test_split_window_covers_the_range_without_gaps() -> None:
    windows = split_window(D(2026, 8, 1), D(2026, 10, 15), dt.timedelta(days=30))
    assert windows == [Window(D(2026, 8, 1), D(2026, 8, 31)), Window(D(2026, 8, 31), D(2026, 9, 30)),
                       Window(D(2026, 9, 30), D(2026, 10, 15))]
    assert split_window(D(2026, 11, 1), D(2026, 11, 1), dt.timedelta(days=30)) == [
        Window(D(2026, 11, 1), D(2026, 11, 1))]
    with pytest.raises(ValueError):
        split_window(D(2026, 11, 1), D(2026, 11, 2), dt.timedelta(0))


def test_next_watermark_is_held_back_by_running_jobs_but_not_by_stuck_ones() -> None:
    now, end, week = D(2026, 11, 20, 12), D(2026, 11, 20, 12), dt.timedelta(days=7)
    assert next_watermark(end, [], now, week) == end
    assert next_watermark(end, [D(2026, 11, 20, 10), D(2026, 11, 19, 23)], now, week) == D(2026, 11, 19, 23)
    assert next_watermark(end, [D(2026, 11, 1)], now, week) == end  # running for 19 days: stuck


def test_since_after_the_watermark_would_leave_a_gap() -> None:
    assert covers_since_watermark(None, D(2026, 11, 1))
    assert covers_since_watermark(D(2026, 11, 10), None)
    assert covers_since_watermark(D(2026, 11, 10), D(2026, 11, 1))
    assert not covers_since_watermark(D(2026, 11, 10), D(2026, 11, 15))


def test_scopes_are_split_into_vaults_and_subscriptions() -> None:
    vault = ("/Subscriptions/3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B/resourceGroups/RG-Backup-WEU"
             "/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu")
    scopes = classify_scopes([vault, vault.lower() + "/", "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
                           "/subscriptions/3F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5A6B", "rsv-prod-weu",
                           vault + "/backupJobs/0b6f9a10-0000-4000-8000-000000000001"])
    [target] = scopes.vaults
    assert (target.subscription_id, target.resource_group, target.vault_name) == (
        "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "RG-Backup-WEU", "rsv-prod-weu")
    assert target.vault_id == vault.lower()
    assert scopes.subscriptions == ["3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"]
    assert len(scopes.invalid) == 2 and "'rsv-prod-weu'" in scopes.invalid[0]


def test_salvage_page_keeps_intact_jobs_and_finds_the_next_link() -> None:
    body = ('{"value": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.RecoveryServices/vaults/v'
            '/backupJobs/j1", "properties": {"status": "Completed"}}, {"id": "/subscriptions/s/resourceGroups/r/prov'
            '], "nextLink": "http://127.0.0.1:1/next?a=1\\u0026b=2"}')
    items, link, ends = salvage_page(body)
    assert [item["id"].rsplit("/", 1)[1] for _, item in items] == ["j1"]
    assert link == "http://127.0.0.1:1/next?a=1&b=2" and not ends
    assert salvage_page('{"value": [{"id": "/subscriptions/s/re')[1:] == (None, False)  # cut off: unknown end
    assert salvage_page('{"value": [], "nextLink": null, }')[1:] == (None, True)  # damaged, but says it is last
    assert salvage_page('{"value": "oops"}') == ([], None, True)


def test_failures_are_described_by_status_and_remedy() -> None:
    assert is_credential_failure(ClientAuthenticationError("no login"))
    assert describe_failure(ClientAuthenticationError("no login")) == "no usable Azure credential: no login"
    assert describe_failure(ServiceResponseTimeoutError("Read timed out.")).startswith(
        "no response within the read timeout")
    plain = HttpResponseError("boom")
    assert describe_failure(plain) == "HttpResponseError: boom"
    assert needs_plain_http("http://127.0.0.1:8080") and not needs_plain_http("https://management.azure.com")
    assert not needs_plain_http(None)


class _Response:
    def __init__(self, status: int, remaining: str | None, retry_after: str | None = None,
                 header: str = "x-ms-ratelimit-remaining-subscription-reads") -> None:
        headers = {} if remaining is None else {header: remaining}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        self.http_response = type("Http", (), {"status_code": status, "headers": headers})()


class _Request:
    def __init__(self, subscription: str) -> None:
        url = f"https://management.azure.com/subscriptions/{subscription}/providers/x?api-version=1"
        self.http_request = type("Http", (), {"url": url})()


class _Clock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now, self.slept = 100.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_pacer_pauses_every_reader_when_few_reads_remain_or_arm_asks_to_retry_later() -> None:
    clock = _Clock()
    pacer = Pacer(SyncOptions(reads_per_second=0, low_reads_threshold=100, low_reads_pause=2.0),
                  sleep=clock.sleep, clock=clock)
    pacer.before_request(None)
    pacer.after_response(_Response(200, "11999"))
    pacer.before_request(_Request("sub-a"))
    assert clock.slept == []
    pacer.after_response(_Response(200, "42", header="x-ms-ratelimit-remaining-tenant-reads"))
    pacer.before_request(_Request("sub-b"))  # another subscription's reader waits too
    assert clock.slept == [2.0]
    pacer.after_response(_Response(200, "not a number"))  # unreadable: no pause
    pacer.before_request(None)
    assert clock.slept == [2.0]
    pacer.after_response(_Response(429, None, retry_after="7"))
    pacer.before_request(_Request("sub-a"))
    assert clock.slept == [2.0, 7.0]
    assert pacer.snapshot() == {200: 3, 429: 1} and pacer.pauses == 2


def test_pacer_keeps_each_subscription_within_its_read_bucket() -> None:
    clock = _Clock()
    pacer = Pacer(SyncOptions(reads_per_second=10, read_burst=3), sleep=clock.sleep, clock=clock)
    for _ in range(3):
        pacer.before_request(_Request("sub-a"))
    assert clock.slept == []  # the burst
    pacer.before_request(_Request("sub-a"))
    assert clock.slept == [0.1]  # then the refill rate
    for _ in range(3):
        pacer.before_request(_Request("SUB-B"))  # a bucket of its own
    assert clock.slept == [0.1]
