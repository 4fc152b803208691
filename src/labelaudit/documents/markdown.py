"""The Markdown report: the blocks of `dossier.document` as headings, lists and tables.

The radar chart becomes its caption; its values follow as a table, as in the HTML report. Every
text from the record is escaped twice over: `<`, `>` and `&` as HTML entities (Markdown viewers
pass raw HTML through) and Markdown's own punctuation with backslashes, so that a name can
neither become markup nor break a table (`|`, line breaks).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from labelaudit.model import Lang
from labelaudit.documents.accessors import Record, colon
from labelaudit.documents.blocks import Block, Box, Cell, Chart, Heading, Items, Note, Para, Row, Table
from labelaudit.documents.dossier import document

_SPECIALS = re.compile(r"([\\`*_\[\]|#~])")


def md(value: Any) -> str:
    """Any value as inline Markdown text: HTML-escaped, punctuation escaped, on one line."""
    flat = " ".join(str(value).split())
    return _SPECIALS.sub(r"\\\1", html.escape(flat, quote=False))


def render_md(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> str:
    """The whole report as Markdown; the same record (and chain) gives the same bytes."""
    doc = document(record, lang, committee)
    parts = [blocks(doc.header, lang)]
    parts += [f"## {md(s.title)}\n\n" + blocks(s.blocks, lang) for s in doc.sections]
    if doc.appendix:
        parts.append(f"# {md(doc.appendix_title)}\n")
        parts += [f"## {md(s.title)}\n\n" + blocks(s.blocks, lang) for s in doc.appendix]
    parts.append(f"---\n\n{md(doc.footer)}\n")
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def blocks(items: Iterable[Block], lang: Lang) -> str:
    return "".join(block(b, lang) + "\n" for b in items)


def block(b: Block, lang: Lang) -> str:
    """One block as Markdown, ending with a newline; a blank line separates blocks."""
    if isinstance(b, Heading):
        return f"{'#' * b.level} {md(b.text)}\n"
    if isinstance(b, Para):
        return para(b)
    if isinstance(b, Items):
        return "".join(f"{f'{i}.' if b.ordered else '-'} {item(x, i - 1 in b.marked)}\n" for i, x in enumerate(b.items, 1))
    if isinstance(b, Table):
        return table(b)
    if isinstance(b, Box):
        return blocks(b.blocks, lang).rstrip("\n") + "\n"
    if isinstance(b, Note):
        return note(b, lang)
    if isinstance(b, Chart):
        return f"{md(b.caption)}\n"
    raise TypeError(f"unknown block {b!r}")


def item(text: str, marked: bool) -> str:
    """A list item; a decisive one (a refusal, a cap) in bold."""
    return f"**{md(text)}**" if marked else md(text)


def para(p: Para) -> str:
    if p.style in ("verdict", "flag", "final"):
        return f"**{md(p.text)}**\n"
    if p.style in ("muted", "derived"):
        return f"*{md(p.text)}*\n"
    return f"{md(p.text)}\n"


def table(tb: Table) -> str:
    """A pipe table; numeric columns are right-aligned; a spanning cell is followed by blanks."""
    head = ("", "") if tb.keyvalue else tb.head
    align = ["---:" if i in tb.numeric else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(md(h) for h in head) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row(r, tb.keyvalue)) + " |" for r in tb.rows]
    return "\n".join(lines) + "\n"


def row(r: Row, keyvalue: bool) -> list[str]:
    cells: list[str] = []
    for i, c in enumerate(r.cells):
        text = cell(c)
        if i == 0 and (keyvalue or "group" in r.kinds) and text:
            text = f"**{text}**"
        if i == 0 and "sub" in r.kinds:
            text = f"↳ {text}"
        cells += [text or " "] + [" "] * (c.span - 1)
    return cells


def cell(c: Cell) -> str:
    content = "; ".join(md(x) for x in c.items) if c.items else md(c.text)
    if c.strong and content:
        content = f"**{content}**"
    if c.lead:
        content = f"**{md(c.lead)}** {content}"
    return content


def note(n: Note, lang: Lang) -> str:
    """An observation as a list item: who and where, then the text and the evidence consulted."""
    lines = [f"- **{md(n.title)}**"]
    lines += [f"  - {md(x)}" for x in n.paragraphs]
    if n.references:
        lines.append(f"  - *{md(n.references_label)}*{colon(lang)}{md(' · '.join(n.references))}")
    return "\n".join(lines) + "\n"
