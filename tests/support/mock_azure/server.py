"""A local HTTP server speaking the Azure Resource Manager shapes of Recovery Services vaults and
backup jobs, so the real SDK (azure-mgmt-recoveryservicesbackup, azure-core, azure-identity) can
be exercised end to end without a tenant.

What it serves (paths matched case-insensitively, like ARM):
  GET /subscriptions/{sub}/providers/Microsoft.RecoveryServices/vaults            vault list (paged)
  GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{v}
  GET .../vaults/{v}/backupJobs?$filter=...&$skiptoken=...                        job list (paged)
  GET .../vaults/{v}/backupJobs/{job}                                             job details
  GET /msi/token                      an App Service managed-identity endpoint (for DefaultAzureCredential)

Behaviour copied from the service: every ARM call needs `api-version` and the bearer token;
`$filter` accepts `eq` clauses joined by `and` with dates written `yyyy-MM-dd hh:mm:ss tt`
(a malformed filter is a 400); list pages carry an absolute `nextLink` pointing back at this
server, with an old api-version and an opaque `$skiptoken`; job ids start with `/Subscriptions/`.
Faults can be injected per path: a status (429 with Retry-After, 500...), a delay (to provoke
client timeouts), or a corrupted page body. Every request is recorded.
"""
from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from azure.core.credentials import AccessToken

FILTER_DATE_FORMAT = "%Y-%m-%d %I:%M:%S %p"
NEXT_LINK_API_VERSION = "2019-05-13"  # deliberately not the SDK's: the SDK must put its own back
FILTER_KEYS = ("startTime", "endTime", "backupManagementType", "status", "operation", "jobId")

_VAULT_LIST = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/providers/microsoft\.recoveryservices/vaults$")
_VAULT = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/"
                    r"microsoft\.recoveryservices/vaults/(?P<vault>[^/]+)(?P<rest>/.*)?$")


@dataclass
class MockVault:
    subscription_id: str
    resource_group: str
    name: str
    location: str = "westeurope"
    jobs: list[Any] = field(default_factory=list)  # list items exactly as served
    details: dict[str, Any] = field(default_factory=dict)  # job name (lower-case) -> details body

    @property
    def arm_id(self) -> str:
        return (f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
                f"/providers/Microsoft.RecoveryServices/vaults/{self.name}")

    @property
    def key(self) -> str:
        return self.arm_id.lower()

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.arm_id,
            "name": self.name,
            "type": "Microsoft.RecoveryServices/vaults",
            "location": self.location,
            "tags": {},
            "sku": {"name": "RS0", "tier": "Standard"},
            "properties": {"provisioningState": "Succeeded"},
        }

    def job_id(self, job_name: str) -> str:
        # The service spells the prefix with a capital S in job ids.
        return f"/Subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}" \
               f"/providers/Microsoft.RecoveryServices/vaults/{self.name}/backupJobs/{job_name}"


