"""The committee from the command line: the roster and its keys, the scheme's `[committee]` table,
`score --force` on a reviewed record, and the committee state in `verify` and `report`."""

from __future__ import annotations

import json
import re
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from clirun import FIXTURES, REPO
from committee_helpers import DAY, Desk, copy, demo, desk  # noqa: F401  (fixtures)

from labelaudit.committee.chain import sidecar_path
from labelaudit.committee.sessions import rule_of
from labelaudit.errors import InputError
from labelaudit.model import Committee
from labelaudit.rulesets import load_scheme


# --- the roster --------------------------------------------------------------------------------


def test_member_keygen_add_list_retire(tmp_path: Path, cli: Any) -> None:
    db, key = tmp_path / "reg.sqlite", tmp_path / "hv.key"
    code, out, _ = cli("member", "keygen", "--id", "hvasseur", "-o", key)
    assert code == 0 and out.startswith(f"Private key written: {key} (mode 0600); public key: {key}.pub; key id ed25519:")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    before = key.read_bytes()
    code, _, err = cli("member", "keygen", "--id", "hvasseur", "-o", key)
    assert code == 2 and "the file already exists: a key is never overwritten" in err
    assert key.read_bytes() == before
    code, out, _ = cli("member", "add", "hvasseur", "--name", "Hélène Vasseur", "--role", "member",
                       "--public-key", f"{key}.pub", "--since", "2026-01-01", "--register", db)
    assert code == 0 and "Added to the roster of" in out and "roles member, since January 1, 2026, key ed25519:" in out
    assert cli("member", "add", "cdubois", "--name", "Claire Dubois", "--role", "auditor", "--no-key",
               "--since", "2026-01-01", "--register", db)[0] == 0
    private = key.read_bytes()
    with open(db, "rb") as handle:
        assert private.split(b"\n")[1] not in handle.read()  # the private key never enters the register
    code, out, _ = cli("member", "list", "--register", db)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["ID", "NAME", "ROLES", "SINCE", "RETIRED", "KEYS"]
    assert lines[1].startswith("cdubois   Claire Dubois   auditor  Jan 1, 2026  —")
    code, out, _ = cli("member", "retire", "hvasseur", "--on", "2026-06-30", "--register", db)
    assert code == 0 and out.startswith("hvasseur retired on June 30, 2026 (keys: ed25519:")
    assert "Jun 30, 2026" in cli("member", "list", "--register", db)[1].splitlines()[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cdubois2", "--name", "Сlaire Dubois", "--role", "member", "--no-key"], "--public-key FILE is required"),
        (["cdubois2", "--name", "Сlaire Dubois", "--role", "auditor", "--no-key"], "looks like 'Claire Dubois' (cdubois)"),
        (["cdubois2", "--name", "Claire\u200bDubois", "--role", "auditor", "--no-key"], "looks like 'Claire Dubois'"),
        (["cdubois", "--name", "Claire Martin", "--role", "auditor", "--no-key"], "cdubois is already on the roster"),
        (["C Dubois", "--name", "Claire D.", "--role", "auditor", "--no-key"], "invalid id 'C Dubois'"),
        (["x", "--name", "X", "--no-key"], "at least one --role"),
    ],
)
def test_member_add_refusals(tmp_path: Path, cli: Any, args: list[str], message: str) -> None:
    db = tmp_path / "reg.sqlite"
    assert cli("member", "add", "cdubois", "--name", "Claire Dubois", "--role", "auditor", "--no-key", "--register", db)[0] == 0
    code, _, err = cli("member", "add", *args, "--register", db)
    assert code == 2 and message in err, err


def test_member_add_refuses_a_file_that_is_not_a_public_key(tmp_path: Path, cli: Any) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key", "utf-8")
    code, _, err = cli("member", "add", "x", "--name", "X", "--role", "member", "--public-key", junk,
                       "--register", tmp_path / "r.sqlite")
    assert code == 2 and err == f"error: {junk}: not a PEM public key\n"


# --- the scheme's [committee] table ------------------------------------------------------------


def scheme_with(tmp_path: Path, table: str) -> Path:
    schemes = tmp_path / "schemes"
    shutil.copytree(REPO / "rulesets" / "en16880", schemes / "en16880")
    scheme = schemes / "en16880" / "scheme.toml"
    text = scheme.read_text("utf-8")
    head, sep, tail = text.partition("[policies]")
    scheme.write_text(f"{head}{table}\n\n{sep}{tail}", "utf-8")
    return schemes


