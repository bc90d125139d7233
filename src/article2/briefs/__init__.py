"""Country briefs: assemble the numbers, state the findings, draw the charts, render.

``assemble`` (warehouse -> :class:`BriefData`) -> ``findings`` (sentences) and ``charts``
(Altair -> SVG) -> ``render`` (Jinja2: HTML, Markdown; PDF through headless Chromium).
Sections whose numbers come from other capabilities go through ``capabilities``.
"""

from __future__ import annotations

from article2.briefs.assemble import BriefData, Figure, brief_countries, brief_data
from article2.briefs.publish import brief, brief_figures, write_brief, write_case_briefs
from article2.briefs.render import BriefFormat, render_html, render_markdown, write

__all__ = [
    "BriefData",
    "BriefFormat",
    "Figure",
    "brief",
    "brief_data",
    "brief_figures",
    "brief_countries",
    "render_html",
    "render_markdown",
    "write",
    "write_brief",
    "write_case_briefs",
]