@dataclass
class Fault:
    """Something to do instead of (or before) answering a request whose path contains `path`."""

    path: str  # case-insensitive substring of the request path
    status: int | None = None  # answer with this status and an ARM error body
    retry_after: str | None = None  # Retry-After header sent with `status`
    delay: float = 0.0  # seconds to wait before answering
    corrupt: str | None = None  # "item": one item of the page is cut short; "truncate": the body is cut
    drop: bool = False  # the connection is closed half-way through the body (Content-Length says more)
    repeat: bool = False  # job list pages: nextLink points at this same page, so it is served twice
    page: int | None = None  # job/vault list pages only: 1-based page number
    times: int | None = 1  # how many matching requests it applies to; None = all of them
    hits: int = 0

    def applies(self, path: str, page: int | None) -> bool:
        if self.path.lower() not in path.lower():
            return False
        if self.page is not None and self.page != page:
            return False
        return self.times is None or self.hits < self.times


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    fault: Fault | None
    status: int = 0  # filled in when the answer is sent; 0 while it is still being prepared
    body: str = ""  # POST body as sent
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class StaticToken:
    """A TokenCredential handing out one fixed bearer token (what the mock accepts)."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.calls += 1
        return AccessToken(self._token, int(time.time()) + 3600)


class MockAzure:
    """Start with `with MockAzure() as azure:`; `azure.base_url` is the ARM endpoint to use."""

    def __init__(self, page_size: int = 2) -> None:
        self.page_size = page_size
        self.token = "mock-bearer-" + secrets.token_hex(16)
        self.identity_header = secrets.token_hex(8)
        self.vaults: dict[str, MockVault] = {}
        self.workspaces: dict[str, list[dict[str, Any]]] = {}  # workspace id (lower-case) -> AddonAzureBackupJobs rows
        self.la_answers: list[Any] = []  # canned query API answers, served in turn before any table
        self.faults: list[Fault] = []
        self.requests: list[RecordedRequest] = []
        self.reads_remaining = 11999
        self.latency = 0.0  # seconds added to every answer (a distant region)
        self.in_flight = 0
        self.peak_in_flight = 0  # most requests being answered at the same time
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> MockAzure:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        mock = self

        class Handler(_Handler):
            azure = mock

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="mock-azure", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- content -----------------------------------------------------------------------------------
    def add_vault(self, subscription_id: str, resource_group: str, name: str,
                  location: str = "westeurope") -> MockVault:
        vault = MockVault(subscription_id, resource_group, name, location)
        self.vaults[vault.key] = vault
        return vault

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def credential(self) -> StaticToken:
        return StaticToken(self.token)

    def managed_identity_env(self) -> dict[str, str]:
        """Environment under which DefaultAzureCredential fetches its token from this server."""
        return {
            "IDENTITY_ENDPOINT": f"{self.base_url}/msi/token",
            "IDENTITY_HEADER": self.identity_header,
            "AZURE_TOKEN_CREDENTIALS": "ManagedIdentityCredential",
        }

    # -- inspection ----------------------------------------------------------------------------------
    def job_list_requests(self, vault: MockVault | None = None) -> list[RecordedRequest]:
        suffix = (vault.key + "/backupjobs") if vault else "/backupjobs"
        return [r for r in self.requests if r.path.lower().endswith(suffix)]

    def detail_requests(self, vault: MockVault | None = None) -> list[RecordedRequest]:
        prefix = (vault.key if vault else "") + "/backupjobs/"
        return [r for r in self.requests
                if "/backupjobs/" in r.path.lower() and (vault is None or r.path.lower().startswith(prefix))]

    # -- internals used by the handler -------------------------------------------------------------------
    def _take_fault(self, path: str, page: int | None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(path, page):
                    fault.hits += 1
                    return fault
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def answer_post(self, path: str, query: dict[str, list[str]], body: Any) -> Reply:
        """POST routes: Resource Graph `resources` and the Log Analytics query API (see query_apis)."""
        from .query_apis import answer_log_analytics, answer_resource_graph

        lower = path.lower()
        if lower == "/providers/microsoft.resourcegraph/resources":
            if not query.get("api-version"):
                raise ArmError(400, "MissingApiVersionParameter", "The api-version query parameter is required.")
            return _json_reply(answer_resource_graph(self, body))
        match = re.match(r"^/v1/workspaces/([^/]+)/query$", lower)
        if match:
            return _json_reply(answer_log_analytics(self, match.group(1), body))
        raise ArmError(404, "NotFound", f"no route for {path}")

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _next_reads(self) -> int:
        with self._lock:
            self.reads_remaining -= 1
            return self.reads_remaining


class ArmError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    azure: MockAzure
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
        # ACKs add tens of milliseconds to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        path = split.path.rstrip("/")
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        page = _page_number(query, self.azure.page_size)
        fault = self.azure._take_fault(path, page)
        # Recorded on arrival, so a request the client gave up on (timeout) is still counted.
        record = RecordedRequest("GET", path, query, headers, fault)
        self.azure._record(record)
        self.azure._enter()
        try:
            self._answer(path, query, headers, page, fault, record)
        finally:
            self.azure._leave()

    def _answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str], page: int | None,
                fault: Fault | None, record: RecordedRequest) -> None:
        try:
            if self.azure.latency:
                time.sleep(self.azure.latency)
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.status:
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                raise ArmError(fault.status, _status_code_name(fault.status),
                               f"injected failure {fault.status} for {path}", extra)
            reply = self._route(path, query, headers, repeat=fault is not None and fault.repeat)
            if fault is not None and fault.corrupt:
                reply.body = _corrupt(reply.body, fault.corrupt)
        except ArmError as exc:
            reply = _json_reply({"error": {"code": exc.code, "message": exc.message}}, exc.status)
            reply.headers.update(exc.headers)
        record.status = reply.status
        if fault is not None and fault.drop:
            self._send_half(reply)
            return
        self._send(reply)

    def _send_half(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_POST(self) -> None:
        split = urlsplit(self.path)
        path = split.path.rstrip("/")
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self.azure._take_fault(path, None)
        record = RecordedRequest("POST", path, query, headers, fault, body=body.decode("utf-8", "replace"))
        self.azure._record(record)
        try:
            if self.azure.latency:
                time.sleep(self.azure.latency)
            if fault is not None and fault.status:
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                raise ArmError(fault.status, _status_code_name(fault.status), f"injected failure {fault.status}",
                               extra)
            if headers.get("authorization") != f"Bearer {self.azure.token}":
                raise ArmError(401, "AuthenticationFailed", "missing or invalid bearer token")
            reply = self.azure.answer_post(path, query, json.loads(body or b"{}"))
        except ArmError as exc:
            reply = _json_reply({"error": {"code": exc.code, "message": exc.message}}, exc.status)
            reply.headers.update(exc.headers)
        record.status = reply.status
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("x-ms-request-id", str(uuid.uuid4()))
            self.send_header("x-ms-ratelimit-remaining-subscription-reads", str(self.azure._next_reads()))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (timeout tests)

    # -- routing ---------------------------------------------------------------------------------------
    def _route(self, path: str, query: dict[str, list[str]], headers: dict[str, str], repeat: bool = False) -> Reply:
        lower = path.lower()
        if lower == "/msi/token":
            return self._token(query, headers)
        if headers.get("authorization") != f"Bearer {self.azure.token}":
            raise ArmError(401, "AuthenticationFailed", "missing or invalid bearer token")
        if not query.get("api-version"):
            raise ArmError(400, "MissingApiVersionParameter", "The api-version query parameter is required.")
        match = _VAULT_LIST.match(lower)
        if match:
            return self._vault_list(match.group("sub"), path, query)
        match = _VAULT.match(lower)
        if not match:
            raise ArmError(404, "NotFound", f"no route for {path}")
        key = lower[: match.end("vault")]
        vault = self.azure.vaults.get(key)
        if vault is None:
            raise ArmError(404, "ResourceNotFound", f"The Resource '{path}' was not found.")
        rest = (match.group("rest") or "").lower()
        if not rest:
            return _json_reply(vault.resource())
        if rest == "/backupjobs":
            return self._job_list(vault, query, repeat)
        if rest.startswith("/backupjobs/") and rest.count("/") == 2:
            return self._job_details(vault, rest.rsplit("/", 1)[1])
        raise ArmError(404, "NotFound", f"no route for {path}")

    def _token(self, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if headers.get("x-identity-header") != self.azure.identity_header:
            raise ArmError(401, "Unauthorized", "bad identity header")
        resource = (query.get("resource") or [""])[0]
        return _json_reply({"access_token": self.azure.token, "expires_on": str(int(time.time()) + 3600),
                            "resource": resource, "token_type": "Bearer"})

    def _vault_list(self, subscription: str, path: str, query: dict[str, list[str]]) -> Reply:
        vaults = [v.resource() for v in self.azure.vaults.values() if v.subscription_id.lower() == subscription]
        offset = _offset(query)
        size = self.azure.page_size
        page: dict[str, Any] = {"value": vaults[offset: offset + size]}
        if offset + size < len(vaults):
            page["nextLink"] = (f"{self.azure.base_url}{path}?api-version=2016-06-01"
                                f"&%24skipToken={quote(_token_for(offset + size), safe='')}")
        return _json_reply(page)

    def _job_list(self, vault: MockVault, query: dict[str, list[str]], repeat: bool = False) -> Reply:
        text = (query.get("$filter") or [None])[0]
        clauses = parse_filter(text) if text else {}
        jobs = [job for job in vault.jobs if _matches(job, clauses)]
        jobs.sort(key=_start_key, reverse=True)  # newest first, as the portal shows them
        offset = _offset(query)
        size = self.azure.page_size
        page: dict[str, Any] = {"value": jobs[offset: offset + size]}
        if offset + size < len(jobs):
            link = (f"{self.azure.base_url}/Subscriptions/{vault.subscription_id}/resourceGroups/"
                    f"{vault.resource_group}/providers/Microsoft.RecoveryServices/vaults/{vault.name}/backupJobs"
                    f"?api-version={NEXT_LINK_API_VERSION}")
            if text:
                link += f"&%24filter={quote(text, safe='')}"
            following = offset if repeat else offset + size
            page["nextLink"] = link + f"&%24skiptoken={quote(_token_for(following), safe='')}"
        return _json_reply(page)

    def _job_details(self, vault: MockVault, job_name: str) -> Reply:
        if job_name in vault.details:
            return _json_reply(vault.details[job_name])
        for job in vault.jobs:
            if isinstance(job, dict) and str(job.get("name", "")).lower() == job_name:
                return _json_reply(job)
        raise ArmError(404, "ResourceNotFound", f"job {job_name} not found")


# -- helpers ----------------------------------------------------------------------------------------------


def _status_code_name(status: int) -> str:
    return {401: "ExpiredAuthenticationToken",
            429: "TooManyRequests", 500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable",
            403: "AuthorizationFailed", 404: "ResourceNotFound"}.get(status, "Error")


def _token_for(offset: int) -> str:
    # Opaque like the service's, and with characters ('=', '+', '/') that need quoting.
    return base64.b64encode(json.dumps({"offset": offset, "pad": "x"}).encode()).decode()


def _offset(query: dict[str, list[str]]) -> int:
    token = (query.get("$skiptoken") or query.get("$skipToken") or [None])[0]
    if not token:
        return 0
    try:
        return int(json.loads(base64.b64decode(token, validate=True))["offset"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ArmError(400, "InvalidSkipToken", f"cannot read $skiptoken {token!r}: {exc}") from None


def _page_number(query: dict[str, list[str]], page_size: int) -> int:
    try:
        return _offset(query) // page_size + 1
    except ArmError:
        return 0


_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+'([^']*)'\s*$")


def parse_filter(text: str) -> dict[str, Any]:
    """The service's OData subset: `key eq 'value'` clauses joined by `and`; 400 on anything else."""
    clauses: dict[str, Any] = {}
    for part in re.split(r"\s+and\s+", text.strip()):
        match = _CLAUSE.match(part)
        if not match:
            raise ArmError(400, "BadRequest", f"invalid $filter clause {part!r}")
        key, value = match.group(1), match.group(2)
        if key not in FILTER_KEYS:
            raise ArmError(400, "BadRequest", f"unsupported $filter property {key!r}")
        if key in ("startTime", "endTime"):
            try:
                clauses[key] = dt.datetime.strptime(value, FILTER_DATE_FORMAT)
            except ValueError:
                raise ArmError(400, "BadRequest", f"invalid date {value!r} in $filter") from None
        else:
            clauses[key] = value
    return clauses


