"""The HTML report in a real headless browser (Chromium through Playwright).

Opens the written file as a user would (file:// URL) and checks that it loads with no console
error and no request leaving the file, that the radar has one polygon per source with data and
one axis per element, that every table fits an A4 page's width in print, and that a full-page
screenshot and an A4 PDF can be made.

Needs Debian's chromium at /usr/bin/chromium and the `playwright` package (its bundled driver;
no browser download). Without them the test is skipped locally, but fails in CI (CI=true).
Set LABELAUDIT_SCREENSHOT=/some/file.png to keep the demo report's screenshot for a look.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from labelaudit.documents.commands import render

GOLDEN = Path(__file__).resolve().parent / "golden"
A4_CONTENT_PX = 680  # 210 mm − 2 × 15 mm margins, at 96 CSS px per inch


def write_report(tmp_path: Path, name: str, lang: str) -> tuple[dict[str, Any], Path]:
    record = json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))
    path = tmp_path / f"{name}.{lang}.html"
    path.write_text(render(record, "html", lang), "utf-8")  # type: ignore[arg-type]
    return record, path


def sources_with_data(record: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            found += [s for s, v in requirement["sources"].items() if v["percent"] is not None and s not in found]
    return sorted(found)


@pytest.mark.parametrize(("name", "lang"), [("demo", "en"), ("deferred", "fr"), ("capped", "en")])
def test_report_in_a_real_browser(browser: Any, tmp_path: Path, name: str, lang: str) -> None:
    record, path = write_report(tmp_path, name, lang)
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"failed request: {r.url} {r.failure}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")

    assert errors == []
    assert requests == [path.as_uri()], "the page loads nothing but itself"
    assert page.title().startswith("Label audit report" if lang == "en" else "Rapport d'audit de label")

    radar = page.locator("svg.radar")
    assert radar.count() == 1 and radar.bounding_box()["width"] > 400
    drawn = sorted(page.eval_on_selector_all("svg.radar path.series", "ps => ps.map(p => p.dataset.source)"))
    assert drawn == sources_with_data(record)
    assert page.locator("svg.radar line.axis").count() == 9
    assert page.locator("svg.radar text.axis-label").count() == 9
    assert page.locator("svg.radar .legend-entry").count() == len(record["tree"]["sources"])
    assert page.locator("#verdict").is_visible()

    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("LABELAUDIT_SCREENSHOT")
    if keep and name == "demo":
        shutil.copyfile(shot, keep)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 2
    page.close()


@pytest.mark.parametrize("name", ["demo", "deferred", "capped", "refused", "excellence"])
def test_every_table_fits_an_a4_page_in_print(browser: Any, tmp_path: Path, name: str) -> None:
    _, path = write_report(tmp_path, name, "fr")
    page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(path.as_uri(), wait_until="load")
    too_wide = page.eval_on_selector_all(
        "table, figure, svg",
        f"els => els.filter(e => e.getBoundingClientRect().width > {A4_CONTENT_PX} + 0.5)"
        ".map(e => e.tagName + '.' + (e.className.baseVal ?? e.className) + ' ' + Math.round(e.getBoundingClientRect().width))",
    )
    assert too_wide == []
    page.close()


# The boxes of the labels and of the series as Chromium lays them out with the real font, in the
# SVG's own coordinates (getBBox): no label touches another label, the 100 % ring or any series.
BOXES = """svg => {
  const box = e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  return {
    labels: [...svg.querySelectorAll('text.axis-label')].map(box),
    ring: box([...svg.querySelectorAll('polygon.ring')].pop()),
    series: [...svg.querySelectorAll('path.series, .source .mark')].map(box),
  };
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("name", "lang"), [("demo", "fr"), ("demo", "en"), ("deferred", "fr"), ("service-commitments", "en")])
def test_radar_labels_overlap_neither_each_other_nor_the_data_in_a_real_browser(browser: Any, tmp_path: Path, name: str, lang: str) -> None:
    from labelaudit.documents.html import CX, CY, RADIUS

    record, path = write_report(tmp_path, name, lang)
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(path.as_uri(), wait_until="load")
    found = page.eval_on_selector("svg.radar", BOXES)
    page.close()
    labels = found["labels"]
    assert len(labels) == sum(len(d["requirements"]) for d in record["tree"]["dimensions"])
    for i, label in enumerate(labels):
        for other in labels[i + 1:]:
            assert not _overlap(label, other), (label, other)
        nearest = (min(max(CX, label[0]), label[2]), min(max(CY, label[1]), label[3]))
        assert (nearest[0] - CX) ** 2 + (nearest[1] - CY) ** 2 > RADIUS**2, label  # outside the 100 % ring
    # every series and marker lies within the ring's box, which no label box enters as a disc
    ring = found["ring"]
    for series in found["series"]:
        assert ring[0] - 5 <= series[0] and series[2] <= ring[2] + 5 and ring[1] - 5 <= series[1] and series[3] <= ring[3] + 5
