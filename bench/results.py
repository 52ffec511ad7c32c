"""What every benchmark shares: the machine it ran on, and rewriting its own section of RESULTS.md."""
from __future__ import annotations

import os
import platform
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine(*versions: str) -> str:
    """One line: CPU, cores, memory, OS, Python, and the given library versions ("DuckDB 2.0.0")."""
    try:
        memory = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError):
        memory = 0
    tools = ", ".join(("Python " + platform.python_version(), *versions))
    return f"{cpu_model()}, {os.cpu_count()} cores, {memory} GB RAM; Linux {platform.release()}; {tools}"


def write_section(heading: str, text: str, path: Path = RESULTS) -> None:
    """Replace the section that starts with `heading` ("## Lint"), or append it."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = text.rstrip("\n") + "\n"
    if pattern.search(current):
        updated = pattern.sub(lambda _: body + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + body
    path.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")
