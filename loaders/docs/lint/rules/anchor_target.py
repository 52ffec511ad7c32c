"""TS016 anchor-target: a link to `#fragment` (here or in another article of the tree) that no anchor defines."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._paths import fragment_of, local_target, resolve
from loaders.docs.model import Article
from loaders.docs.targets import nearest_id


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    cause_links = {(ref.line, ref.target) for error in article.errors for ref in error.cause_refs}
    own = ctx.workspace.anchors(article)
    for link in article.links:
        fragment = fragment_of(link.target)
        if not fragment:
            continue
        if link.kind == "anchor":
            if (link.line, fragment) in cause_links or fragment in own:
                continue
            hint = nearest_id(fragment, own)
            tail = f"; did you mean #{hint}?" if hint else ""
            yield Hit(link.line, f"link to #{fragment} matches no heading or anchor in this article{tail}",
                      ctx.facts.column_of(link.line, "#" + fragment))
        elif link.kind == "article":
            local = local_target(link.target)
            if local is None:
                continue
            other = ctx.workspace.article_at(resolve(ctx.path, local))
            if other is None or not other.text:
                continue  # a missing file is link-target's finding
            anchors = ctx.workspace.anchors(other)
            if fragment in anchors:
                continue
            hint = nearest_id(fragment, anchors)
            tail = f"; did you mean #{hint}?" if hint else ""
            yield Hit(link.line, f"link to {local}#{fragment}: that article has no heading or anchor "
                      f"'{fragment}'{tail}", ctx.facts.column_of(link.line, "#" + fragment))


RULE = Rule(
    id="TS016",
    alias="anchor-target",
    severity="warning",
    description="A link to a #fragment, in this article or another article of the tree, matches no heading or anchor.",
    rationale="The page opens but not at the section meant. Heading ids are computed the way the docs "
    "platform computes them (lower case, punctuation dropped, spaces to hyphens, -1/-2 for repeats). "
    "Cause-list links are checked by cause-link-target.",
    scope="article",
    check=check,
    bad=Example("# Backup\n\nFirst [check the network](#network-check).\n\n## Check the network\n\nOpen port 443.\n"),
    good=Example("# Backup\n\nFirst [check the network](#check-the-network).\n\n"
                 "## Check the network\n\nOpen port 443.\n"),
)
