"""The PRISMA drawing on awkward input: long source names, markup characters, a failed source."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime

import cairosvg
from PIL import Image

from harvester.reporting.prisma import FlowCounts, PrismaReport, UpdateCounts
from harvester.reporting.prisma_svg import prisma_svg

SVG = "{http://www.w3.org/2000/svg}"
LONG = "oai-jurnal-administrasi-publik-universitas-negeri-makassar"


def report() -> PrismaReport:
    flow = FlowCounts({LONG: 1200, "a<b>&c": 3}, 203, 1000)
    update = UpdateCounts(
        snapshot_id=4,
        run_id=9,
        date=datetime(2026, 11, 28),
        flow=flow,
        retrieved={LONG: 1300},
        merged_away=0,
        no_longer_retrieved=0,
        failed_sources=["pubmed"],
    )
    return PrismaReport("r&d", 4, [update, update], flow)


def test_markup_in_names_is_escaped_and_boxes_fit_the_longest_line() -> None:
    svg = prisma_svg(report(), title='Reviews <of> "things" & more')
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "a<b>&c (n = 3)" in texts
    assert 'Review r&d: Reviews <of> "things" & more' in texts
    assert "Not harvested in this update: pubmed" in texts
    line = f"{LONG} (n = 1,200)"
    widest = max(float(r.get("width", 0)) for r in root.iter(f"{SVG}rect") if r.get("stroke"))
    assert widest > len(line) * 7  # the box grew with the name instead of cutting it
    assert float(root.get("width", 0)) > widest + 340  # the duplicates box still fits beside it
    png = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode()))).convert("L")
    assert png.size[0] == int(float(root.get("width", 0)))
    assert sum(png.histogram()[:128]) > 0
