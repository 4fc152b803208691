"""`labelaudit report RECORD --format pdf`: the HTML report typeset on A4 by WeasyPrint.

The demo audit is scored from its files (fixtures/demo), then its PDF report is written through
the real command in French and in English and read back with pypdf: the page count, the
decision and the organisation on page 1, the running header and footer (title, audit id,
organisation, "page N / M"), a table of contents whose page numbers are the pages its headings
land on (checked against the page text and the PDF's own outline), the metadata (title,
author, language, the record's decision date), embedded fonts, PDF/A-3b, the same figures as
the HTML report, the radar chart drawn, the same bytes from two processes, hostile text kept
as text, and a missing WeasyPrint or Pango said in one message.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from clirun import FIXTURES, REPO, run
from labelaudit import cli
from labelaudit.documents.commands import render
from labelaudit.documents.pdf import DEBIAN_PACKAGES, PRINT_CSS, css_string, pdf_html, render_pdf
from test_report import DECIMAL, Page

LANGS = ("fr", "en")
VERDICT = {"fr": "ACCORDÉ — niveau Confirmé", "en": "GRANTED — level Confirmed"}
ORGANISATION = "Mutuelle des Trois Rivières"
AUDIT_ID = "2026-MTR-001"
PAGE = {"fr": "page {page} sur {pages}", "en": "page {page} / {pages}"}
TOC = {"fr": "Sommaire", "en": "Contents"}
TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)$")
# Declarations of the shared (screen and print) style sheet that WeasyPrint does not know: the
# tick labels' white halo in the radar (SVG painting through CSS) and print-color-adjust
# (WeasyPrint prints backgrounds anyway). Nothing of the PDF's own style sheet may be ignored.
IGNORED_SHARED = {"paint-order: stroke", "stroke: #fff", "stroke-width: 3px", "print-color-adjust: exact"}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo audit scored from its files, as a user does, into a fresh record."""
    record = tmp_path_factory.mktemp("pdf") / "record.json"
    result = run("score", FIXTURES / "demo", "-o", record)
    assert result.code == 0, result
    return record


@pytest.fixture(scope="module")
def pdfs(scored: Path) -> dict[str, Path]:
    """The demo's PDF report written by `labelaudit report --format pdf`: in each language, and
    in French once more by another process (another hash seed), at the same time."""
    outs = {key: scored.parent / f"demo.{key}.pdf" for key in (*LANGS, "fr-again")}
    with ThreadPoolExecutor(len(outs)) as pool:
        jobs = {key: pool.submit(run, "report", scored, "--format", "pdf", "-o", out, lang=key[:2]) for key, out in outs.items()}
    for key, job in jobs.items():
        result = job.result()
        assert result.code == 0, result
        assert result.out == ("Rapport écrit : " if key.startswith("fr") else "Report written: ") + f"{outs[key]}\n"
        assert result.err == ""
    return outs


@pytest.fixture(scope="module")
def texts(pdfs: dict[str, Path]) -> dict[str, list[str]]:
    """Each PDF's text, page by page (pypdf takes a second or two a file: read once)."""
    return {lang: pages(path) for lang, path in pdfs.items()}


HOSTILE = 'Évil "}; @page { margin: 0 } </style><h1>x</h1> \\ » «'


@pytest.fixture(scope="module")
def hostile(scored: Path) -> tuple[bytes, list[str]]:
    """The English PDF of the demo with a hostile organisation name, and what WeasyPrint logged."""
    record = json.loads(scored.read_text("utf-8"))
    record["audit"]["organisation"] = HOSTILE
    logged: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda entry: logged.append(entry.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        data = render_pdf(record, "en")
    finally:
        logger.removeHandler(handler)
    return data, logged


def pages(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks as (depth, title, 1-based page), in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


# ---------------------------------------------------------------- pages, header, footer


@pytest.mark.parametrize("lang", LANGS)
def test_page_one_has_the_decision_and_the_organisation(pdfs: dict[str, Path], texts: dict[str, list[str]], lang: str) -> None:
    count = len(texts[lang])
    assert 15 <= count <= 60, count  # the demo fills about thirty A4 pages
    first = " ".join(texts[lang][0].split())
    assert VERDICT[lang] in first
    assert ORGANISATION in first
    assert AUDIT_ID in first
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdfs[lang]).pages}
    assert sizes == {(595, 842)}  # A4 in points


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_the_running_header_and_footer(pdfs: dict[str, Path], texts: dict[str, list[str]], lang: str) -> None:
    """Footer: audit id, organisation, "page N sur M" / "page N / M"; header: the title (not on page 1, which shows it large)."""
    title = PdfReader(pdfs[lang]).metadata.title
    count = len(texts[lang])
    for number, text in enumerate(texts[lang], 1):
        found = lines(text)
        assert f"Audit {AUDIT_ID} — {ORGANISATION} {PAGE[lang].format(page=number, pages=count)}" in found, (number, found[-3:])
        if number > 1:
            assert title in found, (number, found[-3:])


