"""The PDF report: the HTML report typeset on A4 by WeasyPrint, for a committee to sign and file.

It is the same document as the HTML report (`html.page` with the same blocks), given a
print style sheet and a table of contents: CSS paged media put the document's title in each
page's header, the audit id, the organisation and "page N / M" in its footer, and the contents'
page numbers come from `target-counter()`, so that they are the pages the sections land on.

The PDF is PDF/A-3b (archival: fonts embedded, an sRGB output intent, XMP metadata). Its
metadata take nothing from the clock: the creation date is the record's decision date, so that
the same record gives the same PDF, byte for byte, with the same WeasyPrint and fonts.

WeasyPrint is imported only here, on the first PDF, so that no other command pays for it; it
needs Pango, HarfBuzz and Fontconfig from the system, and says plainly which when they lack.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from typing import Any

from labelaudit.errors import LabelauditError
from labelaudit.i18n import tr
from labelaudit.model import Lang
from labelaudit.documents.accessors import Record
from labelaudit.documents.blocks import Block, Document
from labelaudit.documents.dossier import document
from labelaudit.documents.html import CSS, el, esc, page

PDF_VARIANT = "pdf/a-3b"
AUTHOR = "labelaudit"  # the record names no certification body: the report's author is the tool
PIP_PACKAGE = "weasyprint"
# What WeasyPrint loads at run time on Debian (gobject comes with Pango), and the fonts the
# report's style sheet names.
DEBIAN_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libharfbuzz-subset0", "libfontconfig1", "fonts-dejavu-core")



class PdfUnavailable(LabelauditError):
    """WeasyPrint or a library it loads is missing: one message, what to install, exit 2."""

    def __init__(self, detail: str) -> None:
        super().__init__(tr("report_pdf.unavailable", detail=detail, pip=PIP_PACKAGE, debian=" ".join(DEBIAN_PACKAGES)))


def weasyprint() -> Any:
    """The `weasyprint` module, imported now; its absence, or its libraries', as `PdfUnavailable`.

    WeasyPrint prints its own installation notice on standard output before a missing library
    makes it fail; that notice is swallowed, the one message of `PdfUnavailable` replaces it. Its
    import-time warnings (a HarfBuzz too old for subsetting) would be errors under `-W error`.
    """
    notice = io.StringIO()
    try:
        with contextlib.redirect_stdout(notice), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import weasyprint as module
    except ImportError as exc:
        raise PdfUnavailable(f"{exc.name or PIP_PACKAGE}: {exc}") from exc
    except OSError as exc:  # cffi's dlopen: "cannot load library 'libpango-1.0-0': …"
        raise PdfUnavailable(str(exc).splitlines()[0]) from exc
    return module


def render_pdf(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> bytes:
    """The report as PDF/A-3b bytes; the same record (and chain) and the same WeasyPrint give
    the same bytes. `committee`: the committee's blocks for the first page."""
    module = weasyprint()
    source = pdf_html(record, lang, committee)
    refuse_every_fetch = module.urls.URLFetcher(allowed_protocols=())  # the page is self-contained
    html = module.HTML(string=source, url_fetcher=refuse_every_fetch, media_type="print")
    with warnings.catch_warnings():
        # For PDF/A, WeasyPrint 70 reads its sRGB output-intent profile from a file it never
        # closes; CPython closes it at once, with a ResourceWarning that `-W error` would turn
        # into a message on stderr. Only that warning is silenced.
        warnings.filterwarnings("ignore", r".*sRGB2014\.icc", ResourceWarning)
        pdf: bytes = html.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


# ---------------------------------------------------------------- the page for print


def pdf_html(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> str:
    """The HTML that WeasyPrint typesets: the report's page, its print style, metadata, contents."""
    doc = document(record, lang, committee)
    return page(doc, record, head=metadata(record, doc), css=CSS + print_css(record, doc), preface=contents(doc))


def decision_date(record: Record) -> str | None:
    """The record's decision date (YYYY-MM-DD), the PDF's creation date; never the clock."""
    value = record.get("decided_on") or (record["audit"].get("dates") or {}).get("decision")
    return str(value) if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) else None


