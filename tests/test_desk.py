"""The committee desk over HTTP, as a real server (`labelaudit serve` in a subprocess).

Sign-in and its rate limit, CSRF, roles checked on the server, field messages in both
languages, the register locked by another writer, Ctrl-C losing nothing acknowledged, and the
CLI (`review --show`, `verify`) reading the votes cast in the browser like its own.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_server import Client, Server, build, dossier_path, password, register_as_manager, serving, text_of

from labelaudit.committee.register import open_register, read_chain
from labelaudit.committee.schema import transaction


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("desk")
    db, records = build(folder)
    return folder, db, records


@pytest.fixture(scope="module")
def server(world: tuple[Path, Path, dict[str, Path]]) -> Iterator[Server]:
    folder, db, records = world
    with serving(db, folder, {"LABELAUDIT_DESK_WAIT": "1"}) as running:
        manager = Client(running.url)
        from labelaudit.desk.keys import hash_password
        from labelaudit.desk import store

        with open_register(db) as conn, transaction(conn):
            store.add_account(conn, store.Account("cdurand", "manager", hash_password(password("cdurand")), None), 0)
        assert manager.sign_in("cdurand")[0] == 200
        for name in ("demo", "capped", "service-commitments"):
            register_as_manager(manager, records[name], name)
        yield running


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labelaudit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, input="")


def test_signin_is_required_and_wrong_passwords_are_rate_limited(server: Server) -> None:
    anonymous = Client(server.url)
    status, page = anonymous.get("/dossiers")
    assert status == 200 and 'action="/signin"' in page  # redirected to the sign-in page
    intruder = Client(server.url)
    for _ in range(5):
        status, page = intruder.sign_in("proux", "not the password at all")
        assert status == 400 and "Wrong account or password." in text_of(page)
    status, page = intruder.sign_in("proux")  # the right password, too late
    assert status == 429 and "Too many failed sign-ins" in text_of(page)


def test_every_post_needs_the_sessions_csrf_token(server: Server, world: tuple[Path, Path, dict[str, Path]]) -> None:
    chair = Client(server.url)
    assert chair.sign_in("pmartin")[0] == 200
    path = dossier_path(world[2]["capped"])
    status, page = chair.post(path + "/open", {}, csrf=False)
    assert status == 403 and "security token" in text_of(page)
    status, page = chair.post(path + "/open", {"csrf": "forged"}, csrf=False)
    assert status == 403
    assert read_chain(world[2]["capped"], register=world[1], today=time_today()).entries == ()
    signin = Client(server.url)
    status, _ = signin.post("/signin", {"account": "pmartin", "password": password("pmartin")}, csrf=False)
    assert status == 403  # the sign-in form too (its token is the pre-session cookie's)


def time_today():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.today()


def test_an_auditor_reads_only_their_audits_and_never_votes(server: Server, world: tuple[Path, Path, dict[str, Path]]) -> None:
    auditor = Client(server.url)
    assert auditor.sign_in("cdubois")[0] == 200
    status, page = auditor.get("/dossiers")
    assert "2026-MTR-001" in page and "2026-BCR-002" not in page  # capped: Marc Lefèvre's audit
    assert auditor.get(dossier_path(world[2]["demo"]))[0] == 200
    status, page = auditor.get(dossier_path(world[2]["capped"]))
    assert status == 403 and "an auditor reads only their own" in text_of(page)
    status, page = auditor.post(dossier_path(world[2]["demo"]) + "/vote", {"verdict": "confirm"})
    assert status == 403 and "Your role does not allow" in text_of(page)
    assert auditor.post(dossier_path(world[2]["demo"]) + "/open", {})[0] == 403


def test_a_member_who_audited_the_organisation_reads_but_cannot_vote(server: Server, world: tuple[Path, Path, dict[str, Path]]) -> None:
    record = world[2]["service-commitments"]
    chair, auditor_member = Client(server.url), Client(server.url)
    chair.sign_in("pmartin")
    status, _ = chair.post(dossier_path(record) + "/open", {"rationale": ""})
    assert status == 200
    auditor_member.sign_in("pgauthier")
    status, page = auditor_member.get(dossier_path(record))
    assert status == 200 and 'id="audited"' in page and 'id="vote-form"' not in page
    status, page = auditor_member.post(dossier_path(record) + "/vote", {"verdict": "confirm"})
    assert status == 409 and "auditor" in text_of(page).lower()  # the chain's independence rule refuses it
    assert len(read_chain(record, register=world[1], today=time_today()).entries) == 1


@pytest.mark.parametrize(("lang", "expected"), [("fr", "une motivation est exigée"), ("en", "a rationale is required")])
def test_each_field_has_its_message_in_the_readers_language(server: Server, world: tuple[Path, Path, dict[str, Path]],
                                                             lang: str, expected: str) -> None:
    member = Client(server.url, lang=lang)
    member.sign_in("hvasseur")
    path = dossier_path(world[2]["service-commitments"])
    status, page = member.post(path + "/vote", {"verdict": "override", "target": "", "rationale": ""})
    assert status == 400
    assert 'id="error-target"' in page and 'id="error-rationale"' in page and expected in text_of(page)
    status, page = member.post(path + "/vote", {"verdict": "maybe"})
    assert status == 400 and 'id="error-verdict"' in page
    status, page = member.get("/dossiers?due_before=2026-13-45&status=nonsense")
    assert 'id="error-due_before"' in page and 'id="error-status"' in page and "2026-13-45" in text_of(page)
    status, page = member.get(dossier_path(world[2]["demo"]) + "/whatif?weight.customer=-2&threshold.confirme=abc")
    assert status == 400 and 'id="error-weight-customer"' in page and 'id="error-threshold-confirme"' in page
    status, page = member.get("/signin")
    status, page = member.post("/signin", {"account": "Not An Id!", "password": ""})
    assert 'id="error-account"' in page and 'id="error-password"' in page


def test_a_locked_register_makes_the_vote_wait_and_a_held_chain_says_busy(server: Server, world: tuple[Path, Path, dict[str, Path]]) -> None:
    record, db = world[2]["service-commitments"], world[1]
    member = Client(server.url)
    member.sign_in("m01")
    path = dossier_path(record)
    held = threading.Event()

    def hold() -> None:  # another writer holds the register for 2 s: the vote waits
        with open_register(db) as conn:
            conn.execute("BEGIN IMMEDIATE")
            held.set()
            time.sleep(2.0)
            conn.execute("COMMIT")

    writer = threading.Thread(target=hold)
    writer.start()
    held.wait(10)
    start = time.monotonic()
    status, page = member.post(path + "/vote", {"verdict": "confirm"})
    writer.join()
    assert status == 200 and "Vote recorded and signed." in text_of(page) and time.monotonic() - start >= 1.9
    other = Client(server.url)
    other.sign_in("jmartin")
    fd = os.open(record, os.O_RDONLY)
    try:  # the chain's lock held longer than the desk waits (1 s here): nothing written, said so
        fcntl.flock(fd, fcntl.LOCK_EX)
        status, page = other.post(path + "/vote", {"verdict": "defer", "rationale": "Attendre le plan d’actions."})
    finally:
        os.close(fd)
    assert status == 409 and "held by another writer" in text_of(page)
    assert "Attendre le plan d’actions." in page  # what was typed is kept
    status, page = other.post(path + "/vote", {"verdict": "defer", "rationale": "Attendre le plan d’actions."})
    assert status == 200 and "Vote recorded" in text_of(page)
    votes = [e for e in read_chain(record, register=db, today=time_today()).entries if e.kind == "vote"]
    assert [v.member for v in votes] == ["m01", "jmartin"]


def test_ctrl_c_stops_the_desk_cleanly_and_the_cli_accepts_its_votes(world: tuple[Path, Path, dict[str, Path]]) -> None:
    folder, db, records = world
    record = records["excellence"]
    cli("register", "add", str(record), "--register", str(db), cwd=folder)
    with serving(db, folder) as running:
        chair, a, b, c = (Client(running.url) for _ in range(4))
        chair.sign_in("pmartin")
        assert chair.post(dossier_path(record) + "/open", {})[0] == 200
        for client, who in ((a, "hvasseur"), (b, "jmartin")):
            client.sign_in(who)
            assert "Vote recorded" in text_of(client.post(dossier_path(record) + "/vote", {"verdict": "confirm"})[1])
        code, out, err = running.stop()
    assert code in (0, 130) and "Traceback" not in err, err
    assert "Desk stopped." in out or code == 130
    with serving(db, folder) as running:  # nothing acknowledged was lost; keys must be unlocked again
        c.base = running.url
        c.sign_in("m02")
        assert "Vote recorded" in text_of(c.post(dossier_path(record) + "/vote", {"verdict": "confirm"})[1])
        chair.base = running.url
        status, page = chair.post(dossier_path(record) + "/close", {})
        assert status == 403 or 'id="locked"' in page or "sign in again" in text_of(page)  # the old session's key is gone
        chair.sign_in("pmartin")
        assert "Session closed and signed." in text_of(chair.post(dossier_path(record) + "/close", {})[1])
    shown = cli("review", str(record), "--show", "--register", str(db), "--lang", "en", cwd=folder)
    assert shown.returncode == 0, shown.stderr
    for member in ("hvasseur", "jmartin", "m02"):
        assert member in shown.stdout
    verified = cli("verify", str(record), str(Path(__file__).resolve().parent.parent / "fixtures" / "excellence"),
                   "--register", str(db), "--lang", "en", cwd=folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    chain = read_chain(record, register=db, today=time_today())
    assert chain.valid and chain.reading.final is not None and chain.reading.final.votes == 3


def test_accounts_are_made_from_the_command_line(world: tuple[Path, Path, dict[str, Path]]) -> None:
    folder, db, _ = world
    made = subprocess.run([sys.executable, "-m", "labelaudit", "desk", "account", "add", "pmartin2", "--role", "manager",
                           "--register", str(db), "--password-stdin", "--lang", "en"], input="a long desk password\n",
                          capture_output=True, text=True, cwd=folder, timeout=60)
    assert made.returncode == 0 and "Account pmartin2" in made.stdout
    key_of_chair = folder / "pmartin.key"
    refused = subprocess.run([sys.executable, "-m", "labelaudit", "desk", "account", "add", "hvasseur2", "--role", "member",
                              "--key", str(key_of_chair), "--register", str(db), "--password-stdin", "--lang", "en"],
                             input="a long desk password\n", capture_output=True, text=True, cwd=folder, timeout=60)
    assert refused.returncode == 2 and "not in force on the committee roster" in refused.stderr
    short = subprocess.run([sys.executable, "-m", "labelaudit", "desk", "account", "add", "cdurand2", "--role", "manager",
                            "--register", str(db), "--password-stdin", "--lang", "fr"], input="court\n",
                           capture_output=True, text=True, cwd=folder, timeout=60)
    assert short.returncode == 2 and "mot de passe trop court" in short.stderr and "Traceback" not in short.stderr
    listed = cli("desk", "account", "list", "--register", str(db), cwd=folder)
    assert "pmartin2" in listed.stdout
    with open_register(db) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"desk_accounts", "desk_sessions", "desk_signin_failures", "desk_audits", "desk_agenda"} <= tables
    from labelaudit.committee.schema import MIGRATIONS

    assert version == len(MIGRATIONS)  # the desk's tables do not move the register's schema version


def test_the_desks_what_if_says_what_whatif_says() -> None:
    """The desk caches the as-audited half; the text must stay exactly the command's."""
    from fractions import Fraction

    from labelaudit.committee.views import Registered
    from labelaudit.desk.dossiers import Evidence
    from labelaudit.plugins import load_plugins
    from labelaudit.whatif import Changes, change_lines, records, render, what_if

    plugins = load_plugins([], [])
    evidence = Evidence(plugins)
    demo = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
    fields = {f: "" for f in ("record_digest", "audit_id", "organisation", "scope", "kind", "scheme_id", "scheme_version",
                              "decided_on", "proposed_status", "proposed_points", "record_file")}
    r = Registered(**{**fields, "record_digest": "sha256:x", "audit_id": "2026-MTR-001"}, proposed_level=None,
                   validity_years=3, surveillance_months=12, reviews=0, final_status=None, final_level=None,
                   final_member=None, final_on=None, valid_from=None, valid_until=None, label_id=None)
    for changes in (Changes(), Changes(source_weights={"customer": Fraction(2)}, without_exclusions=True),
                    Changes(level_thresholds={"confirme": Fraction(750)})):
        desk = evidence.run(r, demo, changes, "fr")
        collected = evidence.collected(r, demo)
        before, after = records(collected, what_if(collected, plugins, changes), plugins)
        assert desk.text == render(before, after, change_lines(changes, collected.prepared.scheme, collected, "fr"), "fr")


def test_the_desk_server_keeps_the_cyclic_collector(
    world: tuple[Path, Path, dict[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-shot command pauses the cyclic collector (see workflow.without_gc_pauses); a server
    lives for days, so `serve` keeps it, or every cycle its requests leave would stay in memory."""
    import gc

    import uvicorn

    import labelaudit.cli

    seen: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: seen.append(gc.isenabled()))
    monkeypatch.setenv("LABELAUDIT_LANG", "en")
    _, db, _ = world
    assert gc.isenabled()
    assert labelaudit.cli.main(["serve", "--register", str(db), "--port", "1"]) == 0
    assert seen == [True]
    score = labelaudit.cli.main(["plugins"])  # a one-shot command, for contrast: paused, then resumed
    assert score == 0 and gc.isenabled()
