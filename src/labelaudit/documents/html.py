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

from attrs import frozen

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
.committee { border: 1.2pt solid #111; padding: 1mm 3mm 2mm; margin: 2mm 0; }
.committee h3 { margin-top: 1mm; break-after: avoid; page-break-after: avoid; }
.committee .final { margin: 1.5mm 0; break-before: avoid; page-break-before: avoid; }
.committee table { font-size: 7.5pt; }
.committee th, .committee td { padding: 0.6mm 1.2mm; }
.final { border: 1.2pt solid #111; padding: 1.5mm 3mm; margin: 1.5mm 0 0; font-weight: bold; }
.final.granted { background: #e3f2e6; }
.final.refused { background: #fbe4e1; }
.final.deferred { background: #fff1d6; }
p.verified { margin: 1mm 0; }
li.decisive::marker { font-weight: bold; }
.appendix { break-before: page; page-break-before: always; }
h1.appendix-title { font-size: 15pt; margin: 0 0 2mm; }
table.findings { font-size: 7.5pt; }
table.findings th, table.findings td { padding: 0.8mm 1.2mm; }
table.findings td:nth-child(4) { width: 58%; }
table.elements td:first-child { width: 34%; }
table.elements tr.sub td:first-child { padding-left: 4mm; }
.appendix section + section { break-before: page; page-break-before: always; }
p.flag { margin: 1mm 0; }
.derived { font-style: italic; border-left: 2pt solid #777; padding-left: 2mm; }
.digest { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; word-break: break-all; }
ul, ol { margin: 1mm 0 2mm; padding-left: 6mm; }
li { margin: 0.5mm 0; }
ul.gaps { columns: 2; column-gap: 6mm; font-size: 8pt; }
figure { margin: 2mm 0; }
figure svg { display: block; width: 100%; max-width: 165mm; height: auto; margin: 0 auto; }
figcaption { font-size: 8.5pt; color: #333; }
svg .tick { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.obs { border-left: 1pt solid #999; padding-left: 2mm; margin: 1.5mm 0 2.5mm; font-size: 8.5pt; }
.obs .who { font-weight: bold; }
.obs .refs { font-size: 8pt; color: #333; }
footer { margin-top: 8mm; font-size: 8pt; color: #333; border-top: 0.5pt solid #777; padding-top: 2mm; }
@media print { body { max-width: none; padding: 0; } h2 { margin-top: 6mm; } }
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_html(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> str:
    """The whole report as one HTML document; the same record (and chain) gives the same bytes.

    `committee`: the committee's blocks for the first page (`votes.committee_blocks`)."""
    screen = (
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'  # no favicon request
    )
    return page(document(record, lang, committee), record, head=screen)


def page(doc: Document, record: Record, *, head: str = "", css: str = CSS, preface: str = "") -> str:
    """The report's page: `head` (HTML) joins the title, `css` is the one style sheet, and
    `preface` (HTML) comes after the first section (the decision, which page 1 keeps).

    The PDF report (`documents.pdf`) calls this with its print style sheet and its table of
    contents, so that both formats are the same document. The appendix starts on a new page.
    """
    head = '<meta charset="utf-8">' + head + el("title", esc(doc.title)) + el("style", css)
    sections = [section(s, record, doc) for s in doc.sections]
    appendix = ""
    if doc.appendix:
        title = el("h1", esc(doc.appendix_title), "appendix-title")
        appendix = el("div", title + "".join(section(s, record, doc) for s in doc.appendix), "appendix", id="appendix")
    parts = [el("header", blocks(doc.header, record, doc)), *sections[:1], preface, *sections[1:], appendix, el("footer", esc(doc.footer))]
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
        entries = "".join(el("li", el("strong", esc(x)), "decisive") if i in b.marked else el("li", esc(x)) for i, x in enumerate(b.items))
        return el("ol" if b.ordered else "ul", entries, b.name, **({"id": b.name} if b.ordered and b.name else {}))
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
    if p.style == "final":
        return el("div", esc(p.text), f"final {p.status}", id="final-decision")
    if p.style == "flag":
        return el("p", el("strong", esc(p.text)), f"flag {p.status}".strip())
    if p.style == "verified":
        return el("p", esc(p.text), "verified")
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
FONT_SIZE = 10.5
# A label's box from its characters: DejaVu Sans advances about 0.55 em on average; 0.62 em
# and the ascent and descent of its em box leave the real text inside the box.
CHAR_WIDTH = 0.62 * FONT_SIZE
ASCENT, DESCENT = 0.95 * FONT_SIZE, 0.3 * FONT_SIZE
MARGIN = 6  # between the 100 % ring (and its markers) and any label
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


@frozen
class Label:
    """An axis label placed: its anchor point, first baseline, lines, and the box it covers
    (from a generous estimate of the font's advance, so that the real text stays inside)."""

    x: float
    first: float
    anchor: str
    lines: tuple[str, ...]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


def _box(x: float, first: float, anchor: str, lines: tuple[str, ...]) -> tuple[float, float, float, float]:
    width = max(len(line) for line in lines) * CHAR_WIDTH
    x0 = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return (x0, first - ASCENT, x0 + width, first + (len(lines) - 1) * LINE_HEIGHT + DESCENT)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clear_of_the_chart(box: tuple[float, float, float, float]) -> bool:
    """Whether a box stays outside the 100 % ring (every value and marker lies within it)."""
    nearest_x, nearest_y = min(max(CX, box[0]), box[2]), min(max(CY, box[1]), box[3])
    return math.hypot(nearest_x - CX, nearest_y - CY) > RADIUS + MARGIN


def label_layout(texts: list[tuple[list[str], str]]) -> list[Label]:
    """Each axis label at the end of its axis, anchored away from the chart; a label that would
    touch the ring or its neighbour is pushed outward along its axis until it is clear."""
    count, placed = len(texts), list[Label]()
    for index, (lines, value) in enumerate(texts):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        every = (*lines, value)
        for step in range(60):
            x, y = axis_point(index, count, 1 + (16 + 4 * step) / RADIUS)
            total = len(every)
            if sin < -0.5:
                first = y - (total - 1) * LINE_HEIGHT
            elif sin > 0.5:
                first = y + LINE_HEIGHT - 2
            else:
                first = y - (total - 1) * LINE_HEIGHT / 2 + 4
            box = _box(x, first, anchor, every)
            if clear_of_the_chart(box) and not any(overlaps(box, other.box) for other in placed):
                break
        placed.append(Label(x, first, anchor, every, box))
    return placed


def axis_label(label: Label) -> str:
    """One label: the element's lines, then its overall attainment."""
    spans = [el("tspan", esc(line), x=fmt(label.x), y=fmt(label.first + i * LINE_HEIGHT)) for i, line in enumerate(label.lines[:-1])]
    last = len(label.lines) - 1
    spans.append(el("tspan", esc(label.lines[-1]), "value", x=fmt(label.x), y=fmt(label.first + last * LINE_HEIGHT)))
    return el("text", "".join(spans), "axis-label", text_anchor=label.anchor)


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


def runs(values: list[str | None]) -> list[list[int]]:
    """The axes with data in unbroken runs, around the circle: `[[8, 0, 1], [3, 4]]`; one run
    of every axis when nothing is missing."""
    count = len(values)
    present = [v is not None for v in values]
    if all(present):
        return [list(range(count))]
    start = next(i for i in range(count) if not present[i])  # begin after a gap
    found: list[list[int]] = []
    current: list[int] = []
    for step in range(1, count + 1):
        index = (start + step) % count
        if present[index]:
            current.append(index)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def series_path(values: list[str | None]) -> tuple[str, bool]:
    """The SVG path of one source: closed when every element has a value, else one open line
    per run of values, with a gap where an element has none (never a point at the centre,
    which would read as 0 %). A lone value between two gaps is its marker alone."""
    count, parts = len(values), []
    closed = all(v is not None for v in values)
    for run in runs(values):
        points = [axis_point(i, count, float(values[i] or 0) / 100) for i in run]
        parts.append("M" + " L".join(f"{fmt(x)},{fmt(y)}" for x, y in points) + (" Z" if closed else ""))
    return " ".join(parts), closed


def radar_series(record: Record, reqs: list[dict[str, Any]], lang: Lang) -> str:
    """One path per source that has data, its markers at its values only."""
    groups = []
    for index, source in enumerate(sources(record)):
        colour, dash, shape = STYLES[index % len(STYLES)]
        values = source_values(reqs, source)
        if all(v is None for v in values):
            continue
        d, closed = series_path(values)
        path = el(
            "path", cls="series", d=d, fill=colour if closed else "none", fill_opacity="0.10", stroke=colour,
            stroke_width="2", stroke_dasharray=dash or "none", stroke_linejoin="round", data_source=source,
        )
        marks = "".join(
            marker(shape, *axis_point(i, len(values), float(v) / 100), colour, False, "mark") for i, v in enumerate(values) if v is not None
        )
        title = el("title", esc(f"{source_title(source, lang)}{colon(lang)}" + ", ".join(pct({"percent": v}, lang) for v in values)))
        groups.append(el("g", title + path + marks, "source", data_source=source))
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


def radar_labels(record: Record, lang: Lang) -> list[Label]:
    """The axis labels as placed: each element's number and title, and its attainment."""
    return label_layout([(wrap(label), pct(r.get("attainment"), lang)) for label, r in numbered(record, lang)])


def radar_svg(record: Record, lang: Lang) -> str:
    """The radar of the elements as hand-written SVG geometry (no script, no library)."""
    elements = list(numbered(record, lang))
    reqs = [r for _, r in elements]
    labels = "".join(axis_label(label) for label in radar_labels(record, lang))
    caption = tr("report.radar_caption", lang=lang)
    inner = (
        el("title", esc(caption))
        + radar_grid(len(reqs), lang)
        + radar_series(record, reqs, lang)
        + el("g", labels, "labels", font_size=str(FONT_SIZE), fill="#111")
        + radar_legend(record, reqs, lang)
    )
    return el(
        "svg", inner, "radar", viewBox=f"0 0 {SIZE_W} {SIZE_H}", width=str(SIZE_W), height=str(SIZE_H),
        role="img", aria_label=caption, font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    )
