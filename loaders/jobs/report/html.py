"""A report as one self-contained HTML file: every text escaped, the charts drawn by the plotly.js bundled
inline once (no script, style or font is fetched from anywhere)."""
from __future__ import annotations

from html import escape

import plotly.io as pio

from loaders.jobs.report.content import ReportContent, Section

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1f2328; }
h1 { margin-bottom: .2rem; } .meta { color: #57606a; margin: .1rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; } th { background: #f6f8fa; }
.note, .empty { color: #57606a; font-size: .9rem; } figure { margin: 0 0 1.5rem; }
"""


def _table(section: Section, level: str = "h2") -> str:
    parts = [f"<{level}>{escape(section.title)}</{level}>"]
    if section.note:
        parts.append(f'<p class="note">{escape(section.note)}</p>')
    if not section.rows:
        parts.append(f'<p class="empty">{escape(section.empty)}</p>')
        return "\n".join(parts)
    head = "".join(f"<th>{escape(h)}</th>" for h in section.headers)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in section.rows)
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>")
    return "\n".join(parts)


def render_html(content: ReportContent) -> str:
    charts = []
    for number, (title, figure) in enumerate(content.figures):
        # The first chart carries the whole plotly.js bundle; the others use it.
        drawn = pio.to_html(figure, full_html=False, include_plotlyjs=number == 0, div_id=f"chart-{number}",
                            config={"displaylogo": False, "responsive": True})
        charts.append(f'<figure><h2>{escape(title)}</h2>\n{drawn}</figure>')
    language = content.locale.split("-")[0]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{escape(language)}">', "<head>", '<meta charset="utf-8">',
        f"<title>{escape(content.title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        "<header>", f"<h1>{escape(content.title)}</h1>", f'<p class="meta">{escape(content.period)}</p>',
        *(f'<p class="meta">{escape(line)}</p>' for line in content.filters),
        f'<p class="meta">{escape(content.as_of)}</p>', "</header>",
        _table(content.kpis), *charts, *(_table(section) for section in content.sections),
        "</body>", "</html>", ""])
