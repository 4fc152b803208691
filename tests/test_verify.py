"""`labelaudit verify`: a record made from an audit verifies; any edit is found and named.

Each test scores a private copy of the demo audit, then edits one thing (a survey answer, a
ruleset weight, the record itself) and checks that verify exits 3 and names what changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clirun import FIXTURES, REPO
from labelaudit.plugins import load_plugins
from labelaudit.files import write_atomic
from labelaudit.record import dumps
from labelaudit.verify import ABSENT, EXIT_MISMATCH, Difference, difference_lines, differences, verify
from labelaudit.workflow import score_audit

from conftest import CliRun as Cli




@pytest.fixture
def scored(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the demo audit and the record scored from it."""
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    record = tmp_path / "demo.json"
    write_atomic(record, dumps(score_audit(audit, load_plugins()).record))
    return audit, record


def rows(out: str) -> dict[str, str]:
    """The verify report's `label  value` rows, by label."""
    found = {}
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            label, _, value = line.strip().partition("  ")
            found[label] = value.strip()
    return found


def test_an_untouched_copy_verifies_byte_for_byte(scored: tuple[Path, Path], cli: Cli) -> None:
    audit, record = scored
    code, out, err = cli("verify", record, audit)
    assert (code, err) == (0, ""), out
    assert out.splitlines()[-1] == "verified: the record matches byte for byte"
    report = rows(out)
    assert report["audit.toml"] == "same"
    assert report["evidence files"] == "same (3)"
    assert report["record"] == "same bytes"


