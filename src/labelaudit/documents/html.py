"""The HTML report: one self-contained file (inline CSS and SVG, no script, nothing fetched).

It formats the blocks of `dossier.document` and draws the radar chart. Every text
goes through `html.escape`: the record holds the organisation's and the auditor's words, which
must never become markup; a Content-Security-Policy that forbids every load but inline style
backs that up. The page prints on A4 and reads in black and white: states are words, and the
radar's series differ by dash pattern and marker shape as well as by colour.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import Any

from labelaudit.i18n import tr
from labelaudit.model import Lang
from labelaudit.documents.accessors import Record, colon, numbered, pct, source_title, sources
from labelaudit.documents.blocks import Block, Box, Cell, Chart, Document, Heading, Items, Note, Para, Row, Section, Table
from labelaudit.documents.dossier import document


def esc(value: Any) -> str:
    """Any value as HTML text: `<`, `>`, `&` and both quotes escaped."""
    return html.escape(str(value), quote=True)


def el(tag: str, content: str = "", cls: str = "", **attrs: str) -> str:
    """One element; `content` is HTML already (escape text first), attributes are escaped here.

    `stroke_width="2"` is written `stroke-width="2"`; `cls` is the class attribute.
    """
    names = ([("class", cls)] if cls else []) + [(k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items()]
    head = "".join(f' {name}="{esc(value)}"' for name, value in names)
    return f"<{tag}{head}>{content}</{tag}>"


# ---------------------------------------------------------------- the page


CSS = """
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #111;
  background: #fff; margin: 0 auto; max-width: 200mm; padding: 10mm 8mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.2pt solid #111; }
