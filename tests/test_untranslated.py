"""Nothing left in the wrong language: every command a committee or an auditor reads, rendered
on the demo in French, English and German (an appeal heard and granted, a complaint closed), is
checked for English words in French and German and for ids where a name belongs.

Two checks, neither a hand-kept list of outputs' words:

- **the catalogs**: every message whose English text differs from its French (German) one gives
  its English fragments (the text between placeholders that holds a word of four letters or
  more); none may appear in the French (German) output as words of their own;
- **the ids**: the project's own ids that have a name (verdicts, entries, roles, audit kinds,
  statuses, the bundled sources, the demo's gate and level ids, the scheme's policies) may not
  appear as a word of their own: an id is shown by its name. A word inside an identifier
  (`customer/C09/top2box`, a path, a digest) is not a word of its own.

What people wrote (the audit's justifications, an appeal's grounds) is their own words and is
taken out first. The commands run once per language for the whole module (about 7 s).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES
from committee_helpers import GOLDEN, Desk, copy
import labelaudit.cli
from labelaudit.i18n import MESSAGES

# Ids that are English words: in French output they are an id left where its name belongs.
# (`close` is left out: it is also French, `séance close`.)
ENGLISH_IDS = (
    "confirm", "override", "defer", "open", "chair", "member", "auditor", "renewal",
    "granted", "refused", "deferred", "pending", "undecided", "customer", "employee",
    "source kind", "indicator", "entry point", "command line",
)
# Ids that are no word of either language: never shown to anyone, the gates' ids added.
CODE_IDS = ("onsite", "renormalize")
# What a command shows as an id on purpose: `plugins` lists each plugin by its package's name
# (`onsite 0.1.0`) and each source kind and indicator by the id a scheme names it by, its title
# after it (`mean : Moyenne`); `mean` is also the English text of a catalog's column header.
# `points` is the key a binding gives the queue's `served_within` its thresholds by, in its title.
# `verify` names the plugins that scored the record the same way; `map` names the source by its
# title and by the key audit.toml writes (`Perception client (customer)`); `explain` names a
# binding's indicator by its code (`Perception collaborateurs / E02 / mean`), as the rulesets do.
# `check` in French starts its notes with `note :`, which is French too.
SHOWN_AS_IDS = {"plugins": ("onsite", "mean", "points"), "verify": ("onsite",), "map": ("customer",),
                "explain criterion": ("mean",), "check": ("note",)}
# The demo's levels: shown by their titles (`Confirmé`, `Confirmed`, `Bestätigt`), never by id.
# (`excellence` is left out: a word of both languages, in the scheme's own titles.)
LEVEL_IDS = ("engage", "confirme")
# Known and left to their owners: (language, command) → English fragments still shown (none now).
KNOWN_GAPS: dict[tuple[str, str], tuple[str, ...]] = {}
# What the demo's people wrote (its audit file, the appeal's grounds and votes): their words, in
# their language, whatever the reader's; taken out of an output before it is checked.
TYPED = ("le niveau Excellence était atteint", "preuves réexaminées", "accueil trop lent", "délais conformes")
# Messages that are not shown by these commands as text of their own, or whose English text is
# a token both languages write alike (a unit, a symbol): never a French reader's problem.
NOT_PROSE = re.compile(r"^(?:report|explain|trace|dossier|pdf|html|markdown)\.")
WORD = r"(?<![\w/.@:-]){}(?![\w/@-])"


def _fragments(text: str) -> list[str]:
    """The literal parts of a message, trimmed, kept when they say something in words."""
    parts = [literal for literal, _, _, _ in string.Formatter().parse(text)]
    kept = []
    for part in parts:
        words = re.findall(r"[A-Za-z]{2,}", part)
        cleaned = part.strip(" .,:;()[]—-–→\n\"'“”«»")
        if cleaned and (len(words) >= 2 or any(len(w) >= 4 for w in words)):
            kept.append(cleaned)
    return kept


def english_fragments(lang: str = "fr") -> set[str]:
    """Every English fragment of a message whose text in `lang` is different (and lacks it)."""
    found = set()
    for key, texts in MESSAGES.items():
        if NOT_PROSE.match(key) or "en" not in texts or lang not in texts or texts["en"] == texts[lang]:
            continue
        other = texts[lang]
        found.update(f for f in _fragments(texts["en"]) if f not in other)
    return found


def _appears(fragment: str, text: str) -> bool:
    """A fragment as words of their own (`Gates` is not inside `Gateshead`)."""
    return re.search(WORD.format(re.escape(fragment)), text) is not None


PANEL = (("cgarnier", "Claude Garnier", ("chair", "member")), ("aleroy", "Alice Leroy", ("member",)),
         ("bnoel", "Bruno Noël", ("member",)))  # an appeal panel: no part in the demo's decision


def _commands(folder: Path) -> list[tuple[str, list[Any]]]:
    """Every command a committee or an auditor reads, on the demo decided by the standing
    committee: scoring, comparing, the register, the label, and an appeal heard and granted
    (the lines that name verdicts, levels and states), in the order they are run."""
    desk = Desk(folder).standing()
    for member_id, name, roles in PANEL:
        desk.enrol(member_id, name, roles)
    demo = copy(folder, "demo")
    desk.decide(demo)
    db = ("--register", desk.db)

    def signed(member: str, on: str) -> list[Any]:
        return ["--member", member, "--key", desk.key_file(member), "--on", on, *db]

    appeal_votes = [
        (f"appeal vote {m}", ["appeal", "vote", "1", "--grant", "--level", "excellence", "--rationale", "preuves réexaminées",
                              *signed(m, "2026-12-02")])
        for m, _, _ in PANEL
    ]
    return [
        ("score", ["score", FIXTURES / "demo", "-o", folder / "scored.json", "--force"]),
        ("whatif", ["whatif", FIXTURES / "demo", "--source-weight", "customer=2", "--without-exclusions",
                    "--gate-off", "every-site"]),
        ("compare", ["compare", GOLDEN / "capped.json", GOLDEN / "demo.json"]),
        ("review --show", ["review", demo, "--show", *db]),
        ("register add", ["register", "add", demo, "--label", "2026-MTR-001", *db]),
        ("register list", ["register", "list", *db]),
        ("register show", ["register", "show", "2026-MTR-001", *db]),
        ("register due", ["register", "due", "--before", "2030-01-01", *db]),
        ("label show", ["label", "show", "2026-MTR-001", *db]),
        ("member list", ["member", "list", *db]),
        ("appeal lodge", ["appeal", "lodge", "2026-MTR-001", "--by", "Mutuelle des Trois Rivières",
                          "--grounds", "le niveau Excellence était atteint", *signed("pmartin", "2026-12-01")]),
        *appeal_votes,
        ("appeal show (heard)", ["appeal", "show", "1", *db]),
        ("appeal close", ["appeal", "close", "1", "--chair", "cgarnier", "--key", desk.key_file("cgarnier"),
                          "--on", "2026-12-03", *db]),
        ("appeal show", ["appeal", "show", "1", *db]),
        ("appeal list", ["appeal", "list", *db]),
        # a case's number is its first entry's: the appeal's lodging, three votes and closing were 1 to 5
        ("complaint lodge", ["complaint", "lodge", "--label", "2026-MTR-001", "--by", "Un client",
                             "--grounds", "accueil trop lent", *signed("pmartin", "2026-12-02")]),
        ("complaint close", ["complaint", "close", "6", "--unfounded", "--rationale", "délais conformes",
                             *signed("pmartin", "2026-12-03")]),
        ("complaint show", ["complaint", "show", "6", *db]),
        ("register show (appealed)", ["register", "show", "2026-MTR-001", *db]),
        ("label show (appealed)", ["label", "show", "2026-MTR-001", *db]),
        ("plugins", ["plugins"]),
        ("plan-survey", ["plan-survey", FIXTURES / "demo", "--population", "lyon=40", "--source", "employee"]),
        ("sample", ["sample", FIXTURES / "demo", "--stage", "initial"]),
        ("check", ["check", FIXTURES / "demo"]),
        ("explain", ["explain", folder / "scored.json"]),
        ("explain criterion", ["explain", folder / "scored.json", "vision.1"]),
        ("verify", ["verify", folder / "scored.json", FIXTURES / "demo"]),
        ("map", ["map", FIXTURES / "demo", "customer"]),
        ("grid", ["grid", "--audit", FIXTURES / "demo", "-o", folder / "grid.xlsx"]),
        ("grid toml", ["grid", "--audit", FIXTURES / "demo", "-o", folder / "grid.toml"]),
        ("init", ["init", folder / "new-audit", "--organisation", "Mutuelle des Trois Rivières",
                  "--site", "lyon=Agence de Lyon", "--auditor", "Claire Dubois"]),
        ("register directory", ["register", "directory", "--on", "2027-01-15", "--html", folder / "d.html",
                                "--csv", folder / "d.csv", *db]),
        ("register calibration", ["register", "calibration", *db]),
    ]


def _cli(mp: pytest.MonkeyPatch) -> Any:
    """`labelaudit.cli.main` in-process, as conftest's `cli`, its output captured here: the
    commands run once for the whole module (capsys is a test's own)."""
    mp.setenv("LABELAUDIT_LANG", "en")
    mp.delenv("LABELAUDIT_REGISTER", raising=False)

    def run(*args: str | Path) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = contextvars.copy_context().run(labelaudit.cli.main, [str(a) for a in args])
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run


def _typed() -> list[str]:
    """The texts people wrote that these commands show: the demo audit's and the appeal's."""
    audit = json.loads((GOLDEN / "demo.json").read_text("utf-8"))["audit"]
    written = [text for e in audit["exclusions"] for text in (e["justification"], e["approved_by"])]
    return sorted({*written, *TYPED}, key=len, reverse=True)


def _outputs(folder: Path, cli: Any, lang: str) -> dict[str, str]:
    """Each command's output, the texts people wrote taken out."""
    typed = _typed()
    shown = {}
    for name, args in _commands(folder):
        code, out, err = cli(*args, "--lang", lang)
        assert code == 0, (name, out, err)
        for text in typed:
            out = out.replace(text, "…")
        shown[name] = out
    return shown


def _ids_shown(text: str, ids: tuple[str, ...] = ENGLISH_IDS) -> list[str]:
    return [word for word in ids if re.search(WORD.format(re.escape(word)), text)]


def _gate_ids() -> list[str]:
    return [g["id"] for g in json.loads((GOLDEN / "demo.json").read_text("utf-8"))["gates"]]


@pytest.fixture(scope="module")
def both_languages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each command's output in each language, run once for the module's tests."""
    shown = {}
    for lang in ("fr", "en", "de"):
        with pytest.MonkeyPatch.context() as mp:
            shown[lang] = _outputs(tmp_path_factory.mktemp(lang), _cli(mp), lang)
    return shown


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_no_english_text_of_the_catalogs_in_french_or_german_output(both_languages: dict[str, dict[str, str]],
                                                                    lang: str) -> None:
    fragments = english_fragments(lang)
    assert len(fragments) > 300  # the check has something to check
    left = {name: sorted(f for f in fragments if _appears(f, out)
                         and f not in (*SHOWN_AS_IDS.get(name, ()), *KNOWN_GAPS.get((lang, name), ())))
            for name, out in both_languages[lang].items()}
    assert not {name: found for name, found in left.items() if found}


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
def test_ids_are_shown_by_their_names(both_languages: dict[str, dict[str, str]], lang: str) -> None:
    ids = (*CODE_IDS, *_gate_ids(), *LEVEL_IDS, *(ENGLISH_IDS if lang != "en" else ()))
    left = {}
    for name, out in both_languages[lang].items():
        found = [i for i in _ids_shown(out, ids) if i not in SHOWN_AS_IDS.get(name, ())]
        if found:
            left[name] = found
    assert not left


def test_the_check_finds_an_english_word_left_in_french() -> None:
    """The checks can fail: a French text with an English message's fragment or an id."""
    fragments = english_fragments()
    sample = next(iter(sorted(f for f in fragments if len(f) > 12)))
    assert any(_appears(f, f"Résultat : {sample}") for f in fragments)
    assert _appears("Gates", "Gates\n  Aucune") and not _appears("Gates", "Gateshead")
    assert _ids_shown("  2. 3 déc. 2026 vote hvasseur : confirm → accordé") == ["confirm"]
    assert _ids_shown("employee/E01/top2box 0,759494") == []

