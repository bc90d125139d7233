"""Country briefs: assemble the numbers, state the findings, draw the charts, render.

``assemble`` (warehouse -> :class:`BriefData`) -> ``findings`` (sentences) and ``charts``
(Altair -> SVG) -> ``render`` (Jinja2: HTML, Markdown; PDF through headless Chromium).
Sections whose numbers come from other capabilities go through ``capabilities``.
"""

from __future__ import annotations

from article2.briefs.assemble import BriefData, Figure, brief_countries, brief_data
from article2.briefs.render import BriefFormat, render_html, render_markdown, write

__all__ = [
    "BriefData",
    "BriefFormat",
    "Figure",
    "brief_data",
    "brief_countries",
    "render_html",
    "render_markdown",
    "write",
]
