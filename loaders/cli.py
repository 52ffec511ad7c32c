"""`python -m loaders graph|lint|jobs ...` — one CLI whose commands mirror the Python API.

Each area registers its own sub-command (`register(subparsers)`) and handles it
(`args.handler(args) -> exit code`); this module only wires them together.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# sub-command -> module that registers it
COMMAND_MODULES = {
    "graph": "loaders.docs.graph_cli",
    "lint": "loaders.docs.lint.cli",
    "jobs": "loaders.jobs.cli",
}


def build_parser(commands: tuple[str, ...] | None = None) -> argparse.ArgumentParser:
    """The parser with the given sub-commands registered (all of them by default)."""
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Backup Triage: turn troubleshooting articles into a cause/solution graph, "
        "lint them, and load backup job data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in commands or tuple(COMMAND_MODULES):
        importlib.import_module(COMMAND_MODULES[name]).register(sub)
    return parser


def _requested_command(argv: list[str]) -> str | None:
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in COMMAND_MODULES else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Only the invoked command's module is imported: `lint` and `graph` stay free of the
    # analytics stack (DuckDB, Arrow, the Azure SDK) that `jobs` needs.
    command = _requested_command(argv)
    parser = build_parser((command,) if command else None)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
