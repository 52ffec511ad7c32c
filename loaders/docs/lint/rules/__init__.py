"""Every lint rule, one module each; the order here is the order of --list-rules and the docs."""
from __future__ import annotations

from loaders.docs.lint.registry import Rule
from loaders.docs.lint.rules import (
    anchor_changed,
    anchor_target,
    cause_duplicate,
    cause_link_target,
    cause_mismatch,
    cause_numbering,
    cause_order,
    cause_unreferenced,
    cause_without_solution,
    command_changed,
    do_not_translate,
    duplicate_anchor,
    encoding,
    error_mismatch,
    error_without_causes,
    front_matter,
    heading_jump,
    include_target,
    line_endings,
    link_changed,
    link_locale,
    link_target,
    markdown_problem,
    metadata_required,
    number_changed,
    step_count,
    step_numbering,
    suppression_unknown,
    translation_outdated,
    translation_source,
    unreadable_article,
    untranslated_prose,
)

ARTICLE_RULES: tuple[Rule, ...] = tuple(
    module.RULE
    for module in (
        cause_link_target,
        cause_numbering,
        step_numbering,
        duplicate_anchor,
        cause_without_solution,
        cause_unreferenced,
        error_without_causes,
        heading_jump,
        metadata_required,
        include_target,
        link_target,
        front_matter,
        encoding,
        line_endings,
        unreadable_article,
        anchor_target,
        markdown_problem,
        suppression_unknown,
        cause_duplicate,
        link_locale,
        translation_source,
    )
)
TRANSLATION_RULES: tuple[Rule, ...] = tuple(
    module.RULE
    for module in (
        error_mismatch,
        cause_mismatch,
        cause_order,
        step_count,
        command_changed,
        link_changed,
        number_changed,
        translation_outdated,
        untranslated_prose,
        anchor_changed,
        do_not_translate,
    )
)
ALL_RULES: tuple[Rule, ...] = ARTICLE_RULES + TRANSLATION_RULES


def _check_unique(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        for key in (rule.id.lower(), rule.alias.lower()):
            if key in seen:
                raise RuntimeError(f"rule id or alias {key!r} is used twice")
            seen.add(key)


_check_unique(ALL_RULES)
