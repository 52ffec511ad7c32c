"""Talking to Azure Resource Manager for a vault sync: client construction, retries, timeouts,
pacing, and turning failures into messages a person can act on.

Retries are azure-core's RetryPolicy (429/408/5xx and timeouts, honouring `Retry-After`); on top
of it a `Pacer` spaces requests out and slows down when ARM reports few remaining reads, because
the RetryPolicy alone caps consecutive throttling retries at a handful and then gives up.

Tokens: the bearer token lives only inside the SDK's authentication policy. Nothing here logs
request headers, and error messages are built from status codes and ARM error bodies only.
"""
from __future__ import annotations

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
    min_request_interval: float = 0.05  # seconds between requests (ARM refills 25 reads/s)
    low_reads_threshold: int = 100  # below this many remaining reads, pause before each request
    low_reads_pause: float = 2.0  # seconds
    damaged_page_retries: int = 1  # re-requests of a page whose body is not valid JSON


class Pacer:
    """Spaces requests out and counts responses by status. Called from azure-core's hooks for
    every attempt, retries included."""

    def __init__(self, options: SyncOptions, sleep: Any = time.sleep) -> None:
        self.options = options
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_request = 0.0
        self._remaining_reads: int | None = None
        self.statuses: Counter[int] = Counter()

    def before_request(self, request: Any) -> None:
        with self._lock:
            wait = self.options.min_request_interval - (time.monotonic() - self._last_request)
            if self._remaining_reads is not None and self._remaining_reads < self.options.low_reads_threshold:
                wait = max(wait, self.options.low_reads_pause)
            if wait > 0:
                self._sleep(wait)
            self._last_request = time.monotonic()

    def after_response(self, response: Any) -> None:
        http = response.http_response
        with self._lock:
            self.statuses[http.status_code] += 1
            value = http.headers.get(REMAINING_READS_HEADER)
            if value is not None:
                try:
                    self._remaining_reads = int(value)
                except ValueError:
                    pass

    def snapshot(self) -> Counter[int]:
        with self._lock:
            return Counter(self.statuses)


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
