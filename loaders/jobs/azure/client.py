"""Talking to Azure Resource Manager for a vault sync: client construction, retries, timeouts,
pacing, and turning failures into messages a person can act on.

Retries are azure-core's RetryPolicy (429/408/5xx and timeouts, honouring `Retry-After`); on top
of it a `Pacer`, shared by all concurrent readers, keeps to ARM's read budget per subscription and
holds every reader back when ARM reports few remaining reads or asks to retry later, because the
RetryPolicy alone caps consecutive throttling retries at a handful and then gives up.

Tokens: the bearer token lives only inside the SDK's authentication policy. Nothing here logs
request headers, and error messages are built from status codes and ARM error bodies only.
"""
from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)

ARM_ENDPOINT = "https://management.azure.com"
ARM_SCOPE = "https://management.azure.com/.default"
VAULTS_API_VERSION = "2026-11-01"  # Microsoft.RecoveryServices/vaults (azure-mgmt-recoveryservices 4.3)
REMAINING_READS_HEADER = "x-ms-ratelimit-remaining-subscription-reads"
REMAINING_HEADER_PREFIX = "x-ms-ratelimit-remaining-"  # subscription, tenant, global and resource variants
_SUBSCRIPTION_IN_PATH = re.compile(r"/subscriptions/([^/?#]+)", re.IGNORECASE)


@dataclass(frozen=True)
class SyncOptions:
    """Tunables of a sync. Defaults suit a real tenant; tests shrink the waits."""

    overlap_minutes: float = 120  # re-read this much before the watermark: jobs are listed late
    initial_days: float = 30  # first sync of a vault without --since reads this far back
    max_window_days: float = 30  # one $filter window spans at most this much
    max_in_progress_days: float = 7  # a job "running" longer than this no longer holds the watermark back
    max_detail_fetches: int = 50  # per vault and sync: GETs of failed jobs listed without errorDetails
    retry_total: int = 6
    retry_backoff_factor: float = 0.8  # seconds; exponential
    retry_backoff_max: float = 60.0
    read_timeout: float = 60.0  # seconds to wait for a response
    connection_timeout: float = 20.0
    # ARM's read budget per subscription and principal: a bucket of 250 refilled at 25 per second.
    # `concurrency` vaults are read at once; a page takes a few hundred milliseconds, so 8 readers
    # stay near the refill rate and the bucket absorbs the bursts. 0 reads per second: no pacing.
    concurrency: int = 8
    reads_per_second: float = 25.0
    read_burst: int = 250
    low_reads_threshold: int = 100  # below this many remaining reads, every reader pauses
    low_reads_pause: float = 2.0  # seconds
    damaged_page_retries: int = 1  # re-requests of a page whose body is not valid JSON


class _Bucket:
    """A token bucket: `take` spends one token, or says how long until one is there."""

    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate, self.capacity = rate, max(1, capacity)
        self.tokens, self.stamp = float(self.capacity), now

    def take(self, now: float) -> float:
        if self.rate <= 0:
            return 0.0
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1 - 1e-9:  # float sums of refills fall a hair short of whole tokens
            self.tokens = max(0.0, self.tokens - 1)
            return 0.0
        return max((1 - self.tokens) / self.rate, 0.001)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: azure-core's retry honours it for the request itself


class Pacer:
    """The throttling budget every reader of a sync shares, fed by azure-core's hooks on every
    attempt (retries included): a token bucket per subscription (ARM counts reads per
    subscription and principal), and a pause for all readers when a response says the remaining
    reads (`x-ms-ratelimit-remaining-*`) run low or asks to retry after some seconds (429)."""

    def __init__(self, options: SyncOptions, sleep: Any = time.sleep, clock: Any = time.monotonic) -> None:
        self.options = options
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._paused_until = 0.0
        self.statuses: Counter[int] = Counter()
        self.pauses = 0  # times every reader was held back by a low budget or a Retry-After

    def before_request(self, request: Any) -> None:
        key = _budget_key(request)
        while True:
            with self._lock:
                now = self._clock()
                wait = self._paused_until - now
                if wait <= 0:
                    bucket = self._buckets.get(key)
                    if bucket is None:
                        bucket = self._buckets[key] = _Bucket(self.options.reads_per_second,
                                                              self.options.read_burst, now)
                    wait = bucket.take(now)
                    if wait <= 0:
                        return
            self._sleep(wait)

    def after_response(self, response: Any) -> None:
        http = response.http_response
        headers = http.headers
        remaining = _lowest_remaining(headers)
        retry_after = _retry_after_seconds(headers.get("Retry-After")) if http.status_code == 429 else None
        with self._lock:
            self.statuses[http.status_code] += 1
            pause = 0.0
            if remaining is not None and remaining < self.options.low_reads_threshold:
                pause = self.options.low_reads_pause
            if retry_after is not None:
                pause = max(pause, retry_after)
            if pause > 0:
                until = self._clock() + pause
                if until > self._paused_until:
                    self._paused_until = until
                    self.pauses += 1

    def snapshot(self) -> Counter[int]:
        with self._lock:
            return Counter(self.statuses)


