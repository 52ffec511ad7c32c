"""docs/rules.md, written from the rules themselves so the page never drifts from the code.

    python -m loaders.docs.lint.docs > docs/rules.md
"""
from __future__ import annotations

import json

from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules import ALL_RULES

INTRO = """\
# Docs lint rules

`python -m loaders lint PATH [PATH ...]` checks troubleshooting articles the way a reader uses them
(error → ordered causes → solution steps) and compares every translation with its source-language
article. Python API: `loaders.docs.lint.lint(paths, config=None, source_locale=None) -> LintReport`.

```text
python -m loaders lint docs_source                          # text: path:line:col: RULE alias message
python -m loaders lint docs_source --format sarif -o lint.sarif   # GitHub code scanning
python -m loaders lint docs_source --format github          # workflow annotations on the pull request
python -m loaders lint docs_source --format json            # {"findings": [...], "summary": {...}}
python -m loaders lint docs_source --format junit           # one test suite per file
python -m loaders lint docs_source --format csv             # one row per finding, for a spreadsheet
python -m loaders lint --list-rules
```

A finding that concerns several lines of its file (one broken anchor linked from ten places, an
anchor defined three times, the same `/en-us/` URL on four lines) is one finding with every place:
its first line is `line`, and each further one is listed — in text as one more
`path:line:col: RULE alias place 2 of 3 of the finding on line N` line per place, in JSON as
`"locations": [{"line", "column"}, ...]`, in CSV as `other_locations` (`15:28 19:28`), in SARIF as
`relatedLocations` (after the source-language article of a translation finding), in GitHub output as
one annotation per line and in JUnit as `also: path:line:col` lines.

Exit status: 0 when no finding has severity `error`, 1 when one does, 2 on a usage error, a bad
configuration or a path that cannot be read (the other files are still checked and reported).

## Configuration

`[tool.backup-triage.lint]` in the nearest `pyproject.toml`, or any TOML file given with `--config`
(either with that table or with the keys at its top level):

```toml
[tool.backup-triage.lint]
source-locale = "en-us"          # translations are compared with this language
source-vintage = "nearest"       # which source when several revisions exist (see below)
compare-outdated = false         # also diff translations older than their source, item by item
disable = ["cause-unreferenced"] # rule ids or aliases
enable = []                      # rules that are off by default
required-metadata = ["title", "description", "ms.date"]
heading-jump = "info"            # severity of heading-jump, or "off"
max-file-size = 5000000          # bytes; a bigger file is reported (unreadable-article), not parsed
exclude = ["**/includes/**"]     # glob patterns of files not to check
help-uri = "https://example.org/docs/rules.md"   # where this page is published (SARIF helpUri)

[tool.backup-triage.lint.severity]
step-numbering = "error"         # error, warning, info or off

[tool.backup-triage.lint.rules.heading-jump]
max-jump = 1                     # per-rule options, listed with each rule below

[tool.backup-triage.lint.rules.do-not-translate]
terms = ["Recovery Services vault", "Backup now"]   # portal strings that stay verbatim in translations
```

## Suppressing a finding in the document

```markdown
<!-- backup-triage-disable step-numbering -->
1. This list is numbered this way on purpose.
3. ...

<!-- backup-triage-disable-file TS014 untranslated-prose -->
```

`backup-triage-disable` covers the next block (list, paragraph, table, heading); written inside a
paragraph it covers that paragraph. `backup-triage-disable-file` covers the whole file. Rules are
named by id or alias, separated by spaces or commas; no name, or `all`, means every rule.

## Which source a translation is compared with

The locale is the folder named like a locale tag (`en-us`, `zh-tw`) closest to the file, else the
article's `ms.contentlocale`. The source is the file with the same path under the source-locale folder
(`<root>/it-it/<rest>` ↔ `<root>/en-us/<rest>`), looked up on disk even when it is not among the
checked files. When there is none (several dated revisions side by side, as in an archive of
vintages), the candidates are the source-locale files of the same name that are checked:
`source-vintage = "nearest"` takes the oldest source whose `ms.date` is not older than the
translation's — the revision it was translated from, or the first one after it — else the newest;
`"newest"` always takes the newest. Every translation finding names the source file and line, and
the JSON summary lists, per translation, the source used and how it was chosen.

A translation whose `ms.date` is older than its source's was made from an earlier revision: its
differences are the source's later edits, not translation errors, so only `translation-outdated`
reports on it (with how many errors and causes no longer correspond), unless `compare-outdated = true`.

## TS000 internal-error

A rule that fails on a file (a defect of the lint, not of the article) does not stop the run: it is
reported as `TS000 internal-error`, severity error (exit status 1), at line 1 of that file, naming the
rule, the exception and where it was raised, never a traceback. The rule's findings for that file may
be incomplete; every other rule's findings, for that file and all others, are still reported, in every
format (in JUnit it is an `<error>`, in SARIF also a tool execution notification). It is not a check
of documents, so it cannot be disabled, given another severity or suppressed; to go on without the
failing rule until it is fixed, disable that rule.

## Rules
"""


def fence(text: str) -> str:
    """A Markdown code block showing `text`; undecodable bytes appear as \\xNN escapes."""
    shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    shown = shown.replace("\r", "␍")
    return "```markdown\n" + shown.rstrip("\n") + "\n```\n"


def _example(title: str, example: Example) -> list[str]:
    out = [f"{title} ({example.locale}):\n", fence(example.text)]
    if example.source is not None:
        out += ["Source article (en-us):\n", fence(example.source)]
    for name in example.files:
        out += [f"With `{name}` present next to it.\n"]
    if example.config:
        settings = ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in example.config.items())
        out += [f"Run with {settings}.\n"]
    return out


def rule_section(rule: Rule) -> str:
    parts = [f"### {rule.id} {rule.alias}\n", f"{rule.description}\n"]
    default = rule.severity if rule.enabled_by_default else "off"
    scope = "compares a translation with its source" if rule.scope == "translation" else "checks one article"
    facts = [f"default severity **{default}**", scope]
    if rule.options:
        facts.append("options: " + ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in rule.options.items()))
    sentence = "; ".join(facts)
    parts.append(sentence[0].upper() + sentence[1:] + ".\n")
    if rule.rationale:
        parts.append(rule.rationale + "\n")
    parts += _example("Reported", rule.bad)
    parts += _example("Not reported", rule.good)
    return "\n".join(parts)


def render(rules: list[Rule]) -> str:
    index = ["| id | alias | default | description |", "| --- | --- | --- | --- |"]
    for rule in rules:
        anchor = f"{rule.id.lower()}-{rule.alias}"
        default = rule.severity if rule.enabled_by_default else "off"
        index.append(f"| [{rule.id}](#{anchor}) | {rule.alias} | {default} | {rule.description} |")
    return INTRO + "\n" + "\n".join(index) + "\n\n" + "\n".join(rule_section(rule) for rule in rules)


def main() -> int:
    print(render(list(ALL_RULES)), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
