"""The desk's routes (Starlette): every page and action checks the role on the server first.

Pages are rendered on the server (Jinja2, autoescaped), with no script; every POST carries
the session's CSRF token. The work of a request (SQLite, the chain, rendering) runs in a worker
thread (`run_in_threadpool`) so that a slow one never stalls the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from labelaudit.committee.chain import VERDICTS, level_ids
from labelaudit.committee.display import decision_text
from labelaudit.committee.register import add_record
from labelaudit.committee.roster import load_roster
from labelaudit.committee.schema import transaction
from labelaudit.committee.sessions import rule_of
from labelaudit.desk import dossiers, forms, store
from labelaudit.desk.store import DeskRole
from labelaudit.desk.auth import (LANG_COOKIE, PRESESSION_COOKIE, SESSION_COOKIE, SESSION_SECONDS, Desk, Who, check_csrf,
                                  current, lang_of, presession_token, require, sign_in, sign_out, signing_key)
from labelaudit.desk.voting import Busy, act, wait_for_chain, wait_seconds
from labelaudit.documents.trace import num
from labelaudit.errors import InputError
from labelaudit.i18n import set_lang, tr
from labelaudit.model import Lang
from labelaudit.plugins import Plugins

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
ALL: tuple[DeskRole, ...] = ("chair", "member", "manager", "auditor")
Handler = Callable[[Request], Awaitable[Response]]


def today() -> dt.date:
    return dt.date.today()  # the desk's clock: entries are dated the day they are made


def page(request: Request, name: str, lang: Lang, status: int = 200, **context: Any) -> Response:
    def t(key: str, **params: Any) -> str:
        return tr(key, lang=lang, **params)

    def decision(status_: str | None, level: str | None) -> str:
        word = t(f"register.status.{status_ or 'pending'}")
        return f"{word} {level}" if level else word

    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("who", None)
    response = TEMPLATES.TemplateResponse(request, name, {"t": t, "lang": lang, "decision": decision,
                                                          "url_id": dossiers.url_id, **context}, status_code=status)
    return secured(response, lang, request)


def secured(response: Response, lang: Lang, request: Request) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    if request.query_params.get("lang") in ("fr", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict")
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def threaded(work: Callable[..., Response]) -> Handler:
    """An async endpoint that reads the form (if any), then does `work(desk, request, lang, form)`
    in a worker thread, in the reader's language."""

    async def endpoint(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=200) if request.method == "POST" else FormData()
        lang = lang_of(request)

        def run() -> Response:
            set_lang(lang)
            return work(request.app.state.desk, request, lang, form)

        return await run_in_threadpool(run)

    return endpoint


# --- sign-in -----------------------------------------------------------------------------------


def signin_page(desk: Desk, request: Request, lang: Lang, form: FormData, **context: Any) -> Response:
    token = presession_token()
    response = page(request, "signin.html", lang, presession=token, **context)
    response.set_cookie(PRESESSION_COOKIE, token, httponly=True, samesite="strict")
    return response


def signin_post(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    check_csrf(None, request, form.get("csrf"))
    fields = forms.Fields(lang)
    account, password = forms.signin(form, fields)
    if fields:
        return signin_page(desk, request, lang, form, status=400, errors=fields.errors, values={"account": account})
    client = request.client.host if request.client else "?"
    result = sign_in(desk, account, password, client, today().isoformat())
    if isinstance(result, str):
        fields.add("form", f"signin_{result}")
        return signin_page(desk, request, lang, form, status=429 if result == "throttled" else 400,
                           errors=fields.errors, values={"account": account})
    token, _ = result
    response = see_other("/dossiers")
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="strict")
    response.delete_cookie(PRESESSION_COOKIE)
    return response


