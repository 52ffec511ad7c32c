"""Building blocks for tests that drive the real dashboard in a real browser.

`StreamlitServer` starts `streamlit run dashboard/app.py` on a free port and waits until it is
healthy; `launch_chromium` opens the system Chromium through Playwright. A missing browser is a
test failure with a message saying what to install, never a skip.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path(os.environ.get("BACKUP_TRIAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run <app>` in its own process group, stopped (only it) on exit."""

    def __init__(self, app: str = "dashboard/app.py", env: dict[str, str] | None = None,
                 startup_timeout: float = 90.0) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The checkout under test, not whichever copy of the project is installed in the environment.
        self.env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
        self.startup_timeout = startup_timeout
        self.log_path = ARTIFACTS / f"streamlit-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> StreamlitServer:
        ARTIFACTS.mkdir(exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.app,
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"streamlit not healthy after {self.startup_timeout}s at {self.url}:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def require_chromium() -> Path:
    """The Chromium binary; fails (not skips) with what to install when it is missing."""
    found = CHROMIUM if CHROMIUM.is_file() else None
    if found is None:
        on_path = shutil.which("chromium") or shutil.which("chromium-browser")
        found = Path(on_path) if on_path else None
    assert found is not None, (
        f"Chromium not found at {CHROMIUM} (nor on PATH). Browser tests need it: install the Debian "
        "package `chromium` (apt-get install chromium), or set BACKUP_TRIAGE_CHROMIUM to its path."
    )
    return found


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(require_chromium()), args=CHROMIUM_ARGS, headless=True)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until_settled(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run is over and no element of the previous run is left on the page: a click on a
    stale element lands on whatever Streamlit puts in its place."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon]')"
        " && !document.querySelector('[data-stale=true]')",
        timeout=timeout_ms,
    )
