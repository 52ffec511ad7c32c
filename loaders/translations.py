"""Gettext catalogs (.po files) compiled in memory with Babel: no build step, a missing catalog falls back
to the source strings. Shared by the dashboard's UI catalogs and the fleet report's own."""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


def compile_catalog(path: Path, babel_locale: str, domain: str) -> NullTranslations:
    """The translations of the .po file at `path` (`babel_locale` like "it_IT")."""
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale, domain=domain)
    compiled = io.BytesIO()
    # Fuzzy entries are drafts: serving them would show unreviewed text.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)