# ---------------------------------------------------------------- table of contents


@pytest.mark.parametrize("lang", LANGS)
def test_contents_list_every_section_at_the_page_it_starts(pdfs: dict[str, Path], texts: dict[str, list[str]], scored: Path, lang: str) -> None:
    reader = PdfReader(pdfs[lang])
    page_lines = [lines(t) for t in texts[lang]]
    toc_page = next(i for i, found in enumerate(page_lines) if TOC[lang] in found)
    entries = [(m["title"], int(m["page"])) for line in page_lines[toc_page] if (m := TOC_LINE.match(line))]

    record = json.loads(scored.read_text("utf-8"))
    html = render(record, "html", lang)
    assert isinstance(html, str)
    body, _, appendix = html.partition('<div class="appendix" id="appendix">')
    titles = [Page(t).text for t in re.findall(r'<section id="[^"]+"><h2>([^<]+)</h2>', body)]
    titles.append(Page(re.search(r'<h1 class="appendix-title">([^<]+)</h1>', appendix).group(1)).text)  # type: ignore[union-attr]
    titles += [Page(t).text for t in re.findall(r'<section id="[^"]+"><h2>([^<]+)</h2>', appendix)]
    assert [title for title, _ in entries] == titles  # every section, in order, then the appendix and its sections

    bookmarks = {title: page for depth, title, page in outline(reader) if depth <= 1}
    previous = 0
    for title, page in entries:
        assert bookmarks[title] == page, title  # where the PDF's own outline says the heading is
        assert title in page_lines[page - 1], (title, page)  # the heading is on that page
        earlier = [n for n in range(toc_page + 1, page - 1) if title in page_lines[n]]
        assert not earlier, (title, page, earlier)  # and not before it
        assert page >= previous
        previous = page


# ---------------------------------------------------------------- metadata, fonts, PDF/A


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_title_author_language_and_the_decision_date(pdfs: dict[str, Path], scored: Path, lang: str) -> None:
    reader = PdfReader(pdfs[lang])
    record = json.loads(scored.read_text("utf-8"))
    info = reader.metadata
    assert info.title == ("Rapport d'audit de label — " if lang == "fr" else "Label audit report — ") + ORGANISATION
    assert info.author == "labelaudit"
    assert info.subject == f"Audit {AUDIT_ID} — {ORGANISATION}"
    assert info["/CreationDate"] == info["/ModDate"] == "D:" + record["decided_on"].replace("-", "")  # not the clock
    assert reader.trailer["/Root"]["/Lang"] == lang
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title == {"x-default": info.title}


