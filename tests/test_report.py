"""`labelaudit report`: HTML and Markdown reports drawn from the golden decision records.

Checks what a committee relies on: the outcome comes first, every element is there, every
number is one the record holds (the pyramid means apart, which are labelled and checked here
against an independent exact computation), both languages, escaping of hostile text, a
self-contained page, the same bytes for the same record, and no overwriting by accident.
"""

from __future__ import annotations

import argparse
import contextvars
import copy
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from labelaudit import cli
from labelaudit.errors import InputError
from labelaudit.numbers import percent
from decimal import Decimal

from labelaudit.documents.accessors import pyramid, weight_text
from labelaudit.documents.reasons import reason_text
from labelaudit.i18n import formatting
from labelaudit.documents.commands import cmd_report, render

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
RECORDS = sorted(p.stem for p in GOLDEN.glob("*.json"))
LANGS = ("fr", "en")
VOID = {"meta", "link", "br", "wbr", "img", "input", "hr", "col", "area", "base", "source", "track", "embed", "param"}
SVG_EMPTY = {"polygon", "line", "circle", "rect", "path", "polyline", "ellipse"}
DECIMAL = re.compile(r"-?\d+\.\d+")
VERDICT = {
    "fr": {"granted": "ACCORDÉ", "refused": "REFUSÉ", "deferred": "AJOURNÉ"},
    "en": {"granted": "GRANTED", "refused": "REFUSED", "deferred": "DEFERRED"},
}


