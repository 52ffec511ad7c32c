"""Rules that raise on purpose, to show that a defective rule costs only its own findings.

Imported by the tests, and run as a script by the CLI tests: `python failing_rules.py lint ARGS` is
`python -m loaders lint ARGS` with these rules added to the registry the command line uses.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator

from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule

MIDWAY_MESSAGE = "a finding before the failure"


def _fails_midway(article, ctx) -> Iterator[Hit]:
    yield Hit(1, MIDWAY_MESSAGE)
    raise ValueError(f"deliberate failure on {ctx.shown_path}")


def _fails_at_once(article, ctx):
    # not a generator: raises as soon as it is called, the way a plain function with a bad look-up does
    return {}[article.errors[0].id if article.errors else "no-error"]


def _stop_iteration(article, ctx) -> Iterator[Hit]:
    # the shape of the original crash: next() on an empty iterator inside a generator
    yield Hit(1, str(next(iter(()))))


EXAMPLE = Example("# Title\n")
FAILS_MIDWAY = Rule(
    id="TS990", alias="fails-midway", severity="warning", description="Yields one finding, then raises.",
    scope="article", check=_fails_midway, bad=EXAMPLE, good=EXAMPLE, needs_parsed_article=False,
)
FAILS_AT_ONCE = Rule(
    id="TS991", alias="fails-at-once", severity="warning", description="Raises KeyError when called.",
    scope="translation", check=_fails_at_once, bad=EXAMPLE, good=EXAMPLE,
)
STOPS_ITERATION = Rule(
    id="TS992", alias="stops-iteration", severity="info", description="Lets StopIteration out of a generator.",
    scope="translation", check=_stop_iteration, bad=EXAMPLE, good=EXAMPLE,
)
FAILING_RULES = (FAILS_MIDWAY, FAILS_AT_ONCE, STOPS_ITERATION)


def main(argv: list[str]) -> int:
    from loaders.cli import main as cli_main
    from loaders.docs.lint import engine

    engine.ALL_RULES = (*engine.ALL_RULES, *FAILING_RULES)
    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
