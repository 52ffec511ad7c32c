"""`python -m loaders graph|lint|jobs ...` — one CLI whose commands mirror the Python API.

Each area registers its own sub-command (`register(subparsers)`) and handles it
(`args.handler(args) -> exit code`); this module only wires them together.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# module path -> registers one sub-command
COMMAND_MODULES = (
    "loaders.docs.graph_cli",
    "loaders.docs.lint.cli",
    "loaders.jobs.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Backup Triage: turn troubleshooting articles into a cause/solution graph, "
        "lint them, and load backup job data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
