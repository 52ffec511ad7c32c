"""UI catalogs: complete in every language, placeholders intact, template in step with the code."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from dashboard.core import i18n, messages

LOCALES = i18n.UI_LOCALES


def template_ids() -> list:
    with messages.POT_PATH.open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id]


def load(locale: str):
    with i18n.catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=i18n.babel_locale(locale), domain=i18n.DOMAIN)


def test_six_ui_locales_each_have_a_catalog() -> None:
    assert LOCALES == ("en-us", "it-it", "de-de", "fr-fr", "es-es", "ja-jp")
    for locale in LOCALES:
        assert i18n.catalog_path(locale).is_file(), locale


def test_template_lists_exactly_the_strings_marked_in_the_code() -> None:
    extracted = {m.id for m in messages.extract() if m.id}
    assert extracted, "no marked strings found: extraction keywords are broken"
    assert set(template_ids()) == extracted, "run `make messages` and translate the new strings"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale: str) -> None:
    catalog = load(locale)
    for msgid in template_ids():
        message = catalog.get(msgid)
        assert message is not None, f"{locale}: missing {msgid!r}"
        assert not message.fuzzy, f"{locale}: fuzzy {msgid!r}"
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(msgid, tuple):
            assert len(strings) == catalog.num_plurals, f"{locale}: plural forms of {msgid!r}"
        expected = set().union(*(i18n.placeholders(i) for i in ids))
        for string in strings:
            assert string, f"{locale}: empty translation of {msgid!r}"
            got = i18n.placeholders(string)
            assert got <= expected, f"{locale}: unknown placeholder in {string!r}"
            # {count} may be implied by a single plural form; every other value must be shown.
            assert expected - {"count"} <= got, f"{locale}: placeholder dropped in {string!r}"


def test_the_check_command_agrees() -> None:
    assert messages.problems() == []


def test_catalog_problems_are_reported(tmp_path, monkeypatch) -> None:
    """The checker itself finds an empty translation and a broken placeholder."""
    pot = tmp_path / "messages.pot"
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgid "Hello {name}"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n',
                   encoding="utf-8")
    good = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    for locale in LOCALES:
        path = tmp_path / i18n.language_code(locale) / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True)
        body = 'msgid "Hello {name}"\nmsgstr "Ciao {nome}"\n\nmsgid "Bye"\nmsgstr ""\n' if locale == "it-it" else \
            'msgid "Hello {name}"\nmsgstr "Hello {name}"\n\nmsgid "Bye"\nmsgstr "Bye"\n'
        path.write_text(good + body, encoding="utf-8")
    monkeypatch.setattr(messages, "POT_PATH", pot)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    found = messages.problems()
    assert any("it-it: untranslated: 'Bye'" in line for line in found), found
    assert any("it-it: placeholders" in line and "Hello {name}" in line for line in found), found
    assert len(found) == 2, found


@pytest.mark.parametrize(("tag", "expected"), [
    ("it", "it-it"), ("it-IT", "it-it"), ("it_it", "it-it"), ("IT-ch", "it-it"), ("ja", "ja-jp"),
    ("en-GB", "en-us"), ("de-AT", "de-de"), ("pt-br", None), ("", None), (None, None), ("42", None),
])
def test_normalize_locale(tag, expected) -> None:
    assert i18n.normalize_locale(tag) == expected


def test_translation_follows_the_requested_locale_and_fills_placeholders() -> None:
    assert i18n.translate("Cause {number}: {title}", "en-us", number=2, title="T") == "Cause 2: T"
    assert i18n.translate("Cause {number}: {title}", "it-it", number=2, title="T") == "Causa 2: T"
    assert i18n.translate("Cause {number}: {title}", "de-de", number=2, title="T") == "Ursache 2: T"
    assert i18n.translate("Language", "ja-jp") == "言語"
    # Unknown strings come back as written rather than failing.
    assert i18n.translate("Not in any catalog", "fr-fr") == "Not in any catalog"


def test_plural_forms_follow_each_language_rules() -> None:
    plural = ("{count} error", "{count} errors")
    assert i18n.translate_plural(*plural, 1, "en-us") == "1 error"
    assert i18n.translate_plural(*plural, 2, "en-us") == "2 errors"
    assert i18n.translate_plural(*plural, 0, "en-us") == "0 errors"
    # French treats 0 and 1 as singular.
    assert i18n.translate_plural(*plural, 0, "fr-fr") == "0 erreur"
    assert i18n.translate_plural(*plural, 2, "fr-fr") == "2 erreurs"
    assert i18n.translate_plural(*plural, 5, "it-it") == "5 errori"


def test_outside_a_streamlit_run_the_reader_locale_is_the_source_language() -> None:
    assert i18n.current_locale() == "en-us"
    assert i18n._("Language") == "Language"


def test_language_names() -> None:
    assert [i18n.language_name(loc) for loc in LOCALES] == [
        "English", "Italiano", "Deutsch", "Français", "Español", "日本語"]
    assert i18n.language_name("it-it", "en-us") == "Italian"
    assert i18n.language_name("de-de", "fr-fr") == "allemand"
    assert i18n.language_name("xx-yy") == "xx-yy"


def test_language_names_tell_variants_of_one_language_apart() -> None:
    names = i18n.language_names(["en-us", "zh-cn", "zh-tw", "pt-br", "it-it"], "en-us")
    assert names["en-us"] == "English" and names["it-it"] == "Italian"
    assert names["zh-cn"] != names["zh-tw"]
    assert "Simplified" in names["zh-cn"] and "Taiwan" in names["zh-tw"]
    assert names["pt-br"] == "Portuguese"  # one variant only: the plain name
    japanese = i18n.language_names(["zh-cn", "zh-tw"], "ja-jp")
    assert len(set(japanese.values())) == 2 and all(name.startswith("中国語") for name in japanese.values())
