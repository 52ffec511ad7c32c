"""TS011 link-target: a relative link or image whose file is not in the tree."""
from __future__ import annotations

import re
from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit, Location
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._paths import local_target, resolve
from loaders.docs.lint.rules._shared import sequence
from loaders.docs.model import Article

MARKDOWN_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)")
DOCFX_IMAGE = re.compile(r""":::image\b[^:]*?\bsource\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
HTML_IMAGE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def images(ctx: ArticleContext) -> Iterator[tuple[int, int, str]]:
    """(line, column, target) of every image outside code."""
    code = ctx.facts.code_lines
    for number, line in enumerate(ctx.facts.body_lines, start=1):
        if number in code or not any(mark in line for mark in ("![", ":::", "<img", "<IMG")):
            continue
        for pattern in (MARKDOWN_IMAGE, DOCFX_IMAGE, HTML_IMAGE):
            for match in pattern.finditer(line):
                yield number, match.start(1) + 1, match.group(1)


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    includes = {(include.line, include.target) for include in article.includes}
    targets = [
        (link.line, None, link.target, "link")
        for link in article.links
        if link.kind == "article" and (link.line, link.target) not in includes
    ]
    targets.extend((line, column, target, "image") for line, column, target in images(ctx))
    check_missing_folders = bool(ctx.option("check-missing-folders"))
    missing: dict[str, list[tuple[int, int | None, str]]] = {}  # one finding per missing file
    for line, column, target, what in targets:
        local = local_target(target)
        if local is None:
            continue
        path = resolve(ctx.path, local)
        if ctx.workspace.exists(path):
            continue
        if not check_missing_folders and not ctx.workspace.exists(path.parent):
            continue  # that part of the docs set is not in the tree: nothing to compare with
        missing.setdefault(local, []).append((line, column or ctx.facts.column_of(line, target), what))
    limit = int(ctx.option("max-per-article"))
    if limit and len(missing) > limit:
        first = min(places[0][0] for places in missing.values())
        listed = ", ".join(f"{target} (line {places[0][0]})" for target, places in list(missing.items())[:10])
        more = "" if len(missing) <= 10 else f" and {len(missing) - 10} more"
        every = sorted({(line, column) for places in missing.values() for line, column, _ in places})
        yield Hit(first, f"{len(missing)} relative link or image targets do not exist in the tree: {listed}{more}",
                  None, others=tuple(Location(line, column) for line, column in every))
        return
    for local, places in missing.items():
        line, column, what = places[0]
        also = f" (also linked on lines {sequence([p[0] for p in places[1:]])})" if len(places) > 1 else ""
        yield Hit(line, f"{what} target {local} does not exist (looked for "
                  f"{ctx.workspace.shown(resolve(ctx.path, local))}){also}", column,
                  others=tuple(Location(other_line, other_column) for other_line, other_column, _ in places[1:]))


RULE = Rule(
    id="TS011",
    alias="link-target",
    severity="warning",
    description="A relative link or image points to a file that does not exist in the tree.",
    rationale="Broken links and missing screenshots are the most common defect readers report. Only "
    "relative paths are checked: site-absolute (`/azure/...`) and external URLs belong to other sites. "
    "A target whose folder does not exist at all is taken as a part of the docs set that is not checked "
    "out here and is not reported unless `check-missing-folders = true`. Include lines are left to include-target. "
    "Each missing file is one finding; past `max-per-article` missing files (0: no limit) an article gets "
    "one finding that lists them.",
    scope="article",
    check=check,
    options={"check-missing-folders": False, "max-per-article": 5},
    bad=Example("See [how to prepare the VM](backup-prepare.md) and the screenshot:\n\n![Vault](media/vault.png)\n"),
    good=Example(
        "See [how to prepare the VM](backup-prepare.md) and the screenshot:\n\n![Vault](media/vault.png)\n",
        files={"backup-prepare.md": "# Prepare\n", "media/vault.png": "PNG"},
    ),
)
