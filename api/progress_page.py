"""The printable HTML page of an initiative's progress: the same figures as the JSON, with bar
charts drawn as inline SVG on the server (no script, no font or style from elsewhere)."""

from __future__ import annotations

from jinja2 import Environment

BAR = 420  # width of a full bar, in px

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_page = _env.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ p.name }}: progress as of {{ p.as_of }}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } .meta { color: #555; margin-bottom: 1.5em; }
section.metric { margin: 0 0 1.4em; page-break-inside: avoid; break-inside: avoid; }
h2 { font-size: 1.05em; margin: 0 0 .3em; } .figure { color: #333; }
svg text { font: 12px system-ui, sans-serif; fill: #222; }
.actual { fill: #2c6e9b; } .target { fill: none; stroke: #c0392b; stroke-width: 2; }
.track { fill: #eef2f5; } .suppressed { fill: #bbb; }
@media print { body { margin: 1cm; } .meta { color: #000; } }
@page { size: A4; margin: 1.5cm; }
</style></head><body>
<h1>{{ p.name }}</h1>
<div class="meta">Progress as of {{ p.as_of }}{% if p.by %}, by {{ p.by }}{% endif %}
{% if p.communities %} · communities: {{ p.communities | join(", ") }}{% endif %}
{% if p.start_date %} · counting from {{ p.start_date }}{% endif %}.
Cells counting fewer than 11 people are suppressed.</div>
{% for m in metrics %}
<section class="metric" data-metric="{{ m.metric }}">
<h2>{{ m.title }}</h2>
<div class="figure">{{ m.actual_text }}{% if m.target is not none %} of a target of
{{ m.target_text }}{% if m.by %} by {{ m.by }}{% endif %}{% endif %}
{{ " · " }}{{ m.people }} people counted</div>
<svg role="img" aria-label="{{ m.title }}" width="{{ bar + 230 }}"
 height="{{ 26 + 22 * m.cells | length }}" xmlns="http://www.w3.org/2000/svg">
<rect class="track" x="150" y="4" width="{{ bar }}" height="16"/>
<rect class="actual" data-value="{{ m.actual or 0 }}" x="150" y="4"
 width="{{ m.actual_px }}" height="16"/>
{% if m.target_px is not none %}
<rect class="target" data-value="{{ m.target }}" x="150" y="3"
 width="{{ m.target_px }}" height="18"/>
{% endif %}
<text x="0" y="17">all</text>
{% for c in m.cells %}
<text x="0" y="{{ 39 + 22 * loop.index0 }}">{{ c.key }}</text>
{% if c.suppressed %}
<rect class="suppressed" x="150" y="{{ 27 + 22 * loop.index0 }}" width="12" height="14"/>
<text x="168" y="{{ 39 + 22 * loop.index0 }}">suppressed (fewer than 11 people)</text>
{% else %}
<rect class="actual cell" data-value="{{ c.actual or 0 }}" x="150" y="{{ 27 + 22 * loop.index0 }}"
 width="{{ c.px }}" height="14"/>
<text x="{{ 156 + c.px }}" y="{{ 39 + 22 * loop.index0 }}">{{ c.text }}</text>
{% endif %}
{% endfor %}
</svg>
</section>
{% endfor %}
</body></html>
""")


def _text(value, unit: str) -> str:
    if value is None:
        return "no data"
    return f"{value:g} %" if unit == "percent" else f"{value:,}"


def render(progress: dict) -> str:
    metrics = []
    for m in progress["metrics"]:
        actual, target = m["actual"] or 0, m["target"]
        cells = m.get("breakdown", [])
        scale = max([actual, target or 0, *(c.get("actual") or 0 for c in cells)]) or 1
        metrics.append({
            **m, "title": m["label"] or m["metric"].replace("_", " "),
            "actual_text": _text(m["actual"], m["unit"]),
            "target_text": _text(target, m["unit"]),
            "actual_px": round(BAR * actual / scale, 1),
            "target_px": None if target is None else round(BAR * target / scale, 1),
            "cells": [{**c, "key": c["key"] if c["key"] is not None else "(none)",
                       "px": round(BAR * (c.get("actual") or 0) / scale, 1),
                       "text": _text(c.get("actual"), m["unit"])} for c in cells]})
    return _page.render(p=progress, metrics=metrics, bar=BAR)