h3 { font-size: 10.5pt; margin: 5mm 0 1.5mm; }
h4 { font-size: 9.5pt; margin: 3mm 0 1mm; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0 2mm; }
.meta { color: #333; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 8.5pt; }
th, td { border: 0.5pt solid #777; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
thead th { background: #e8e8e8; font-weight: bold; }
thead { display: table-header-group; }
tr, figure, .verdict, .obs { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num.wrap { white-space: normal; }
table.criteria, table.sites { font-size: 7.5pt; }
table.criteria th, table.criteria td, table.sites th, table.sites td { padding: 0.8mm 1mm; }
table.criteria tr.sub td:first-child { padding-left: 3mm; }
table.kv th { width: 30%; background: #f3f3f3; font-weight: bold; }
tr.group td { background: #f3f3f3; font-weight: bold; }
tr.sub td:first-child { padding-left: 5mm; }
tr.muted td, .muted { color: #555; font-style: italic; }
tr.flag td { font-weight: bold; }
.verdict { border: 2pt solid #111; padding: 3mm 4mm; margin: 2mm 0 3mm; font-size: 15pt; font-weight: bold; }
.verdict.granted { background: #e3f2e6; }
.verdict.refused { background: #fbe4e1; }
.verdict.deferred { background: #fff1d6; }
.borderline { border: 1.2pt dashed #111; padding: 2mm 3mm; margin: 2mm 0; }
p.flag { margin: 1mm 0; }
.derived { font-style: italic; border-left: 2pt solid #777; padding-left: 2mm; }
.digest { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; word-break: break-all; }
ul, ol { margin: 1mm 0 2mm; padding-left: 6mm; }
li { margin: 0.5mm 0; }
ul.gaps { columns: 2; column-gap: 6mm; font-size: 8pt; }
figure { margin: 2mm 0; }
figure svg { display: block; width: 100%; max-width: 180mm; height: auto; margin: 0 auto; }
figcaption { font-size: 8.5pt; color: #333; }
svg .tick { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.obs { border-left: 1pt solid #999; padding-left: 2mm; margin: 1.5mm 0 2.5mm; font-size: 8.5pt; }
.obs .who { font-weight: bold; }
.obs .refs { font-size: 8pt; color: #333; }
footer { margin-top: 8mm; font-size: 8pt; color: #333; border-top: 0.5pt solid #777; padding-top: 2mm; }
@media print { body { max-width: none; padding: 0; } h2 { margin-top: 6mm; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_html(record: Record, lang: Lang) -> str:
    """The whole report as one HTML document; the same record gives the same bytes."""
    screen = (
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'  # no favicon request
    )
    return page(document(record, lang), record, head=screen)


def page(doc: Document, record: Record, *, head: str = "", css: str = CSS, preface: str = "") -> str:
    """The report's page: `head` (HTML) joins the title, `css` is the one style sheet, and
    `preface` (HTML) comes between the header and the first section.

    The PDF report (`documents.pdf`) calls this with its print style sheet and its table of
    contents, so that both formats are the same document.
    """
    head = '<meta charset="utf-8">' + head + el("title", esc(doc.title)) + el("style", css)
    parts = [el("header", blocks(doc.header, record, doc)), preface, *(section(s, record, doc) for s in doc.sections), el("footer", esc(doc.footer))]
    body = "\n".join(p for p in parts if p)
    return f'<!DOCTYPE html>\n<html lang="{doc.lang}">\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n'


def section(s: Section, record: Record, doc: Document) -> str:
    return el("section", el("h2", esc(s.title)) + blocks(s.blocks, record, doc), id=s.anchor)


def blocks(items: Iterable[Block], record: Record, doc: Document) -> str:
    return "".join(block(b, record, doc) for b in items)


def block(b: Block, record: Record, doc: Document) -> str:
    """One block as HTML; the chart is the only block that needs the record itself."""
    if isinstance(b, Heading):
        return el(f"h{b.level}", esc(b.text), **({"id": b.anchor} if b.anchor else {}))
    if isinstance(b, Para):
        return para(b)
    if isinstance(b, Items):
        return el("ol" if b.ordered else "ul", "".join(el("li", esc(x)) for x in b.items), b.name, **({"id": b.name} if b.ordered and b.name else {}))
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Box):
        return el("div", blocks(b.blocks, record, doc), b.name, id=b.name)
    if isinstance(b, Note):
        return note(b, doc.lang)
    if isinstance(b, Chart):
        caption = el("figcaption", esc(f"{b.caption} {b.note}"))
        return el("figure", radar_svg(record, doc.lang) + caption)
    raise TypeError(f"unknown block {b!r}")


def para(p: Para) -> str:
    if p.style == "verdict":
        return el("div", esc(p.text), f"verdict {p.status}", id="verdict")
    if p.style == "flag":
        return el("p", el("strong", esc(p.text)), "flag")
    return el("p", esc(p.text), p.style)


def table(tb: Table) -> str:
    """A table whose header repeats on each printed page; numeric columns align right."""
    if tb.keyvalue:
        body = "".join(el("tr", el("th", esc(r.cells[0].text)) + cell(r.cells[1], False)) for r in tb.rows)
        return el("table", el("tbody", body), f"kv {tb.name}".strip())
    header = el("thead", el("tr", "".join(el("th", esc(h)) for h in tb.head)))
    return el("table", header + el("tbody", "".join(row(r, tb.numeric) for r in tb.rows)), tb.name)


def row(r: Row, numeric: frozenset[int]) -> str:
    cells, column = [], 0
    for c in r.cells:
        cells.append(cell(c, column in numeric))
        column += c.span
    return el("tr", "".join(cells), " ".join(r.kinds))


def cell(c: Cell, numeric: bool) -> str:
    """A cell's content: a bold lead line, a list, an identifier that may break after `/`."""
    content = esc(c.text).replace("/", "/<wbr>") if c.ident else esc(c.text)
    if c.items:
        content = el("ul", "".join(el("li", esc(x)) for x in c.items))
    if c.strong:
        content = el("strong", content)
    if c.lead:
        content = el("strong", esc(c.lead)) + "<br>" + content
    classes = " ".join(x for x in ("num" if numeric else "", "wrap" if c.wrap else "", "digest" if c.mono else "") if x)
    attributes = {"colspan": str(c.span)} if c.span > 1 else {}
    if c.explains:
        attributes["data_explain"] = c.explains  # the desk turns the number into a link to its step
    return el("td", content, classes, **attributes)


def note(n: Note, lang: Lang) -> str:
    """An observation: who and where, the auditor's text, the evidence consulted."""
    refs = el("p", el("em", esc(n.references_label)) + esc(colon(lang) + " · ".join(n.references)), "refs") if n.references else ""
    return el("div", el("div", esc(n.title), "who") + "".join(el("p", esc(x)) for x in n.paragraphs) + refs, "obs")


# ---------------------------------------------------------------- radar chart

SIZE_W, SIZE_H = 720, 570
CX, CY, RADIUS = 360.0, 262.0, 170.0
RINGS = (25, 50, 75, 100)
LINE_HEIGHT = 12
WRAP = 24
# Okabe–Ito colours (safe for colour-blind readers) with dash patterns and marker shapes,
# so that the series stay apart in black and white.
STYLES = (
    ("#0072B2", "", "circle"),
    ("#D55E00", "7 4", "square"),
    ("#009E73", "2 3", "triangle"),
    ("#CC79A7", "10 3 2 3", "diamond"),
    ("#E69F00", "4 2", "circle"),
    ("#56B4E9", "1 2", "square"),
)


def fmt(value: float) -> str:
    """A coordinate with one decimal (and never `-0.0`), so that the bytes are stable."""
    text_value = f"{value:.1f}"
    return "0.0" if text_value == "-0.0" else text_value


def axis_point(index: int, count: int, fraction: float) -> tuple[float, float]:
    """The point at `fraction` (0 centre, 1 edge) of axis `index`; axis 0 points up, clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return CX + RADIUS * fraction * math.cos(angle), CY + RADIUS * fraction * math.sin(angle)


def points_attr(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


def marker(shape: str, x: float, y: float, colour: str, hollow: bool, cls: str) -> str:
    """A small marker of `shape` centred on (x, y): filled at a value, hollow where there is none."""
    fill = "#fff" if hollow else colour
    style = {"fill": fill, "stroke": colour, "stroke_width": "1.5", "cls": cls}
    if shape == "circle":
        return el("circle", cx=fmt(x), cy=fmt(y), r="3.6", **style)
    if shape == "square":
        return el("rect", x=fmt(x - 3.3), y=fmt(y - 3.3), width="6.6", height="6.6", **style)
    if shape == "triangle":
        return el("polygon", points=points_attr([(x, y - 4.4), (x + 4, y + 3), (x - 4, y + 3)]), **style)
    return el("polygon", points=points_attr([(x, y - 4.6), (x + 4.2, y), (x, y + 4.6), (x - 4.2, y)]), **style)


def wrap(words: str, width: int = WRAP) -> list[str]:
    """Greedy word wrap for the axis labels (SVG text does not wrap by itself)."""
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def axis_label(index: int, count: int, lines: list[str], value: str) -> str:
    """The label at the end of an axis: anchored away from the chart, clear of the polygon."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    cos, sin = math.cos(angle), math.sin(angle)
    x, y = axis_point(index, count, 1 + 16 / RADIUS)
    anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    total = len(lines) + 1
    if sin < -0.5:
        first = y - (total - 1) * LINE_HEIGHT
    elif sin > 0.5:
        first = y + LINE_HEIGHT - 2
    else:
        first = y - (total - 1) * LINE_HEIGHT / 2 + 4
    spans = [el("tspan", esc(line), x=fmt(x), y=fmt(first + i * LINE_HEIGHT)) for i, line in enumerate(lines)]
    spans.append(el("tspan", esc(value), "value", x=fmt(x), y=fmt(first + len(lines) * LINE_HEIGHT)))
    return el("text", "".join(spans), "axis-label", text_anchor=anchor)


def radar_grid(count: int, lang: Lang) -> str:
    """The rings (25 % steps), one axis per element and the ring values, under the series."""
    rings = [
        el("polygon", cls="ring", points=points_attr(axis_point(i, count, ring / 100) for i in range(count)),
           fill="none", stroke="#bbb", stroke_width="0.8")
        for ring in RINGS
    ]
    axes = []
    for i in range(count):
        x, y = axis_point(i, count, 1)
        axes.append(el("line", cls="axis", x1=fmt(CX), y1=fmt(CY), x2=fmt(x), y2=fmt(y), stroke="#888", stroke_width="0.8"))
    ticks = [
        el("text", esc(pct({"percent": str(ring)}, lang)), "tick", x=fmt(CX + 3), y=fmt(CY - RADIUS * ring / 100 - 2), font_size="9", fill="#666")
        for ring in RINGS
    ]
    return el("g", "".join(rings + axes + ticks), "grid")


def source_values(reqs: list[dict[str, Any]], source: str) -> list[str | None]:
    """A source's shown percentage at each element, None where it has no data there."""
    return [(r.get("sources", {}).get(source) or {}).get("percent") for r in reqs]


def radar_series(record: Record, reqs: list[dict[str, Any]], lang: Lang) -> str:
    """One polygon per source that has data; a missing value sits at the centre, hollow-marked."""
    groups = []
    for index, source in enumerate(sources(record)):
        colour, dash, shape = STYLES[index % len(STYLES)]
        values = source_values(reqs, source)
        if all(v is None for v in values):
            continue
        points = [axis_point(i, len(reqs), 0 if v is None else float(v) / 100) for i, v in enumerate(values)]
        polygon = el(
            "polygon", cls="series", points=points_attr(points), fill=colour, fill_opacity="0.10", stroke=colour,
            stroke_width="2", stroke_dasharray=dash or "none", stroke_linejoin="round", data_source=source,
        )
        marks = "".join(marker(shape, x, y, colour, v is None, "nodata" if v is None else "mark") for (x, y), v in zip(points, values))
        title = el("title", esc(f"{source_title(source, lang)}: " + ", ".join(pct({"percent": v}, lang) for v in values)))
        groups.append(el("g", title + polygon + marks, "source", data_source=source))
    return "".join(groups)


def radar_legend(record: Record, reqs: list[dict[str, Any]], lang: Lang) -> str:
    """One entry per source: line sample, marker, title and the source's overall attainment."""
    entries = []
    for index, source in enumerate(sources(record)):
        colour, dash, shape = STYLES[index % len(STYLES)]
        has_data = any(v is not None for v in source_values(reqs, source))
        x, y = 20 + (index % 3) * 236, SIZE_H - 30 + (index // 3) * 20
        overall = pct(record["tree"].get("sources", {}).get(source), lang) if has_data else tr("report.no_data", lang=lang)
        sample = el("line", x1=fmt(x), y1=fmt(y), x2=fmt(x + 30), y2=fmt(y), stroke=colour, stroke_width="2", stroke_dasharray=dash or "none")
        label = el("text", esc(f"{source_title(source, lang)} — {overall}"), x=fmt(x + 38), y=fmt(y + 4), font_size="11")
        entries.append(el("g", sample + marker(shape, x + 15, y, colour, not has_data, "mark") + label, "legend-entry", data_source=source))
    return el("g", "".join(entries), "legend")


def radar_svg(record: Record, lang: Lang) -> str:
    """The radar of the elements as hand-written SVG geometry (no script, no library)."""
    elements = list(numbered(record, lang))
    reqs = [r for _, r in elements]
    labels = "".join(axis_label(i, len(reqs), wrap(label), pct(r.get("attainment"), lang)) for i, (label, r) in enumerate(elements))
    caption = tr("report.radar_caption", lang=lang)
    inner = (
        el("title", esc(caption))
        + radar_grid(len(reqs), lang)
        + radar_series(record, reqs, lang)
        + el("g", labels, "labels", font_size="10.5", fill="#111")
        + radar_legend(record, reqs, lang)
    )
    return el(
        "svg", inner, "radar", viewBox=f"0 0 {SIZE_W} {SIZE_H}", width=str(SIZE_W), height=str(SIZE_H),
        role="img", aria_label=caption, font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    )
