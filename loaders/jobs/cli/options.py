"""What every jobs command shares: the `--db` option, opening the store, messages and exit codes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.jobs.store import DB_ENV_VAR, Store, StoreError, default_db_path, open_store

EXIT_OK = 0
EXIT_VAULT_FAILED = 1
EXIT_NOT_DONE = 1  # the user answered no
EXIT_UNREADABLE = 2  # also usage errors: the command could not do what it was asked at all


def db_option() -> argparse.ArgumentParser:
    """The `--db` option, as a parent parser every jobs command includes."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=None, metavar="PATH",
                        help=f"store file (default: ${DB_ENV_VAR} or the user data directory)")
    return parent


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def open_for_writing(args: argparse.Namespace) -> Store | None:
    """The store of `--db`, created when missing; None (after saying why) when it cannot be opened."""
    try:
        return open_store(args.db)
    except StoreError as exc:
        error(str(exc))
        return None


def missing_store(args: argparse.Namespace) -> bool:
    """Reading commands do not create a store file where none exists (a mistyped --db)."""
    path = Path(args.db).expanduser() if args.db else default_db_path()
    if path.exists():
        return False
    print(f"no store at {path} yet: import files or generate the sample fleet first")
    return True