@pytest.mark.parametrize("command", ["verify", "report"])
def test_the_record_is_read_once(
    scored: tuple[Path, Path], cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """What is compared (or rendered) and what the committee's chain is checked against are the
    same bytes, read once: a network's record is tens of megabytes, and a file read twice may
    change in between."""
    audit, record = scored
    opened: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.resolve() == record.resolve():
            opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", counting_open)
    args = (record, audit) if command == "verify" else (record, "-o", tmp_path / "report.html")
    code, out, err = cli(command, *args)
    assert (code, err) == (0, ""), out
    assert len(opened) == 1, opened


def test_an_edited_survey_answer_is_named_by_file(scored: tuple[Path, Path], cli: Cli) -> None:
    audit, record = scored
    csv = audit / "surveys" / "clients.csv"
    lines = csv.read_bytes().decode("cp1252").split("\n")
    fields = lines[1].split(";")
    assert fields[4] != "Pas du tout d'accord"
    fields[4] = "Pas du tout d'accord"  # the first respondent's welcome answer, now the lowest point
    lines[1] = ";".join(fields)
    csv.write_bytes("\n".join(lines).encode("cp1252"))

    code, out, err = cli("verify", record, audit)
    assert code == EXIT_MISMATCH and err == "", out
    report = rows(out)
    assert report["evidence files"] == "changed: surveys/clients.csv"
    assert report["audit.toml"] == "same"
    assert report["ruleset files"] == "same (10)"
    assert report["record"].startswith("differs at ")
    assert "criteria[processes.1].bindings[customer/C01/top2box].attainment.exact: " in out  # Q1 feeds C01
    assert out.splitlines()[-2].startswith("    … and ")  # the inputs' own digests come last, cut here
    assert out.splitlines()[-1].startswith("NOT verified")


def test_an_edited_ruleset_weight_is_named_by_file(scored: tuple[Path, Path], cli: Cli, tmp_path: Path) -> None:
    audit, record = scored
    schemes = tmp_path / "schemes"
    shutil.copytree(REPO / "rulesets" / "en16880", schemes / "en16880")
    requirement = schemes / "en16880" / "requirements" / "05-understanding.toml"
    text = requirement.read_text("utf-8")
    edited = text.replace('id = "understanding.1"\nweight = 2 ', 'id = "understanding.1"\nweight = 3 ', 1)
    assert edited != text
    requirement.write_text(edited, "utf-8")

    code, out, _ = cli("verify", record, audit, "--rulesets", schemes)
    assert code == EXIT_MISMATCH, out
    report = rows(out)
    assert report["ruleset files"] == "changed: requirements/05-understanding.toml"
    assert report["evidence files"] == "same (3)"
    assert "tree.dimensions[experience].requirements[understanding].criteria[understanding.1].weight: 2 → 3" in out


def test_the_unchanged_copy_of_the_rulesets_verifies(scored: tuple[Path, Path], cli: Cli, tmp_path: Path) -> None:
    audit, record = scored
    shutil.copytree(REPO / "rulesets" / "en16880", tmp_path / "schemes" / "en16880")
    code, out, _ = cli("verify", record, audit, "--rulesets", tmp_path / "schemes")
    assert code == 0, out


def test_an_edited_record_names_the_key_path(scored: tuple[Path, Path], cli: Cli) -> None:
    audit, record = scored
    data = json.loads(record.read_text("utf-8"))
    true_points = data["outcome"]["points"]["shown"]
    data["outcome"]["points"]["shown"] = "999.9"
    record.write_text(dumps(data), "utf-8")

    code, out, _ = cli("verify", record, audit)
    assert code == EXIT_MISMATCH, out
    report = rows(out)
    assert report["record"] == "differs at 1 key path(s) (record → recomputed):"
    assert f"    outcome.points.shown: 999.9 → {true_points}" in out.splitlines()
    assert report["evidence files"] == "same (3)" and report["audit.toml"] == "same"


def test_a_reformatted_record_is_not_verified(scored: tuple[Path, Path], cli: Cli) -> None:
    audit, record = scored
    record.write_text(json.dumps(json.loads(record.read_text("utf-8")), indent=4, ensure_ascii=False), "utf-8")
    code, out, _ = cli("verify", record, audit)
    assert code == EXIT_MISMATCH
    assert "same content, but not the canonical text" in out


def test_french_report(scored: tuple[Path, Path]) -> None:
    audit, record = scored
    result = verify(record, audit, load_plugins(), lang="fr")
    assert result.verified
    assert result.lines[-1] == "vérifié : l'enregistrement correspond octet par octet"


def test_malformed_record_or_date_is_an_input_error(scored: tuple[Path, Path], cli: Cli, tmp_path: Path) -> None:
    audit, record = scored
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', "utf-8")
    code, out, err = cli("verify", bad, audit)
    assert code == 2 and out == ""
    assert err == f"error: {bad}: key format: expected 'labelaudit-record/1'\n"
    data = json.loads(record.read_text("utf-8"))
    data["decided_on"] = "20/11/2026"
    bad.write_text(dumps(data), "utf-8")
    code, _, err = cli("verify", bad, audit)
    assert code == 2 and "key decided_on: unreadable decision date '20/11/2026'" in err


# --- The key-path walk -------------------------------------------------------------------------


def test_differences_match_lists_by_id_and_name_absent_keys() -> None:
    old = {"tree": {"dimensions": [{"id": "a", "x": "1"}, {"id": "b", "x": "2"}]}, "gone": 1, "flag": True}
    new = {"tree": {"dimensions": [{"id": "b", "x": "3"}, {"id": "c", "x": "4"}]}, "flag": 1}
    found = list(differences(old, new))
    assert Difference("tree.dimensions[a]", {"id": "a", "x": "1"}, ABSENT) in found
    assert Difference("tree.dimensions[b].x", "2", "3") in found
    assert Difference("tree.dimensions[c]", ABSENT, {"id": "c", "x": "4"}) in found
    assert Difference("gone", 1, ABSENT) in found
    assert Difference("flag", True, 1) in found  # JSON true is not 1


def test_differences_put_the_outcome_first_and_plain_lists_by_position() -> None:
    old = {"audit": {"x": 1}, "outcome": {"status": "granted"}, "findings": [{"text": "a"}, {"text": "b"}]}
    new = {"audit": {"x": 2}, "outcome": {"status": "refused"}, "findings": [{"text": "a"}]}
    paths = [d.path for d in differences(old, new)]
    assert paths == ["outcome.status", "findings[1]", "audit.x"]


def test_difference_lines_stop_after_the_limit() -> None:
    diffs = [Difference(f"k{i}", str(i), str(i + 1)) for i in range(25)]
    lines = difference_lines(diffs, "en")
    assert len(lines) == 21
    assert lines[0] == "k0: 0 → 1"
    assert lines[-1] == "… and 5 more"
    assert difference_lines(diffs[:20], "en")[-1] == "k19: 19 → 20"
