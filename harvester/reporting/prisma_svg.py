"""The identification part of the PRISMA 2020 flow diagram, drawn as a plain SVG file.

Two panels, each in the PRISMA layout (records identified, an arrow right to the records
removed before screening, an arrow down to the records to screen): the latest update, then
the review cumulatively. Arrowheads are drawn as polygons rather than SVG markers so every
renderer (browsers, Inkscape, cairosvg) shows them alike.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from harvester.reporting.prisma import FlowCounts, PrismaReport

BOX_A = 330  # narrowest "records identified" box; wider for long source names
CHAR = 8.4  # average width of a 14px DejaVu Sans character, to size boxes to their text
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
LINE = 20
BAND = "#cfe2f3"
HEADER = "#f2f2f2"


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{escape(content)}</text>'


def _box(x: float, y: float, w: float, h: float, lines: list[str]) -> list[str]:
    parts = [
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" '
        'fill="#ffffff" stroke="#000000" stroke-width="1.5"/>'
    ]
    top = y + (h - LINE * len(lines)) / 2 + 15
    for index, line in enumerate(lines):
        indent = 28 if line.startswith("  ") else 12
        weight = {"font_weight": "bold"} if index == 0 else {}
        parts.append(_text(x + indent, top + index * LINE, line.strip(), **weight))
    return parts


def _arrow(x1: float, y1: float, x2: float, y2: float) -> list[str]:
    head = 9
    if x1 == x2:  # downwards
        points = f"{x2 - 6:.0f},{y2 - head:.0f} {x2 + 6:.0f},{y2 - head:.0f} {x2:.0f},{y2:.0f}"
        end = (x2, y2 - head)
    else:  # to the right
        points = f"{x2 - head:.0f},{y2 - 6:.0f} {x2 - head:.0f},{y2 + 6:.0f} {x2:.0f},{y2:.0f}"
        end = (x2 - head, y2)
    return [
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
        'stroke="#000000" stroke-width="1.5"/>',
        f'<polygon points="{points}" fill="#000000"/>',
    ]


def _band(x: float, y: float, h: float, label: str) -> list[str]:
    cx, cy = x + 15, y + h / 2
    return [
        f'<rect x="{x:.0f}" y="{y:.0f}" width="30" height="{h:.0f}" rx="6" fill="{BAND}"/>',
        _text(
            cx + 5,
            cy,
            label,
            text_anchor="middle",
            font_weight="bold",
            transform=f"rotate(-90 {cx + 5:.0f} {cy:.0f})",
        ),
    ]


def _identified(flow: FlowCounts) -> list[str]:
    return [
        "Records identified from:",
        *(f"  {source} (n = {n:,})" for source, n in flow.identified.items()),
        f"  Total (n = {flow.identified_total:,})",
    ]


def _panel(
    y: float, width: float, heading: str, flow: FlowCounts, note: str
) -> tuple[list[str], float]:
    """One PRISMA identification flow starting at height `y`; returns (elements, bottom)."""
    a_width = width - 490
    b_left = 70 + a_width + 50
    parts = [
        f'<rect x="20" y="{y:.0f}" width="{width - 40:.0f}" height="30" fill="{HEADER}"/>',
        _text(30, y + 20, heading, font_weight="bold"),
    ]
    identified = _identified(flow)
    top = y + 45
    a_height = max(130, LINE * len(identified) + 20)
    parts += _band(25, top, a_height, "Identification")
    parts += _box(70, top, a_width, a_height, identified)
    removed = [
        "Records removed before screening:",
        f"  Duplicate records removed (n = {flow.duplicates_removed:,})",
        "  Marked as ineligible by automation",
        f"  tools (n = {flow.ineligible:,}): not matching",
        "  the strategy as written (local filter)",
    ]
    b_height = LINE * len(removed) + 20
    b_top = top + (a_height - b_height) / 2
    parts += _box(b_left, b_top, 340, b_height, removed)
    parts += _arrow(70 + a_width, b_top + b_height / 2, b_left, b_top + b_height / 2)
    c_top = top + a_height + 45
    parts += _band(25, c_top, 90, "Screening")
    parts += _box(70, c_top, a_width, 90, ["Records to screen", f"  (n = {flow.to_screen:,})"])
    parts += _arrow(70 + a_width / 2, top + a_height, 70 + a_width / 2, c_top)
    bottom = c_top + 90
    if note:
        parts.append(_text(70, bottom + 22, note, font_style="italic", font_size="12"))
        bottom += 22
    return parts, bottom + 25


def prisma_svg(report: PrismaReport, title: str = "") -> str:
    latest = report.latest
    parts = [
        _text(
            20, 32, "PRISMA 2020 flow diagram: identification", font_size="18", font_weight="bold"
        ),
        _text(20, 54, f"Review {report.review_id}" + (f": {title}" if title else "")),
    ]
    number = len(report.updates)
    when = f"run {latest.run_id}, {latest.date:%Y-%m-%d} (snapshot {latest.snapshot_id})"
    heading = f"Update {number}: {when}" if number > 1 else f"First search: {when}"
    note = ""
    capped = [n.split(" records retrieved", 1)[0] for n in latest.notes]
    if latest.failed_sources:
        note = f"Not harvested in this update: {', '.join(latest.failed_sources)}"
    elif capped:
        note = f"Truncated by max_records: {'; '.join(capped)}"
    elif latest.merged_away:
        note = f"{latest.merged_away:,} earlier records were merged with others"
    longest = max(len(line) for line in _identified(report.cumulative))
    width = 490 + max(BOX_A, round(longest * CHAR) + 40)
    panel, y = _panel(72, width, heading, latest.flow, note)
    parts += panel
    panel, y = _panel(
        y, width, f"Cumulative: {number} update{'s' if number > 1 else ''}", report.cumulative, ""
    )
    parts += panel
    body = "\n  ".join(parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y:.0f}" '
        f'viewBox="0 0 {width} {y:.0f}" font-family="{FONT}" font-size="14">\n'
        f'  <rect width="100%" height="100%" fill="#ffffff"/>\n  {body}\n</svg>\n'
    )