def _budget_key(request: Any) -> str:
    """The subscription a request is counted against ("" for tenant-level calls)."""
    url = getattr(getattr(request, "http_request", None), "url", None)
    match = _SUBSCRIPTION_IN_PATH.search(url) if isinstance(url, str) else None
    return match.group(1).lower() if match else ""


def _lowest_remaining(headers: Any) -> int | None:
    """The smallest `x-ms-ratelimit-remaining-*` count of a response, if any is readable."""
    lowest: int | None = None
    for name, value in headers.items():
        if not name.lower().startswith(REMAINING_HEADER_PREFIX):
            continue
        try:
            count = int(value)
        except (TypeError, ValueError):
            continue
        lowest = count if lowest is None else min(lowest, count)
    return lowest


def needs_plain_http(base_url: str | None) -> bool:
    return bool(base_url) and urlsplit(base_url).scheme.lower() == "http"


def make_client(credential: Any, subscription_id: str, base_url: str | None, options: SyncOptions,
                pacer: Pacer) -> Any:
    # Imported on use: the SDK's models take about half a second to import, and only a sync needs them
    # (the jobs command line imports this module for every command).
    from azure.mgmt.recoveryservicesbackup import RecoveryServicesBackupClient

    return RecoveryServicesBackupClient(
        credential, subscription_id, base_url or ARM_ENDPOINT,
        retry_total=options.retry_total,
        retry_backoff_factor=options.retry_backoff_factor,
        retry_backoff_max=options.retry_backoff_max,
        connection_timeout=options.connection_timeout,
        read_timeout=options.read_timeout,
        # Client-level hooks run on every attempt; per-call ones only on the first.
        raw_request_hook=pacer.before_request,
    )


def call_options(base_url: str | None, options: SyncOptions, pacer: Pacer) -> dict[str, Any]:
    """Keyword arguments for every SDK call of a sync."""
    kwargs: dict[str, Any] = {
        "read_timeout": options.read_timeout,
        "connection_timeout": options.connection_timeout,
        "raw_request_hook": pacer.before_request,
        "raw_response_hook": pacer.after_response,
    }
    if needs_plain_http(base_url):
        # Bearer tokens over plain HTTP are refused unless asked per call: only for local endpoints.
        kwargs["enforce_https"] = False
    return kwargs


def client_base_url(client: Any) -> str | None:
    config = getattr(client, "_config", None)
    return getattr(config, "base_url", None)


# ---------------------------------------------------------------------------------------------
# Failures


HINTS = {
    401: "the credential was rejected; sign in again (az login) or check the service principal",
    403: "the identity lacks permission: it needs the Backup Reader role on the vault "
         "(and Reader on the subscription to list its vaults)",
    404: "not found: check the vault's resource id (subscription, resource group, name)",
    429: "throttled by Azure Resource Manager; sync fewer vaults at once or try again later",
}


def is_credential_failure(exc: BaseException) -> bool:
    """The credential could not produce a token at all (as opposed to the service saying 401)."""
    return isinstance(exc, ClientAuthenticationError) and getattr(exc, "response", None) is None


def describe_failure(exc: BaseException) -> str:
    """One line naming the HTTP status (or the transport problem) and what to do about it."""
    if is_credential_failure(exc):
        return f"no usable Azure credential: {_first_line(exc)}"
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        error = getattr(exc, "error", None)
        code, message = getattr(error, "code", None), getattr(error, "message", None)
        if code is None:
            code, message = _arm_error(exc)
        detail = message or exc.reason or ""
        text = f"HTTP {exc.status_code}"
        if code:
            text += f" {code}"
        if detail:
            text += f": {_first_line(detail)}"
        hint = HINTS.get(exc.status_code)
        if hint is None and exc.status_code >= 500:
            hint = "the service kept failing after retries; try again later"
        return f"{text} ({hint})" if hint else text
    if isinstance(exc, ServiceResponseTimeoutError):
        return f"no response within the read timeout after retries ({_first_line(exc)})"
    if isinstance(exc, (ServiceResponseError, ServiceRequestError)):
        return f"connection failed after retries: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _arm_error(exc: BaseException) -> tuple[str | None, str | None]:
    """(code, message) of an ARM error body `{"error": {"code", "message"}}`, for raw requests."""
    try:
        body = exc.response.json()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no body, or not JSON
        return None, None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None
    code, message = error.get("code"), error.get("message")
    return (code if isinstance(code, str) else None), (message if isinstance(message, str) else None)


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__
