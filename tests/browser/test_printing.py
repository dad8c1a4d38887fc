"""The board pack and a plan, printed to PDF on A4 by Chromium (the browser's own "Save as PDF"),
then read back with pdfium as a board member would get them: pages about as many as the content
needs, none mostly blank but the last, every section's text there, and no chart cut off by its
card. The page images are saved under var/screenshots for a person to look at.

Printing is the same on either database and loads the demo company, so it runs once, on SQLite
(the pattern of tests/workbench/test_production_server.py).
"""

import math
import os
import re
import struct
import zlib
from io import StringIO

import numpy as np
import pypdfium2 as pdfium
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from plans.models import CategoryPlan
from tests.browser.conftest import SCREENSHOTS
from workbench.demo import DEMO_PASSWORD

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="printing is the same on either database; checked once, on SQLite",
)

# A4 less print.css's 14 mm margins, in CSS pixels (96 to the inch).
PRINTED_HEIGHT_PX = (297 - 2 * 14) / 25.4 * 96
# A page of text is mostly white even when full; one below these is mostly blank.
LEAST_INK_DEPTH = 0.5  # how far down the page its last mark is
LEAST_INK_SHARE = 0.02  # the share of the page that is not white

# Measured in the print layout itself: Chromium switches the page to print media before it lays
# out the PDF, and the page's scripts see that. Records, for every chart, the width plotly drew
# it at against the width its box has on paper, and the height of the document's blocks.
MEASURE_IN_PRINT = """blocks => {
  window.printed = null;
  matchMedia("print").addEventListener("change", event => {
    if (!event.matches || window.printed) return;
    window.printed = {
      charts: [...document.querySelectorAll(".js-plotly-plot")].map(chart => ({
        name: chart.getAttribute("aria-label") || "",
        drawn: chart.querySelector("svg.main-svg").getBoundingClientRect().width,
        box: chart.parentElement.getBoundingClientRect().width,
      })),
      height: [...document.querySelectorAll(blocks)]
        .reduce((sum, block) => sum + block.getBoundingClientRect().height, 0),
    };
  });
}"""


def save_png(path, pixels):
    """An RGB array as a PNG (zlib alone: no imaging library needed for a test picture)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def printed(page, name, blocks):
    """Print the page to an A4 PDF and read it back: one dict per sheet with its text, how far
    down the last mark is and the share that is not white; plus what was measured in print."""
    page.evaluate(MEASURE_IN_PRINT, blocks)
    document = pdfium.PdfDocument(page.pdf(format="A4"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sheets = []
    for number, sheet in enumerate(document, start=1):
        width, height = sheet.get_size()
        # A4 portrait is 595 x 842 points; Chromium rounds its sizes in inches.
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)
        pixels = np.ascontiguousarray(
            sheet.render(scale=1.5, rev_byteorder=True).to_numpy()[:, :, :3]
        )
        save_png(SCREENSHOTS / f"print-{name}-page-{number}.png", pixels)
        inked = pixels.min(axis=2) < 235
        inked_rows = np.flatnonzero(inked.any(axis=1))
        sheets.append(
            {
                "text": " ".join(sheet.get_textpage().get_text_bounded().split()),
                "depth": (inked_rows[-1] + 1) / inked.shape[0] if len(inked_rows) else 0.0,
                "ink": float(inked.mean()),
            }
        )
        sheet.close()
    document.close()
    return sheets, page.evaluate("window.printed")


def assert_clean_a4(sheets, measured, sections):
    needed = math.ceil(measured["height"] / PRINTED_HEIGHT_PX)
    assert len(sheets) <= needed + 1, f"{len(sheets)} pages for {needed} pages of content"
    for number, sheet in enumerate(sheets[:-1], start=1):
        assert sheet["depth"] >= LEAST_INK_DEPTH, f"page {number} is mostly blank: {sheet}"
        assert sheet["ink"] >= LEAST_INK_SHARE, f"page {number} is mostly blank: {sheet}"
    text = " ".join(sheet["text"] for sheet in sheets)
    for section in sections:
        # Case aside: labels are upper-cased by the stylesheet, and print so.
        assert re.search(section, text, re.IGNORECASE), f"{section!r} is not in the printed text"
    for chart in measured["charts"]:
        assert chart["drawn"] <= chart["box"] + 1, f"cut off on paper: {chart}"


BOARD_PACK_SECTIONS = [
    r"From cost-cutting to category management",
    r"Organisation maturity",
    r"Maturity by category and dimension",
    r"Maturity profile \(spend-weighted\)",
    r"Maturity over time",
    r"Savings \d{4}: target, pipeline, realised",
    r"Plans waiting for approval",
    r"Satisfaction and NPS by business unit",
    r"Time with suppliers by segment",
    r"You said, we did: answering the units",
    r"By category manager",
]
BOARD_PACK_BLOCKS = (
    ".pack-head, .board-pack section > .kpis, .board-pack section > .card, "
    ".board-pack .grid-2 > .card"
)
PLAN_SECTIONS = [
    r"Packaging 2027",
    r"Baseline",
    r"What the units value",
    r"Objectives",
    r"Initiatives \(ranked at α",
    r"Total of live initiatives",
    r"Conflicts",
    r"Endorsements \(revision \d+\)",
]


def test_the_board_pack_and_a_plan_print_as_clean_a4_documents(page, db):
    call_command("load_demo", lines=3_000, stdout=StringIO())
    page.goto("/login/")
    page.get_by_label("Username").fill("cpo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    # The board pack as the CPO prints it from the page (the site's header and buttons fall
    # away), and its print view, which is where "Print" leads without JavaScript.
    for name, address in [
        ("board-pack", "/portfolio/board-pack/"),
        ("board-pack-print-view", "/portfolio/board-pack/print/"),
    ]:
        page.goto(address)
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        sheets, measured = printed(page, name, BOARD_PACK_BLOCKS)
        assert_clean_a4(sheets, measured, BOARD_PACK_SECTIONS)
        assert 3 <= len(measured["charts"])
        # The site's header, menu and buttons stay on screen.
        text = " ".join(sheet["text"] for sheet in sheets)
        for on_screen_only in ["Log out", "Print or save as PDF", "Excel workbook", "Back to"]:
            assert on_screen_only not in text, f"{on_screen_only!r} printed in {name}"

    plan = CategoryPlan.objects.get(title__startswith="Packaging 2027")
    page.goto(f"/categories/plans/{plan.pk}/print/")
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    sheets, measured = printed(page, "plan", "main > *")
    assert_clean_a4(sheets, measured, PLAN_SECTIONS)
    assert "Back to the plan" not in " ".join(sheet["text"] for sheet in sheets)
