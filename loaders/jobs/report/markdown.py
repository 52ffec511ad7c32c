"""A report as a Markdown digest for a chat or a ticket: the header, the key figures and every table."""
from __future__ import annotations

from loaders.jobs.report.content import ReportContent, Section
from loaders.jobs.report.labels import T_


def _cell(text: str) -> str:
    # A pipe would end the cell and a newline the row; backslashes and backticks keep codes readable.
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").split())


def _table(section: Section) -> list[str]:
    lines = [f"## {_cell(section.title)}", ""]
    if section.note:
        lines += [_cell(section.note), ""]
    if not section.rows:
        return [*lines, f"_{_cell(section.empty)}_", ""]
    lines.append("| " + " | ".join(_cell(h) for h in section.headers) + " |")
    lines.append("|" + "---|" * len(section.headers))
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
    return [*lines, ""]


def render_markdown(content: ReportContent) -> str:
    lines = [f"# {_cell(content.title)}", "", _cell(content.period), "",
             *(f"- {_cell(line)}" for line in content.filters), "", _cell(content.as_of), ""]
    lines += _table(content.kpis)
    for section in content.sections:
        lines += _table(section)
    lines.append(_cell(T_("The charts are in the HTML report.", content.locale)))
    return "\n".join(lines) + "\n"