def signout_post(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    who = current(desk, request)
    if who is not None:
        check_csrf(who, request, form.get("csrf"))
        sign_out(desk, who)
    response = see_other("/signin")
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- the list ----------------------------------------------------------------------------------


def dossiers_page(desk: Desk, request: Request, lang: Lang, form: FormData, **context: Any) -> Response:
    who = require(desk, request, *ALL)
    fields = forms.Fields(lang)
    organisation, status, due_before = forms.filters(request.query_params, fields)
    listing, agenda = None, {}
    if not fields:
        with desk.db() as conn:
            roster = load_roster(conn)
            listing = dossiers.listing(conn, roster, who.account, organisation=organisation, status=status,
                                       due_before=due_before, today=today())
            agenda = store.agenda(conn)
    errors = {**fields.errors, **context.pop("errors", {})}
    values = {**dict(request.query_params), **context.pop("values", {})}
    return page(request, "dossiers.html", lang, who=who, listing=listing, agenda=agenda, statuses=forms.STATUSES,
                errors=errors, values=values, **context)


def register_post(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    who = require(desk, request, "manager")
    check_csrf(who, request, form.get("csrf"))
    fields = forms.Fields(lang)
    record, folder = forms.registration(form, fields)
    if not fields and record is not None:
        try:
            with desk.db() as conn:
                added = add_record(conn, record, today=today())
                if folder is not None:
                    with transaction(conn):
                        store.set_audit_dir(conn, added.record_digest, str(folder.resolve()), who.account.id, store_now())
            return see_other(f"/dossier/{dossiers.url_id(added.record_digest)}")
        except InputError as exc:
            fields.errors["record"] = str(exc)
    return dossiers_page(desk, request, lang, form, status=400, errors=fields.errors, values=dict(form))


def store_now() -> int:
    import time

    return int(time.time())


# --- one dossier -------------------------------------------------------------------------------


def _dossier(desk: Desk, request: Request, who: Who, *, exclusive: bool = False) -> dossiers.Registered:
    """The dossier of the address, when the account may read it; its chain's lock waited for
    (bounded: a writer holding it too long gives 503, the register busy)."""
    with desk.db() as conn:
        known = dossiers.record_file(conn, request.path_params["rid"])
    if known is None:
        raise HTTPException(404, detail="desk.refused.unknown")
    try:
        wait_for_chain(Path(known[1]), wait_seconds(), exclusive=exclusive)
    except Busy:
        raise HTTPException(503, detail="desk.field.busy") from None
    with desk.db() as conn:
        found = dossiers.find(conn, request.path_params["rid"], known[0], today())
        if found is None:
            raise HTTPException(404, detail="desk.refused.unknown")
        if not dossiers.readable(conn, load_roster(conn), who.account, found.record_digest):
            raise HTTPException(403, detail="desk.refused.not_yours")
    return found


def dossier_page(desk: Desk, request: Request, lang: Lang, form: FormData, **context: Any) -> Response:
    who = require(desk, request, *ALL)
    r = _dossier(desk, request, who)
    chain = dossiers.chain_of(r, desk.register, today())
    reading, record = chain.reading, chain.record
    pending, rule = reading.pending, rule_of(record)
    with desk.db() as conn:
        audited = dossiers.audited_label(conn, load_roster(conn), who.account, chain)
        agenda = store.agenda(conn)
        folder = store.audit_dir(conn, r.record_digest)
    votes = [{"member": v.member, "verdict": v.verdict, "rationale": v.rationale,
              "decision": decision_text(record, v.status, v.level, lang)} for v in (pending.votes if pending else ())]
    voted = any(v["member"] == who.account.id for v in votes)
    final = reading.final
    state = (decision_text(record, final.status, final.level, lang) if final is not None
             else tr(f"register.status.{r.status}", lang=lang))
    signs = who.role in ("chair", "member")
    locked = signs and signing_key(desk, who) is None
    whatif_form, whatif_missing = _whatif_form(desk, r, folder, lang)
    context.setdefault("values", dict(request.query_params))
    done = request.query_params.get("done")
    if done in ("open", "vote", "close"):
        context.setdefault("notice", tr(f"desk.done.{done}", lang=lang))
    return page(
        request, "dossier.html", lang, who=who, r=r, rid=dossiers.url_id(r.record_digest), state=state, rule=rule,
        pending=pending, votes=votes, voted=voted, audited=audited and signs, locked=locked,
        chain_valid=chain.valid, verdicts=VERDICTS, levels=level_ids(record),
        can_open=who.role == "chair" and pending is None and chain.valid and not audited,
        can_vote=signs and pending is not None and not voted and not audited and chain.valid,
        can_close=who.role == "chair" and pending is not None and pending.opening.member == who.account.id
        and len(votes) >= rule.quorum,
        can_agenda=who.role == "manager" and pending is None and r.record_digest not in agenda,
        whatif_form=whatif_form, whatif_missing=whatif_missing, **context,
    )


def _whatif_form(desk: Desk, r: dossiers.Registered, folder: str | None, lang: Lang) -> tuple[Any, str]:
    if folder is None:
        return None, tr("desk.whatif.no_audit", lang=lang)
    try:
        scheme = desk.evidence.scheme(r, Path(folder))
    except InputError as exc:
        return None, str(exc)
    sources = [{"id": s, "title": scheme.sources[s].title.get(lang)} for s in sorted(scheme.sources)]
    levels = [{"id": lv.id, "title": lv.title.get(lang), "points": num(lv.min_points)} for lv in scheme.levels]
    return {"sources": sources, "levels": levels}, ""


def act_post(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    kind = request.path_params["act"]
    allowed: dict[str, tuple[DeskRole, ...]] = {"open": ("chair",), "close": ("chair",), "vote": ("chair", "member"),
                                               "agenda": ("manager",)}
    if kind not in allowed:
        raise HTTPException(404, detail="desk.refused.unknown")
    who = require(desk, request, *allowed[kind])
    check_csrf(who, request, form.get("csrf"))
    try:
        r = _dossier(desk, request, who, exclusive=True)
    except HTTPException as exc:
        if exc.status_code != 503:
            raise
        return page(request, "busy.html", lang, status=409, who=who, acted=kind, values=dict(form),
                    message=tr("desk.field.busy", lang=lang), action=request.url.path)
    back = f"/dossier/{dossiers.url_id(r.record_digest)}"
    if kind == "agenda":
        with desk.db() as conn:
            store.put_on_agenda(conn, r.record_digest, who.account.id, store_now())
        return see_other(back)
    fields = forms.Fields(lang)
    record = dossiers.chain_of(r, desk.register, today()).record
    details = forms.vote(form, record, fields) if kind == "vote" else {"rationale": forms.remark(form, fields)}
    key = signing_key(desk, who)
    if key is None:
        fields.add("act", "key_locked")
    if not fields and key is not None:
        try:
            act(kind, Path(r.record_file), signer=who.account.id, key=key, register=desk.register, today=today(),
                wait=wait_seconds(), **details)
            return see_other(f"{back}?done={kind}")
        except Busy:
            fields.add("act", "busy")
        except InputError as exc:
            fields.errors["act"] = str(exc)
    return dossier_page(desk, request, lang, form, status=409 if "act" in fields.errors else 400,
                        errors=fields.errors, values=dict(form), acted=kind)


def report_page(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    who = require(desk, request, *ALL)
    r = _dossier(desk, request, who)
    text = dossiers.report_page(r, desk.register, lang, today(), tr("desk.back", lang=lang))
    response = HTMLResponse(text)
    return secured(response, lang, request)


def explain_page(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    who = require(desk, request, *ALL)
    r = _dossier(desk, request, who)
    element = request.path_params.get("element")
    try:
        text = dossiers.explanation(r, element, lang)
    except InputError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    return page(request, "explain.html", lang, who=who, rid=dossiers.url_id(r.record_digest), element=element or
                tr("desk.explain.outcome", lang=lang), text=text)


def whatif_page(desk: Desk, request: Request, lang: Lang, form: FormData) -> Response:
    who = require(desk, request, *ALL)
    r = _dossier(desk, request, who)
    with desk.db() as conn:
        folder = store.audit_dir(conn, r.record_digest)
    if folder is None:
        return dossier_page(desk, request, lang, form)
    fields = forms.Fields(lang)
    changes = forms.whatif(request.query_params, desk.evidence.scheme(r, Path(folder)), fields)
    if changes is None:
        return dossier_page(desk, request, lang, form, status=400, errors=fields.errors)
    result = desk.evidence.run(r, Path(folder), changes, lang)
    return dossier_page(desk, request, lang, form, whatif=result)


# --- the application ---------------------------------------------------------------------------


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 303 and exc.headers:
        return see_other(exc.headers["Location"])
    lang = lang_of(request)
    detail = str(exc.detail)
    message = tr(detail, lang=lang) if detail.startswith("desk.") else detail
    return page(request, "error.html", lang, status=exc.status_code, message=message)


def create_app(register: Path, plugins: Plugins) -> Starlette:
    with_lang = threaded
    routes = [
        Route("/", lambda request: see_other("/dossiers")),
        Route("/signin", with_lang(signin_page), methods=["GET"]),
        Route("/signin", with_lang(signin_post), methods=["POST"]),
        Route("/signout", with_lang(signout_post), methods=["POST"]),
        Route("/dossiers", with_lang(dossiers_page), methods=["GET"]),
        Route("/dossiers/register", with_lang(register_post), methods=["POST"]),
        Route("/dossier/{rid}", with_lang(dossier_page), methods=["GET"]),
        Route("/dossier/{rid}/report", with_lang(report_page), methods=["GET"]),
        Route("/dossier/{rid}/explain", with_lang(explain_page), methods=["GET"]),
        Route("/dossier/{rid}/explain/{element}", with_lang(explain_page), methods=["GET"]),
        Route("/dossier/{rid}/whatif", with_lang(whatif_page), methods=["GET"]),
        Route("/dossier/{rid}/{act}", with_lang(act_post), methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: refused})
    app.state.desk = Desk(register, plugins)
    return app
