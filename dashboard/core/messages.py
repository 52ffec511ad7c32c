"""Maintain the UI catalogs: `python -m dashboard.core.messages [extract|update|check]` (`make messages`).

extract – collect `_()`, `N_()`, `ngettext()`, `translate()` strings from dashboard/ into the POT;
update  – extract, then add new message ids to every locale's .po (untranslated) and drop old ones;
check   – list messages that are untranslated or whose `{placeholders}` differ from the source.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from dashboard.core.i18n import DOMAIN, LOCALES_DIR, UI_LOCALES, babel_locale, catalog_path, placeholders

DASHBOARD_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = DASHBOARD_DIR.parent
MAPPING = DASHBOARD_DIR / "babel.cfg"  # the same file `pybabel extract -F` reads
POT_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "translate": None, "ngettext": (1, 2), "translate_plural": (1, 2)}
PO_WIDTH = 100


def extract() -> Catalog:
    """Messages marked in the dashboard's Python sources."""
    template = Catalog(project="Backup Triage", version="0.1", copyright_holder="Backup Triage", fuzzy=False)
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    for _filename, _lineno, message, comments, context in extract_from_dir(
        str(REPO_DIR), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, auto_comments=comments, context=context)
    return template


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=PO_WIDTH, no_location=True, sort_output=True, omit_header=False)


def update() -> list[str]:
    template = extract()
    _write(template, POT_PATH)
    written = []
    for locale in UI_LOCALES:
        path = catalog_path(locale)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=babel_locale(locale), domain=DOMAIN)
        else:
            catalog = Catalog(locale=babel_locale(locale), domain=DOMAIN, fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write(catalog, path)
        written.append(str(path))
    return written


def problems() -> list[str]:
    """Untranslated messages and placeholder mismatches, one line each."""
    found: list[str] = []
    with POT_PATH.open("rb") as handle:
        template = read_po(handle)
    for locale in UI_LOCALES:
        with catalog_path(locale).open("rb") as handle:
            catalog = read_po(handle, locale=babel_locale(locale), domain=DOMAIN)
        for source in template:
            if not source.id:
                continue
            message = catalog.get(source.id)
            ids = source.id if isinstance(source.id, tuple) else (source.id,)
            strings = () if message is None else (
                message.string if isinstance(message.string, tuple) else (message.string,))
            if message is None or not strings or any(not s for s in strings):
                found.append(f"{locale}: untranslated: {ids[0]!r}")
                continue
            if message.fuzzy:
                found.append(f"{locale}: fuzzy: {ids[0]!r}")
            expected = set().union(*(placeholders(i) for i in ids))
            for string in strings:
                # A plural form may leave out {count} (Japanese has one form for all counts).
                got = placeholders(string)
                if got - expected or (expected - {"count"}) - got:
                    found.append(f"{locale}: placeholders {sorted(got)} != {sorted(expected)}: {ids[0]!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.core.messages", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("extract", "update", "check"), nargs="?", default="update")
    args = parser.parse_args(argv)
    if args.action == "extract":
        _write(extract(), POT_PATH)
        print(POT_PATH)
    elif args.action == "update":
        print("\n".join(update()))
    issues = problems()
    for line in issues:
        print(line, file=sys.stderr)
    return 1 if issues and args.action == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
