"""`python -m loaders jobs ...` run as a user would, in a subprocess, without a store chosen by the environment."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def jobs_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "BACKUP_TRIAGE_DB"}


def run_jobs(*args: str, **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", "jobs", *args], cwd=REPO, env=jobs_env(),
                          capture_output=True, text=True, timeout=120, **kwargs)