def _job_start(job: Any) -> dt.datetime | None:
    props = job.get("properties") if isinstance(job, dict) else None
    text = props.get("startTime") if isinstance(props, dict) else None
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text).astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        return None


def _start_key(job: Any) -> dt.datetime:
    return _job_start(job) or dt.datetime.min


def _matches(job: Any, clauses: dict[str, Any]) -> bool:
    if not isinstance(job, dict):
        return True  # garbage the service sends anyway: no filter can exclude it
    props = job.get("properties") if isinstance(job, dict) else None
    props = props if isinstance(props, dict) else {}
    start = _job_start(job)
    if "startTime" in clauses and (start is None or start < clauses["startTime"]):
        return False
    if "endTime" in clauses and (start is None or start > clauses["endTime"]):
        return False
    for key in ("backupManagementType", "status", "operation"):
        if key in clauses and str(props.get(key, "")).lower() != clauses[key].lower():
            return False
    if "jobId" in clauses and str(job.get("name", "")).lower() != clauses["jobId"].lower():
        return False
    return True


def _corrupt(body: bytes, how: str) -> bytes:
    if how == "truncate":
        return body[: max(1, len(body) * 3 // 5)]
    if how == "item":
        page = json.loads(body)
        items = page.get("value") or []
        broken = min(1, len(items) - 1) if items else -1
        parts = []
        for i, item in enumerate(items):
            text = json.dumps(item)
            parts.append(text[: len(text) // 2] if i == broken else text)
        tail = f', "nextLink": {json.dumps(page["nextLink"])}' if page.get("nextLink") else ""
        return ('{"value": [' + ", ".join(parts) + "]" + tail + "}").encode("utf-8")
    raise ValueError(f"unknown corruption {how!r}")


def load_vaults(azure: MockAzure, document: dict[str, Any]) -> list[MockVault]:
    """Fill the server from a fixture document `{"vaults": [{subscriptionId, resourceGroup, name,
    location, jobs: [...], details: {name: body}}]}`; job ids and names are completed from the vault."""
    added = []
    for spec in document["vaults"]:
        vault = azure.add_vault(spec["subscriptionId"], spec["resourceGroup"], spec["name"],
                                spec.get("location", "westeurope"))
        for job in copy.deepcopy(spec.get("jobs", [])):
            if isinstance(job, dict) and "name" in job and "id" not in job:
                job = {"id": vault.job_id(job["name"]), **job}
            vault.jobs.append(job)
        for name, body in copy.deepcopy(spec.get("details", {})).items():
            if isinstance(body, dict) and "id" not in body:
                body = {"id": vault.job_id(name), "name": name, **body}
            vault.details[name.lower()] = body
        added.append(vault)
    return added