def metadata(record: Record, doc: Document) -> str:
    """`<meta>` elements that WeasyPrint turns into the PDF's information and XMP metadata."""
    from labelaudit import __version__

    audit = record["audit"]
    fields = [
        ("author", AUTHOR),
        ("description", tr("report_pdf.running", lang=doc.lang, id=audit["id"], org=audit["organisation"])),
        ("keywords", audit["id"]),
        ("generator", f"labelaudit {__version__}"),
    ]
    created = decision_date(record)
    if created:
        fields += [("dcterms.created", created), ("dcterms.modified", created)]
    return "".join(f'<meta name="{esc(name)}" content="{esc(value)}">' for name, value in fields)


def contents(doc: Document) -> str:
    """The table of contents: one link a section of the body, then the appendix and its
    sections; each page number is filled in by the CSS."""
    entries = [el("li", el("a", esc(s.title), href=f"#{s.anchor}")) for s in doc.sections]
    if doc.appendix:
        entries.append(el("li", el("a", esc(doc.appendix_title), href="#appendix"), "appendix-entry"))
        entries += [el("li", el("a", esc(s.title), href=f"#{s.anchor}"), "appendix-section") for s in doc.appendix]
    items = "".join(entries)
    return el("nav", el("h2", esc(tr("report_pdf.toc", lang=doc.lang))) + el("ol", items), "toc", id="toc")


def print_css(record: Record, doc: Document) -> str:
    """The page boxes (header, footer, page numbers) and the contents' leaders, after `CSS`."""
    audit = record["audit"]
    running = tr("report_pdf.running", lang=doc.lang, id=audit["id"], org=audit["organisation"])
    return PRINT_CSS.format(
        title=css_string(doc.title),
        running=css_string(running),
        page_number=page_number(doc.lang),
    )


PRINT_CSS = """
@page {{
  size: A4; margin: 18mm 15mm 17mm;
  @top-left {{ content: {title}; font: 8pt "DejaVu Sans", sans-serif; color: #333;
    vertical-align: bottom; padding-bottom: 2mm; margin-bottom: 4mm; border-bottom: 0.5pt solid #777; width: 100%; }}
  @bottom-left {{ content: {running}; font: 8pt "DejaVu Sans", sans-serif; color: #333;
    vertical-align: top; padding-top: 2mm; margin-top: 3mm; border-top: 0.5pt solid #777; width: 70%; }}
  @bottom-right {{ content: {page_number}; font: 8pt "DejaVu Sans", sans-serif; color: #333;
    vertical-align: top; padding-top: 2mm; margin-top: 3mm; border-top: 0.5pt solid #777; width: 30%; }}
}}
@page :first {{ @top-left {{ content: none; border: none; }} }}
body {{ max-width: none; margin: 0; padding: 0; }}
h1 {{ bookmark-level: none; }}
h2 {{ bookmark-level: 1; }}
h3 {{ bookmark-level: 2; }}
h4 {{ bookmark-level: none; }}
nav.toc {{ margin: 4mm 0 6mm; }}
nav.toc h2 {{ bookmark-level: none; }}
nav.toc ol {{ list-style: none; padding: 0; margin: 0; }}
nav.toc li {{ margin: 0.6mm 0; }}
nav.toc li.appendix-entry {{ margin-top: 2mm; font-weight: bold; }}
nav.toc li.appendix-section {{ padding-left: 4mm; }}
h1.appendix-title {{ bookmark-level: 1; }}
.appendix h2 {{ bookmark-level: 2; }}
.appendix h3 {{ bookmark-level: 3; }}
nav.toc a {{ color: inherit; text-decoration: none; }}
nav.toc a::after {{ content: leader(".") target-counter(attr(href), page); }}
table.kv {{ break-inside: avoid; }}
footer {{ break-before: avoid; }}
"""


def page_number(lang: Lang) -> str:
    """`page {page} / {pages}` of the catalogue as CSS content: texts and page counters."""
    parts = re.split(r"\{(page|pages)\}", tr("report_pdf.page", lang=lang, page="{page}", pages="{pages}"))
    return " ".join(f"counter({p})" if i % 2 else css_string(p) for i, p in enumerate(parts) if p)


def css_string(value: str) -> str:
    """Any text as a CSS string literal: every character but letters, digits and spaces escaped,
    so that no organisation's name can close the string, the rule or the `<style>` element."""
    return '"' + "".join(ch if ch.isalnum() and ch.isascii() or ch == " " else f"\\{ord(ch):06x} " for ch in value) + '"'