def test_the_committee_table_is_read_and_kept_in_the_record(tmp_path: Path, cli: Any, desk: Desk) -> None:
    schemes = scheme_with(tmp_path, '[committee]\nquorum = 2\nmajority = "two_thirds"\nchair_breaks_tie = false')
    assert load_scheme(schemes / "en16880").committee == Committee(2, "two_thirds", False)
    assert load_scheme(REPO / "rulesets" / "en16880").committee is None  # the defaults: quorum 3, simple, tie
    record = tmp_path / "r.json"
    code, _, err = cli("score", FIXTURES / "demo", "-o", record, "--rulesets", schemes)
    assert code == 0, err
    data = json.loads(record.read_text("utf-8"))
    assert data["scheme"]["committee"] == {"quorum": 2, "majority": "two_thirds", "chair_breaks_tie": False}
    rule = rule_of(data)
    assert (rule.quorum, rule.majority, rule.chair_breaks_tie) == (2, "two_thirds", False)
    desk.open(record)
    desk.vote(record, "hvasseur")
    desk.vote(record, "proux")
    closing = desk.close(record)  # two votes are a quorum here
    assert closing.rule == rule and desk.read(record).reading.final is not None


def test_a_bad_committee_table_is_named(tmp_path: Path) -> None:
    schemes = scheme_with(tmp_path, '[committee]\nquorum = 0\nmajority = "most"')
    with pytest.raises(InputError) as caught:
        load_scheme(schemes / "en16880")
    assert "committee" in str(caught.value)


# --- nothing the committee recorded is destroyed -------------------------------------------------


def test_score_force_refuses_to_replace_a_reviewed_record(tmp_path: Path, desk: Desk, cli: Any) -> None:
    record = tmp_path / "demo.json"
    assert cli("score", FIXTURES / "demo", "-o", record)[0] == 0
    desk.open(record)
    before = record.read_bytes()
    code, _, err = cli("score", FIXTURES / "demo", "-o", record, "--force")
    assert code == 2
    assert err == (f"error: {record}: this record has committee reviews ({sidecar_path(record)}): replacing it would "
                   "detach them from what they judged; write the new record to another file\n")
    assert record.read_bytes() == before


# --- verify and report show the committee state -------------------------------------------------


def test_verify_and_report_show_the_committee_state(tmp_path: Path, desk: Desk, cli: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "demo.json"
    assert cli("score", FIXTURES / "demo", "-o", record)[0] == 0
    desk.decide(record)
    code, out, _ = cli("verify", record, FIXTURES / "demo", "--register", desk.db)
    assert code == 0, out
    assert "Label committee:" in out and "  Final decision (session 1 closed on November 21, 2026 by pmartin, 3 vote(s))" in out
    monkeypatch.setenv("LABELAUDIT_REGISTER", str(desk.db))
    code, out, _ = cli("report", record, "--format", "md", "-o", tmp_path / "r.md")
    assert code == 0 and "Chain valid, signatures verified" in out
    text = (tmp_path / "r.md").read_text("utf-8")
    decision = re.split(r"^## ", text, flags=re.M)[1]  # the first section: the decision, with the committee's box
    assert "### The label committee's decision" in decision and "| Hélène Vasseur (hvasseur) | vote: confirms the proposal |" in decision
    assert "Reviews chain verified: 5 signed entry(ies)" in decision
    lines = sidecar_path(record).read_text("utf-8").splitlines()
    sidecar_path(record).write_text("\n".join(lines[:-1]) + "\n", "utf-8")  # the closing removed
    code, out, _ = cli("verify", record, FIXTURES / "demo", "--register", desk.db)
    assert code == 3 and "the register holds entry 5" in out and "Final decision: none while the chain is broken" in out
    code, out, _ = cli("report", record, "--format", "html", "-o", tmp_path / "r.html")
    assert code == 0 and "CHAIN BROKEN" in out
    assert "CHAIN NOT VERIFIED" in (tmp_path / "r.html").read_text("utf-8").split('<section id="radar">')[0]


def test_register_list_treats_a_forged_chain_as_undecided(tmp_path: Path, desk: Desk, cli: Any) -> None:
    record = copy(tmp_path, "demo")
    desk.decide(record)
    code, out, _ = cli("register", "list", "--register", desk.db)
    assert code == 0 and "granted — Confirmed  Nov 20, 2029" in out
    sidecar_path(record).unlink()
    code, out, _ = cli("register", "list", "--register", desk.db)
    assert code == 0 and out.splitlines()[1].split()[-2:] == ["undecided", "—"]
    code, out, _ = cli("register", "show", "2026-MTR-001", "--register", desk.db)
    assert "Committee decision: none, the chain no longer verifies (chain broken)" in out
    assert cli("register", "due", "--before", "2030-01-01", "--register", desk.db)[1] == "Nothing is due on or before January 1, 2030.\n"
    code, out, _ = cli("register", "list", "--status", "undecided", "--register", desk.db)
    assert "2026-MTR-001" in out
    assert DAY.year == 2026
