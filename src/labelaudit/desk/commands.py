"""`labelaudit serve` (the desk) and `labelaudit desk account add|list` (its accounts).

    labelaudit desk account add hvasseur --role member --key hvasseur.key --register reg.sqlite
    labelaudit desk account add cdurand --role manager --register reg.sqlite
    labelaudit serve --register reg.sqlite --port 8080

The password is asked twice on a terminal, or read from the first line of standard input with
`--password-stdin`. Ctrl-C (SIGINT) or SIGTERM stops the server cleanly: it stops accepting,
lets the requests in flight finish (a vote being written is written and acknowledged), then
exits; nothing acknowledged is lost, since a vote is acknowledged only once on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.roster import check_id, load_roster
from labelaudit.committee.schema import transaction
from labelaudit.committee.signing import key_id, load_private_key
from labelaudit.desk import store
from labelaudit.desk.keys import hash_password, seal
from labelaudit import options
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.model import Lang

Output = Callable[[str], None]
MIN_PASSWORD = 12


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 5 or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(tr("desk.cli.bad_port", value=text[:20]))
    return int(text)


def cmd_serve(args: argparse.Namespace, plugins: Any, out: Output) -> int:
    import uvicorn

    from labelaudit.desk.app import create_app

    db = register_path(args.register)
    with open_register(db, create=False) as conn:
        store.ensure_tables(conn)
    app = create_app(db, plugins)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=60, server_header=False)
    out(tr("desk.cli.serving", url=f"http://{args.host}:{args.port}/", path=db))
    sys.stdout.flush()
    uvicorn.Server(config).run()
    out(tr("desk.cli.stopped"))
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(tr("desk.cli.password"))
        if getpass.getpass(tr("desk.cli.password_again")) != password:
            raise InputError.at("--password", "", tr("desk.cli.password_differs"))
    if len(password) < MIN_PASSWORD:
        raise InputError.at("--password", "", tr("desk.cli.password_short", most=MIN_PASSWORD))
    return password


def _check_roster(conn: Any, account_id: str, role: str, key_file: Path | None, today: dt.date) -> Any:
    """The roster entry a committee account is for, and the member's key when they sign."""
    if role == "manager":
        if key_file is not None:
            raise InputError.at("--key", "", tr("desk.cli.no_key_for", role=role))
        return None
    member = load_roster(conn).get(account_id)
    if member is None or not member.in_force(today):
        raise InputError.at("ID", "", tr("desk.cli.not_on_roster", id=account_id))
    wanted = {"chair": ("chair",), "member": ("member", "chair"), "auditor": ("auditor",)}[role]
    if not any(r in member.roles for r in wanted):
        raise InputError.at("--role", "", tr("desk.cli.roster_role", id=account_id, role=role, roles=", ".join(member.roles)))
    if role == "auditor":
        if key_file is not None:
            raise InputError.at("--key", "", tr("desk.cli.no_key_for", role=role))
        return None
    if key_file is None:
        raise InputError.at("--key", "", tr("desk.cli.key_needed", role=role))
    key = load_private_key(key_file)
    known = member.key(key_id(key.public_key()))
    if known is None or not known.in_force(today):
        raise InputError.at(key_file, "", tr("desk.cli.key_not_members", id=account_id, key=key_id(key.public_key())))
    return key


def cmd_account_add(args: argparse.Namespace, plugins: Any, out: Output) -> int:
    account_id = check_id(args.id)
    db = register_path(args.register)
    with open_register(db, create=False) as conn:
        store.ensure_tables(conn)
        key = _check_roster(conn, account_id, args.role, args.key, dt.date.today())
        if store.get_account(conn, account_id) is not None:
            raise InputError.at("ID", "", tr("desk.cli.account_exists", id=account_id))
    password = _password(args)
    account = store.Account(account_id, args.role, hash_password(password),
                            seal(account_id, key, password) if key is not None else None)
    with open_register(db, create=False) as conn, transaction(conn):
        if store.get_account(conn, account_id) is not None:
            raise InputError.at("ID", "", tr("desk.cli.account_exists", id=account_id))
        store.add_account(conn, account, int(time.time()))
    out(tr("desk.cli.account_added", id=account_id, role=tr(f"desk.role.{args.role}"), path=db))
    return 0


def cmd_account_list(args: argparse.Namespace, plugins: Any, out: Output) -> int:
    with open_register(register_path(args.register), create=False) as conn:
        store.ensure_tables(conn)
        accounts = store.all_accounts(conn)
    if not accounts:
        out(tr("desk.cli.no_accounts"))
    for a in accounts:
        out(f"{a.id}  {tr(f'desk.role.{a.role}')}  {a.sealed.key_id if a.sealed else '—'}")
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`labelaudit serve …` and `labelaudit desk account …`."""

    def h(key: str) -> str:
        return tr(f"desk.help.{key}", lang=lang)

    db = options.register_option(lang)
    serve = commands.add_parser("serve", parents=[common, db], help=h("serve"), description=h("serve"))
    serve.add_argument("--host", default="127.0.0.1", help=h("host"))
    serve.add_argument("--port", type=_port, default=8000, metavar="N", help=h("port"))
    serve.set_defaults(handler=cmd_serve, lasting=True)  # a server: see cli._main

    top = commands.add_parser("desk", help=h("desk"), description=h("desk"))
    areas = top.add_subparsers(dest="desk_area", required=True, metavar="AREA")
    account = areas.add_parser("account", help=h("account"), description=h("account"))
    actions = account.add_subparsers(dest="desk_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common, db], help=h("add"), description=h("add"))
    add.add_argument("id", metavar="ID", help=h("id"))
    add.add_argument("--role", required=True, choices=store.DESK_ROLES, help=h("role"))
    add.add_argument("--key", type=Path, metavar="FILE", help=h("key"))
    add.add_argument("--password-stdin", action="store_true", help=h("password_stdin"))
    add.set_defaults(handler=cmd_account_add)
    listing = actions.add_parser("list", parents=[common, db], help=h("list"), description=h("list"))
    listing.set_defaults(handler=cmd_account_list)