def test_fonts_are_embedded_and_the_file_claims_pdf_a_3b(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["fr"])
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts  # every font embedded
    assert {name.split("+", 1)[1] for name in fonts} >= {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Mono"}
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


# ---------------------------------------------------------------- the same content as the HTML


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_shows_the_figures_of_the_html_report(texts: dict[str, list[str]], scored: Path, lang: str) -> None:
    """Every decimal the HTML report shows (tables, radar, reasons), and no other, is in the PDF."""
    record = json.loads(scored.read_text("utf-8"))
    html_decimals = set(DECIMAL.findall(Page(render(record, "html", lang)).text))  # type: ignore[arg-type]
    pdf_decimals = set(DECIMAL.findall("\n".join(texts[lang])))
    assert html_decimals and pdf_decimals == html_decimals


def test_the_radar_chart_is_drawn(pdfs: dict[str, Path], texts: dict[str, list[str]], scored: Path) -> None:
    """The inline SVG is rendered: its legend and ring values are text of its page, its rings,
    axes and series are paths."""
    record = json.loads(scored.read_text("utf-8"))
    page = next(t for t in texts["en"] if "Element profile by source" in lines(t))
    flat = " ".join(page.split())
    for source, share in record["tree"]["sources"].items():
        title = {"onsite": "On-site evaluation", "customer": "Customer perception", "employee": "Employee perception"}[source]
        assert f"{title} — {share['percent']}%" in flat  # the legend, drawn only in the SVG
    for ring in ("25%", "50%", "75%", "100%"):
        assert ring in flat
    reader = PdfReader(pdfs["en"])
    number = texts["en"].index(page)
    content = reader.pages[number].get_contents().get_data()
    assert content.count(b" l\n") > 40 or content.count(b" l ") > 40  # the rings, axes and series are paths


def test_the_pdf_page_is_the_html_page_with_contents_and_print_style(scored: Path) -> None:
    """One renderer: the PDF's HTML is the report's page plus the contents and the print style."""
    record = json.loads(scored.read_text("utf-8"))
    html, printed = render(record, "html", "fr"), pdf_html(record, "fr")
    assert isinstance(html, str)
    body = html.split("<body>", 1)[1]
    without_toc = re.sub(r'<nav class="toc" id="toc">.*?</nav>\n', "", printed.split("<body>", 1)[1], flags=re.S)  # after the decision
    assert without_toc == body
    assert "Content-Security-Policy" not in printed and 'rel="icon"' not in printed  # the screen's head only


def test_weasyprint_ignores_nothing_of_the_print_style(hostile: tuple[bytes, list[str]]) -> None:
    _, logged = hostile
    ignored = {m.group(1) for message in logged if (m := re.match(r"Ignored `([^`]+)`", message))}
    others = [message for message in logged if not message.startswith("Ignored `")]
    assert not others, others  # no unreadable CSS value, no fetch attempted, no font missing
    assert ignored <= IGNORED_SHARED, ignored - IGNORED_SHARED
    assert not any(declaration.split(":")[0] in PRINT_CSS for declaration in ignored)


# ---------------------------------------------------------------- reproducible, hostile text


def test_the_same_record_gives_the_same_bytes_in_another_process(pdfs: dict[str, Path]) -> None:
    """Nothing from the clock, no random identifier: two runs, two processes, the same bytes."""
    assert pdfs["fr-again"].read_bytes() == pdfs["fr"].read_bytes()
    assert pdfs["en"].read_bytes() != pdfs["fr"].read_bytes()


def test_hostile_names_stay_text_in_the_page_boxes_and_the_body(hostile: tuple[bytes, list[str]]) -> None:
    data, _ = hostile
    reader = PdfReader(io.BytesIO(data))
    first, second = (lines(reader.pages[i].extract_text()) for i in (0, 1))
    assert f"Audit {AUDIT_ID} — {HOSTILE} page 1 / {len(reader.pages)}" in first  # the footer, verbatim
    assert f"Label audit report — {HOSTILE}" in second  # the header
    assert reader.metadata.title == f"Label audit report — {HOSTILE}"
    assert css_string('a"b\\c</style>') == '"a\\000022 b\\00005c c\\00003c \\00002f style\\00003e "'


# ---------------------------------------------------------------- WeasyPrint only when needed


def test_other_commands_never_import_weasyprint(scored: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from labelaudit.cli import main; import labelaudit.documents.pdf;"
        f"assert main(['report', sys.argv[1], '--format', 'html', '-o', sys.argv[2]]) == 0;"
        "assert main(['check', sys.argv[3]]) == 0;"
        "sys.exit('weasyprint' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(scored), str(tmp_path / "r.html"), str(FIXTURES / "demo")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_missing_weasyprint_is_one_message_naming_what_to_install(scored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    out = tmp_path / "r.pdf"
    code = contextvars.copy_context().run(cli.main, ["report", str(scored), "--format", "pdf", "--lang", "fr", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert len(captured.err.splitlines()) == 1, captured.err
    assert "le format pdf a besoin de WeasyPrint" in captured.err
    assert "pip install weasyprint" in captured.err and "apt-get install " + " ".join(DEBIAN_PACKAGES) in captured.err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_missing_pango_is_one_message_and_no_weasyprint_notice(scored: Path, tmp_path: Path) -> None:
    """The real WeasyPrint import, with Pango's library made unloadable: its notice on stdout is
    swallowed, and the one message names the library and the packages to install."""
    code = (
        "import sys, cffi\n"
        "real = cffi.FFI.dlopen\n"
        "def dlopen(self, name, flags=0):\n"
        "    if 'pango-1.0' in str(name):\n"
        "        raise OSError(f'cannot load library {name!r}: {name}: cannot open shared object file')\n"
        "    return real(self, name, flags)\n"
        "cffi.FFI.dlopen = dlopen\n"
        "from labelaudit.cli import main\n"
        "sys.exit(main(['report', sys.argv[1], '--format', 'pdf', '-o', sys.argv[2]]))\n"
    )
    out = tmp_path / "r.pdf"
    env = {**os.environ, "LABELAUDIT_LANG": "en"}
    done = subprocess.run([sys.executable, "-c", code, str(scored), str(out)], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "the pdf format needs WeasyPrint" in done.stderr and "libpango-1.0" in done.stderr
    assert "apt-get install libpango-1.0-0" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_ci_installs_the_libraries_the_message_names() -> None:
    """The packages the missing-library message tells a user to install are those CI installs."""
    script = (REPO / ".ci" / "run").read_text("utf-8")
    listed = re.search(r"^DEBIAN_PACKAGES=\(([^)]*)\)", script, re.M)
    assert listed is not None
    assert set(DEBIAN_PACKAGES) <= set(listed.group(1).split())
