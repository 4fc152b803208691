"""The committee desk in a real browser (Chromium through Playwright), as people use it.

A certification manager registers a record; the chair opens a session; a member reads the
dossier and its report, follows a number to its explanation, runs a what-if, votes; others
vote; the chair closes at quorum. An auditor is refused a dossier that is not theirs and any
vote; a form without its CSRF token is refused; ten members vote at once and every vote is in
the signed chain, which `labelaudit review --show` reads like its own.

Needs Debian's chromium at /usr/bin/chromium and the `playwright` package (its bundled driver;
no browser download). Without them the test is skipped locally, but fails in CI (CI=true).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desk_server import ROOT, VOTERS, Server, build, dossier_path, password, serving

from labelaudit.committee.register import open_register, read_chain
from labelaudit.committee.schema import transaction
from labelaudit.desk import store
from labelaudit.desk.keys import hash_password

@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path, dict[str, Path]]]:
    folder = tmp_path_factory.mktemp("desk-browser")
    db, records = build(folder)
    with open_register(db) as conn, transaction(conn):
        store.add_account(conn, store.Account("cdurand", "manager", hash_password(password("cdurand")), None), 0)
    with serving(db, folder) as server:
        yield server, db, records


def signed_in(browser: Any, server: Server, account: str, locale: str = "en-GB") -> Any:
    context = browser.new_context(locale=locale, base_url=server.url)
    page = context.new_page()
    page.goto("/signin")
    page.fill("#account", account)
    page.fill("#password", password(account))
    page.click("#signin")
    page.wait_for_url("**/dossiers")
    return page


def register(page: Any, record: Path, audit: str) -> None:
    page.goto("/dossiers")
    page.fill("#record", str(record))
    page.fill("#audit_dir", str(ROOT / "fixtures" / audit))
    page.click("#register")
    page.wait_for_url("**" + dossier_path(record))


def test_a_session_from_sign_in_to_close(browser: Any, desk: tuple[Server, Path, dict[str, Path]]) -> None:
    server, db, records = desk
    record = records["demo"]
    manager = signed_in(browser, server, "cdurand")
    register(manager, record, "demo")
    manager.click("#agenda")
    assert manager.locator("#agenda").count() == 0

    chair = signed_in(browser, server, "pmartin", locale="fr-FR")  # Accept-Language: French
    assert "Dossiers en attente de décision" in chair.content()
    chair.fill("#organisation", "trois rivieres")  # accents and case do not matter
    chair.click("#filter")
    chair.click("#awaiting a:has-text('2026-MTR-001')")
    chair.click("#open")
    assert chair.locator("#notice").inner_text() == "Séance ouverte et signée."

    member = signed_in(browser, server, "hvasseur")
    member.goto(dossier_path(record))
    assert "Session open" in member.locator("#session-open").inner_text()
    member.click("#report-link")
    assert member.locator("#verdict").is_visible()  # the same report as `labelaudit report`
    links = member.locator("a.explain")
    assert links.count() > 20
    criterion = member.locator("table.criteria a.explain").first
    criterion.click()
    explanation = member.locator("#explanation").inner_text()
    assert "×" in explanation or "=" in explanation
    member.go_back()
    member.locator("table.figures a.explain").click()  # the points: the outcome's explanation
    assert "Points" in member.locator("#explanation").inner_text() or "points" in member.locator("#explanation").inner_text()

    member.goto(dossier_path(record))
    member.fill("[id='weight.customer']", "2")
    member.select_option("#exclusions", "off")
    member.click("#whatif")  # the first one collects the evidence
    assert member.locator("#whatif-headline").is_visible()
    member.fill("[id='threshold.confirme']", "750")
    start = time.monotonic()
    member.click("#whatif")
    member.wait_for_selector("#whatif-headline")
    assert time.monotonic() - start < 1.0, "a what-if change must feel live"
    text = member.locator("#whatif-text").inner_text()
    assert "customer" in text and "750" in text
    member.fill("[id='threshold.confirme']", "abc")
    member.click("#whatif")
    assert "is not a number" in member.locator("#error-threshold-confirme").inner_text()

    member.goto(dossier_path(record))
    member.check("#verdict-confirm")
    member.click("#vote")
    assert member.locator("#notice").inner_text() == "Vote recorded and signed."
    assert member.locator("#vote-form").count() == 0

    for who, verdict in (("proux", "override"), ("jmartin", "confirm")):
        other = signed_in(browser, server, who)
        other.goto(dossier_path(record))
        other.check(f"#verdict-{verdict}")
        if verdict == "override":
            other.click("#vote")  # no level, no rationale: two messages, nothing written
            assert other.locator("#error-target").is_visible() and other.locator("#error-rationale").is_visible()
            other.select_option("#target", "excellence")
            other.fill("#rationale", "Les résultats clients dépassent nettement le seuil.")
            other.check(f"#verdict-{verdict}")
        other.click("#vote")
        assert other.locator("#notice").is_visible()

    chair.goto(dossier_path(record))
    chair.click("#close")
    assert chair.locator("#notice").inner_text() == "Séance close et signée."
    assert "ACCORDÉ" in chair.locator("#state").inner_text().upper()
    chain = read_chain(record, register=db, today=dt.date.today())
    assert chain.valid and [e.kind for e in chain.entries] == ["open", "vote", "vote", "vote", "close"]


def test_refused_as_an_auditor_and_without_a_csrf_token(browser: Any, desk: tuple[Server, Path, dict[str, Path]]) -> None:
    server, db, records = desk
    manager = signed_in(browser, server, "cdurand")
    register(manager, records["capped"], "capped")
    auditor = signed_in(browser, server, "cdubois")
    response = auditor.goto(dossier_path(records["capped"]))
    assert response.status == 403 and "reads only their own" in auditor.locator("#refused").inner_text()
    auditor.goto(dossier_path(records["demo"]))  # her own audit: read, never voted on
    assert auditor.locator("#vote-form").count() == 0 and auditor.locator("#open").count() == 0
    csrf = auditor.locator("input[name=csrf]").first.get_attribute("value")
    refused = auditor.request.post(dossier_path(records["demo"]) + "/vote", form={"csrf": csrf, "verdict": "confirm"},
                                    headers={"Accept-Language": "en"})
    assert refused.status == 403 and "Your role does not allow" in refused.text()

    member = signed_in(browser, server, "m10")
    forged = member.request.post(dossier_path(records["capped"]) + "/vote", form={"verdict": "confirm"},
                                 headers={"Accept-Language": "en"})
    assert forged.status == 403 and "security token" in forged.text()
    assert read_chain(records["capped"], register=db, today=dt.date.today()).entries == ()


def test_ten_members_voting_at_once_lose_nothing(browser: Any, desk: tuple[Server, Path, dict[str, Path]]) -> None:
    server, db, records = desk
    record = records["excellence"]
    manager = signed_in(browser, server, "cdurand")
    register(manager, record, "excellence")
    chair = signed_in(browser, server, "pmartin")
    chair.goto(dossier_path(record))
    chair.click("#open")
    pages = []
    for member in VOTERS:
        page = signed_in(browser, server, member)
        page.goto(dossier_path(record))
        page.check("#verdict-defer")
        page.fill("#rationale", f"Vote de {member} : attendre l’audit de surveillance.")
        pages.append(page)
    for page in pages:  # ten submissions in flight together
        page.click("#vote", no_wait_after=True)
    for page in pages:
        page.wait_for_selector("#notice", timeout=120_000)
        assert page.locator("#notice").inner_text() == "Vote recorded and signed."
    chain = read_chain(record, register=db, today=dt.date.today())
    votes = [e for e in chain.entries if e.kind == "vote"]
    assert chain.valid and sorted(v.member for v in votes) == sorted(VOTERS)
    shown = subprocess.run([sys.executable, "-m", "labelaudit", "review", str(record), "--show", "--register", str(db),
                            "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert all(member in shown.stdout for member in VOTERS)
    with open_register(db) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM reviews WHERE record_digest = ? AND kind = 'vote'",
                                (chain.record_digest,)).fetchone()
    assert count == 10