def load(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return load("demo")


class Page(HTMLParser):
    """The visible text of an HTML page (outside <style> and <title>) and its tag balance."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.chunks: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1] not in ("style", "title"):
            self.chunks.append(data)

    @property
    def text(self) -> str:
        """Runs of ASCII white space as one space; no-break spaces (`72,0\u00a0%`) are kept."""
        return " ".join(re.split(r"[ \t\n\r\f\v]+", " ".join(self.chunks))).strip()


def strings(node: Any) -> Iterator[str]:
    """Every string and number of a record, recursively."""
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, (str, int)) and not isinstance(node, bool):
        yield str(node)


def record_decimals(record: dict[str, Any]) -> set[str]:
    """Every decimal the record writes, and the decimal form of its exact fractions (a weight
    `3/2` is shown `1.5` in the body)."""
    found = {m for s in strings(record) for m in DECIMAL.findall(s)}
    for s in strings(record):
        if re.fullmatch(r"-?\d+/\d+", s):
            found.add(weight_text(s, "en"))
    return found


def pyramid_means(record: dict[str, Any]) -> set[str]:
    """The report's own figures, computed independently here from the exact fractions."""
    means = set()
    for level in (1, 2, 3, 4):
        values = [
            Fraction(c["attainment"]["exact"])
            for d in record["tree"]["dimensions"]
            for r in d["requirements"]
            for c in r["criteria"]
            if c["pyramid"] == level and c["assessed"] and not c["excluded"]
        ]
        if values:
            means.add(str(percent(sum(values, Fraction(0)) / len(values))))
    return means


def all_requirements(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for d in record["tree"]["dimensions"] for r in d["requirements"]]


def pct(value: str | None, lang: str) -> str:
    """A record percentage as the locale writes it: `72,0\u00a0%` in French, `72.0%` in English."""
    return "—" if value is None else formatting.percent(Decimal(value), lang)


def num(value: str, lang: str) -> str:
    """A record decimal as the locale writes it: `733,9` in French, `733.9` in English."""
    return formatting.number(Decimal(value), lang)


# ---------------------------------------------------------------- structure and content


@pytest.mark.parametrize("name", RECORDS)
@pytest.mark.parametrize("lang", LANGS)
def test_html_is_well_formed_and_outcome_comes_first(name: str, lang: str) -> None:
    record = load(name)
    html = render(record, "html", lang)
    page = Page(html)
    assert page.errors == [] and page.stack == []
    assert html.startswith("<!DOCTYPE html>\n") and f'<html lang="{lang}">' in html
    sections = re.findall(r'<section id="([a-z-]+)">', html)
    appendix = ["app-criteria", "app-pyramid-detail", "app-site-detail", "app-gaps", "app-notes", "app-inputs"]
    assert sections == ["outcome", "radar", "results", "findings", *appendix]
    verdict = VERDICT[lang][record["outcome"]["status"]]
    body = page.text
    points = num(record["outcome"]["points"]["shown"], lang)
    assert body.index(verdict) < body.index(points) < body.index(all_requirements(record)[0]["title"][lang])
    assert html.index('id="verdict"') < html.index("<svg")


@pytest.mark.parametrize("name", RECORDS)
@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_the_same_sections_outcome_first(name: str, lang: str) -> None:
    record = load(name)
    md = render(record, "md", lang)
    html_sections = re.findall(r"<h2>([^<]+)</h2>", render(record, "html", lang))
    md_sections = re.findall(r"^## (.+)$", md, flags=re.M)
    assert md_sections == [s.replace("&#x27;", "'") for s in html_sections]
    verdict = VERDICT[lang][record["outcome"]["status"]]
    assert md.index(verdict) < md.index("## ", md.index("## ") + 1)
    assert "<svg" not in md


@pytest.mark.parametrize("name", RECORDS)
def test_every_requirement_and_criterion_appears(name: str) -> None:
    record = load(name)
    for lang in LANGS:
        text = Page(render(record, "html", lang)).text
        md = render(record, "md", lang)
        for r in all_requirements(record):
            assert r["title"][lang] in text
            assert r["title"][lang] in md.replace("\\", "")
            for c in r["criteria"]:
                assert c["id"] in text and c["title"][lang] in text
                assert c["id"] in md


@pytest.mark.parametrize("name", RECORDS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_every_decimal_shown_is_a_number_of_the_record(name: str, fmt: str) -> None:
    record = load(name)
    out = render(record, fmt, "en")
    text = Page(out).text if fmt == "html" else out
    shown = set(DECIMAL.findall(text))
    assert shown, "the report shows numbers"
    assert shown - record_decimals(record) - pyramid_means(record) == set()


def test_demo_numbers_match_the_record(demo: dict[str, Any]) -> None:
    for lang in LANGS:
        html = render(demo, "html", lang)
        text = Page(html).text
        outcome = demo["outcome"]
        assert num(outcome["points"]["shown"], lang) in text and num(demo["scheme"]["max_points"], lang) in text
        assert pct(outcome["coverage"]["percent"], lang) in text
        for r in all_requirements(demo):
            row = re.search(rf'<h3 id="req-{r["id"]}">.*?</table>', html, flags=re.S)
            assert row and pct(r["attainment"]["percent"], lang) in row.group(0)
            for c in r["criteria"]:
                crow = re.search(rf"<tr class=\"group[^\"]*\"><td colspan=\"5\">{re.escape(c['id'])} —.*?</tr>", html)
                assert crow, c["id"]
                assert pct(c["attainment"]["percent"], lang) in crow.group(0)
                assert pct(c["coverage"]["percent"], lang) in crow.group(0)
                assert f">{c['weight']}<" in crow.group(0)
        for s in demo["sites"]:
            assert num(s["points"]["shown"], lang) in text and pct(s["attainment"]["percent"], lang) in text
        for source, share in demo["tree"]["sources"].items():
            assert pct(share["percent"], lang) in text
        for f in demo["findings"]:
            assert " ".join(f["text"].split()) in text


def test_binding_measures_are_shown(demo: dict[str, Any]) -> None:
    html = render(demo, "html", "en")
    binding = all_requirements(demo)[0]["criteria"][0]["bindings"][1]
    row = re.search(rf"<tr class=\"sub[^\"]*\"><td>{re.escape(binding['id'].replace('/', '/<wbr>'))}</td>.*?</tr>", html)
    assert row
    measure = binding["measure"]
    for part in (measure["value"]["shown"], str(measure["n"]), measure["low"]["shown"], measure["high"]["shown"], binding["attainment"]["percent"]):
        assert part in row.group(0)
    assert f"{binding['floor']} → {binding['target']}" in row.group(0)  # the curve's exact fractions, in the appendix


def test_gates_fired_and_passed(demo: dict[str, Any]) -> None:
    refused = load("refused")
    text = Page(render(refused, "html", "en")).text
    fired = [g for g in refused["gates"] if g["fired"]]
    assert fired and "FIRED" in text
    for g in fired:
        for subject in g["subjects"]:
            assert subject["en"] in text
    assert "FIRED" not in Page(render(demo, "html", "en")).text
    assert Page(render(demo, "html", "fr")).text.count("franchie") == len(demo["gates"])


def test_deferred_lists_every_evidence_gap() -> None:
    deferred = load("deferred")
    text = Page(render(deferred, "html", "fr")).text
    assert "AJOURNÉ" in text and "sans résultat" in text
    for reason in deferred["outcome"]["reasons"]:  # the record's words, its numbers in the locale's form
        assert reason_text(deferred, reason, "fr") in text, reason["fr"]
    assert "couverture 25,3\u00a0% inférieure au minimum 70\u00a0%" in text


def test_pyramid_groups_criteria_and_labels_its_mean(demo: dict[str, Any]) -> None:
    levels = pyramid(demo)
    assert [lv.number for lv in levels] == [1, 2, 3, 4]
    ids = sorted(c["id"] for lv in levels for c in lv.criteria)
    assert ids == sorted(c["id"] for r in all_requirements(demo) for c in r["criteria"])
    assert all(c["pyramid"] == lv.number for lv in levels for c in lv.criteria)
    text_en = Page(render(demo, "html", "en")).text
    text_fr = Page(render(demo, "html", "fr")).text
    for name in ("Core promise", "Complaints and problems", "Individual service", "Surprise and delight"):
        assert name in text_en
    for name in ("Promesse de base", "Réclamations et problèmes", "Service individualisé", "Surprise et enchantement"):
        assert name in text_fr
    assert "computed by this report" in text_en and "calculée par ce rapport" in text_fr
    for mean in pyramid_means(demo):
        assert f"{mean}%" in text_en


def test_radar_has_one_series_per_source_with_data_and_nine_axes() -> None:
    for name in RECORDS:
        record = load(name)
        html = render(record, "html", "en")
        reqs = all_requirements(record)
        with_data = {s for r in reqs for s, v in r["sources"].items() if v["percent"] is not None}
        assert sorted(re.findall(r'<path class="series" [^>]*data-source="([^"]+)"', html)) == sorted(with_data)
        assert html.count('<line class="axis"') == len(reqs)
        if record["scheme"]["id"] == "en16880":
            assert len(reqs) == 9  # the standard's nine elements
    deferred = render(load("deferred"), "html", "en")
    assert re.findall(r'<path class="series" [^>]*data-source="([^"]+)"', deferred) == ["onsite"]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_borderline_shows_both_outcomes(demo: dict[str, Any], fmt: str) -> None:
    record = copy.deepcopy(demo)
    record["stability"] = {
        "checked": True,
        "borderline": True,
        "pessimistic": {"status": "refused", "level": None, "points": "640.2", "gates_fired": ["customer-perception"]},
        "optimistic": {"status": "granted", "level": "excellence", "points": "801.0", "gates_fired": []},
        "sensitive_bindings": [
            {"criterion": "design.2", "binding": "customer/C07/top2box", "pessimistic_points": "645.0", "optimistic_points": "700.1"}
        ],
    }
    expected = {
        "en": ("BORDERLINE", "Pessimistic", "REFUSED", "Optimistic", "GRANTED — level Excellence"),
        "fr": ("LIMITE", "Pessimiste", "REFUSÉ", "Optimiste", "ACCORDÉ — niveau Excellence"),
    }
    for lang, words in expected.items():
        out = render(record, fmt, lang)
        text = Page(out).text if fmt == "html" else out
        numbers = tuple(num(x, lang) for x in ("640.2", "801.0", "645.0", "700.1"))
        gate = "La perception client atteint au moins 50" if lang == "fr" else "Customer perception reaches at least 50"
        for word in words + numbers + (gate,):
            assert word in text, (lang, word)
        assert text.index(words[0]) < text.index(all_requirements(record)[0]["title"][lang])


def test_french_and_english_texts(demo: dict[str, Any]) -> None:
    fr = Page(render(demo, "html", "fr")).text
    en = Page(render(demo, "html", "en")).text
    assert "Décision proposée et motifs" in fr and "ACCORDÉ — niveau Confirmé" in fr and "Observations de l'auditeur" in fr
    assert "Proposed decision and reasons" in en and "GRANTED — level Confirmed" in en and "auditor's observations" in en
    assert "Proposed decision" not in fr and "Décision proposée" not in en
    assert "72,0\u00a0%" in fr and "72.0%" in en and "72.0" not in fr  # numbers in the reader's locale
    assert "20 novembre 2026" in fr and "November 20, 2026" in en


def test_inputs_digests_and_plugins_appear(demo: dict[str, Any]) -> None:
    for fmt in ("html", "md"):
        out = render(demo, fmt, "en")
        for name, digest in {**demo["inputs"], **demo["scheme"]["rulesets"]}.items():
            assert digest in out and name.replace("_", "\\_" if fmt == "md" else "_") in out
        assert demo["audit"]["digest"] in out
        for plugin in demo["plugins"]:
            assert plugin["name"] in out and plugin["version"] in out


# ---------------------------------------------------------------- safety


HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> | *bold* [link](http://evil.example)'


def hostile_record(demo: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(demo)
    record["audit"]["organisation"] = HOSTILE
    record["audit"]["scope"] = "line one\nline two | <b>"
    record["findings"][0]["text"] = HOSTILE
    record["tree"]["dimensions"][0]["requirements"][0]["title"]["en"] = HOSTILE
    record["tree"]["dimensions"][0]["requirements"][0]["criteria"][0]["bindings"][0]["evidence"][0]["observations"] = [HOSTILE]
    record["audit"]["sites"][0]["name"] = HOSTILE
    record["sites"][0]["name"] = HOSTILE
    return record


def test_html_escapes_hostile_text(demo: dict[str, Any]) -> None:
    html = render(hostile_record(demo), "html", "en")
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    page = Page(html)
    assert page.errors == [] and page.stack == []
    assert {tag for tag, _ in page.tags} <= {
        "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "section", "table",
        "thead", "tbody", "tr", "th", "td", "div", "p", "ul", "ol", "li", "strong", "em", "span", "br", "wbr", "footer",
        "figure", "figcaption", "svg", "g", "polygon", "path", "line", "circle", "rect", "text", "tspan",
    }
    assert HOSTILE in page.text  # shown as text, exactly


def test_markdown_escapes_hostile_text(demo: dict[str, Any]) -> None:
    md = render(hostile_record(demo), "md", "en")
    assert "<script" not in md.lower() and "<img" not in md.lower() and "<b>" not in md
    assert "&lt;script&gt;" in md and "\\| \\*bold\\* \\[link\\]" in md
    header = md.split("\n\n")[1].splitlines()
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 3 for line in header)  # no cell split by a `|`
    assert "line one line two \\| &lt;b&gt;" in md


def test_html_is_self_contained(demo: dict[str, Any]) -> None:
    for name in RECORDS:
        html = render(load(name), "html", "en")
        assert not re.search(r"(?i)\b(?:https?|ftp|wss?)://", html)
        assert "<script" not in html and "@import" not in html and "url(" not in html
        page = Page(html)
        for tag, attrs in page.tags:
            for key in ("src", "href", "xlink:href", "action"):
                assert attrs.get(key) in (None, "data:,"), (tag, key, attrs.get(key))
        assert "@page { size: A4; margin: 15mm; }" in html
        csp = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in str(csp[0])


def test_deterministic_bytes(demo: dict[str, Any], tmp_path: Path) -> None:
    for fmt in ("html", "md"):
        assert render(demo, fmt, "fr") == render(copy.deepcopy(demo), fmt, "fr")
    code = (
        "import json,sys; from labelaudit.documents.commands import render;"
        "r=json.load(open(sys.argv[1],encoding='utf-8'));"
        "sys.stdout.buffer.write(render(r,'html','fr').encode()+render(r,'md','en').encode())"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code, str(GOLDEN / "demo.json")], capture_output=True, check=True, env={"PYTHONHASHSEED": seed, "PATH": ""}
        ).stdout
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1] == (render(demo, "html", "fr") + render(demo, "md", "en")).encode()


# ---------------------------------------------------------------- the command


def args(record: Path, output: Path, fmt: str = "html", force: bool = False) -> argparse.Namespace:
    return argparse.Namespace(record=record, output=output, format=fmt, force=force, lang=None)


def run_in_lang(lang: str, func: Any, *a: Any) -> Any:
    """Run with the language set, in a copied context so that other tests keep theirs."""
    from labelaudit.i18n import set_lang

    def go() -> Any:
        set_lang(lang)  # type: ignore[arg-type]
        return func(*a)

    return contextvars.copy_context().run(go)


def test_cmd_report_writes_the_file_and_says_so(tmp_path: Path) -> None:
    lines: list[str] = []
    out = tmp_path / "sub" / "report.html"
    assert run_in_lang("fr", cmd_report, args(GOLDEN / "demo.json", out), None, lines.append) == 0
    assert lines == [f"Rapport écrit : {out}"]
    assert out.read_text("utf-8") == render(load("demo"), "html", "fr")
    md = tmp_path / "report.md"
    assert run_in_lang("en", cmd_report, args(GOLDEN / "refused.json", md, "md"), None, lines.append) == 0
    assert lines[-1] == f"Report written: {md}"
    assert md.read_bytes() == render(load("refused"), "md", "en").encode("utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("keep me", "utf-8")
    with pytest.raises(InputError) as caught:
        run_in_lang("en", cmd_report, args(GOLDEN / "demo.json", out), None, print)
    assert "already exists" in str(caught.value) and "--force" in str(caught.value)
    assert out.read_text("utf-8") == "keep me"
    assert run_in_lang("en", cmd_report, args(GOLDEN / "demo.json", out, force=True), None, lambda _: None) == 0
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_refuses_to_replace_the_record_or_a_folder(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_bytes((GOLDEN / "demo.json").read_bytes())
    with pytest.raises(InputError, match="is a file this command reads"):
        run_in_lang("en", cmd_report, args(record, record, force=True), None, print)
    assert record.read_bytes() == (GOLDEN / "demo.json").read_bytes()
    with pytest.raises(InputError, match="folder"):
        run_in_lang("en", cmd_report, args(record, tmp_path, force=True), None, print)
    # named by its chain's file (the report reads the record through it), the record is kept too
    chain = tmp_path / "record.json.reviews.jsonl"
    for given, output, refusal in ((chain, record, "is a file this command reads"), (record, chain, "never writes over it")):
        with pytest.raises(InputError, match=refusal):
            run_in_lang("en", cmd_report, args(given, output, force=True), None, print)
    assert record.read_bytes() == (GOLDEN / "demo.json").read_bytes() and not chain.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a labelaudit record"),
        ('{"format": "other"}', "labelaudit-record/1"),
        ('{"format": "labelaudit-record/1"}', "incomplete record"),
    ],
)
def test_bad_records_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    record = tmp_path / "record.json"
    record.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message):
        run_in_lang("en", cmd_report, args(record, tmp_path / "out.html"), None, print)
    assert not (tmp_path / "out.html").exists()


def test_end_to_end_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.md"
    main = contextvars.copy_context().run
    assert main(cli.main, ["report", str(GOLDEN / "demo.json"), "--format", "md", "--lang", "fr", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"Rapport écrit : {out}\n"
    assert out.read_text("utf-8") == render(load("demo"), "md", "fr")
    assert main(cli.main, ["report", str(GOLDEN / "demo.json"), "--lang", "en", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "already exists" in captured.err and captured.out == ""
    assert main(cli.main, ["report", str(GOLDEN / "demo.json"), "--lang", "en", "-o", str(out), "--force"]) == 0
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")  # html is the default format
    with pytest.raises(SystemExit):
        main(cli.main, ["report", str(GOLDEN / "demo.json")])  # -o is required
