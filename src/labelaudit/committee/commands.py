"""`labelaudit review …` and `labelaudit member …`: argparse and handlers only.

    labelaudit member keygen --id hvasseur -o hvasseur.key        # private key, mode 0600
    labelaudit member add hvasseur --name "Hélène Vasseur" --role member \\
        --public-key hvasseur.pub --since 2026-01-01
    labelaudit review mtr.json --open --chair pmartin --key pmartin.key
    labelaudit review mtr.json --vote confirm --member hvasseur --key hvasseur.key
    labelaudit review mtr.json --close --chair pmartin --key pmartin.key
    labelaudit review mtr.json --show

Dates are inputs (`--on`, `--since`); only here does a missing one become today.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from labelaudit import options
from labelaudit.committee.chain import VERDICTS, paths, sidecar_path
from labelaudit.committee.display import decision_text, render_chain
from labelaudit.committee.register import existing_register, open_register, read_chain, register_path
from labelaudit.committee.roster import ROLES, add_member, check_id, load_roster, retire
from labelaudit.committee.schema import transaction
from labelaudit.committee.signing import key_file, key_id, load_private_key, load_public_key, public_pem, write_private_key
from labelaudit.committee.writer import cast_vote, close_session, open_session
from labelaudit.errors import InputError
from labelaudit.files import check_output, write_atomic
from labelaudit.i18n import current_lang, tr, words
from labelaudit.i18n.formatting import short_date
from labelaudit.model import Lang

Output = Callable[[str], None]


def _today() -> dt.date:
    return dt.date.today()  # the CLI edge: the only clock


# --- review ------------------------------------------------------------------------------------


def _act(args: argparse.Namespace) -> str:
    acts = [name for name, given in (("open", args.open), ("vote", args.vote is not None), ("close", args.close),
                                     ("show", args.show)) if given]
    if not acts:
        raise InputError.at("review", "", tr("review.needs"))
    if len(acts) > 1:
        raise InputError.at("--" + acts[1], "", tr("review.acts.one"))
    return acts[0]


def _signer(args: argparse.Namespace, act: str) -> str:
    option = "--member" if act == "vote" else "--chair"
    value = args.member if act == "vote" else args.chair
    if value is None:
        raise InputError.at(option, "", tr("review.needs_member", act="--" + act, option=option + " ID"))
    return check_id(value)


def cmd_review(args: argparse.Namespace, plugins: object, out: Output) -> int:
    act = _act(args)
    if act == "show":
        return _show(args, out)
    signer = _signer(args, act)
    register = existing_register(args.register)
    if register is None:
        raise InputError.at("--register", "", tr("review.no_register"))
    today = _today()
    on = args.on if args.on is not None else today
    if on > today:
        raise InputError.at("--on", "", tr("review.future", date=on.isoformat(), today=today))
    key = load_private_key(key_file(args.key))
    common: dict[str, Any] = {"key": key, "on": on, "register": register, "today": today, "rationale": args.rationale}
    if act == "open":
        entry = open_session(args.record, chair=signer, **common)
    elif act == "vote":
        entry = cast_vote(args.record, member=signer, verdict=args.vote, level=args.level, refuse=args.refuse, **common)
    else:
        entry = close_session(args.record, chair=signer, **common)
    record_path = paths(args.record)[0]
    out(tr("review.recorded", seq=entry.seq, kind=words.entry(entry.kind), member=entry.member, date=entry.date,
           path=sidecar_path(record_path)))
    if entry.kind == "close":
        chain = read_chain(record_path, register=register, today=today)
        out(tr("review.recorded.close", session=entry.session, count=entry.count,
               reason=tr(f"review.reason.{entry.reason}"),
               decision=decision_text(chain.record, entry.status, entry.level, current_lang())))
    return 0


def _show(args: argparse.Namespace, out: Output) -> int:
    given = [o for o in ("member", "chair", "level", "rationale", "on", "key") if getattr(args, o) is not None]
    if given or args.refuse:
        raise InputError.at("--show", "", tr("review.show.alone"))
    chain = read_chain(args.record, register=existing_register(args.register), today=_today())
    for line in render_chain(chain):
        out(line)
    return 0 if chain.valid else 2


def _add_review(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    def h(key: str) -> str:
        return tr(f"review.help.{key}", lang=lang)

    parser = commands.add_parser("review", parents=[common], help=h("review"), description=h("description"))
    parser.add_argument("record", type=Path, metavar="RECORD", help=h("record"))
    parser.add_argument("--open", action="store_true", help=h("open"))
    parser.add_argument("--vote", choices=VERDICTS, help=h("vote"))
    parser.add_argument("--close", action="store_true", help=h("close"))
    parser.add_argument("--show", action="store_true", help=h("show"))
    parser.add_argument("--chair", metavar="ID", help=h("chair"))
    parser.add_argument("--member", metavar="ID", help=h("member"))
    parser.add_argument("--key", type=Path, metavar="FILE", help=h("key"))
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--level", metavar="LEVEL", help=h("level"))
    target.add_argument("--refuse", action="store_true", help=h("refuse"))
    parser.add_argument("--rationale", metavar="TEXT", help=h("rationale"))
    parser.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=h("on"))
    parser.add_argument("--register", type=Path, metavar="DB", help=h("register"))
    parser.set_defaults(handler=cmd_review)


# --- member ------------------------------------------------------------------------------------


def cmd_keygen(args: argparse.Namespace, plugins: object, out: Output) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    check_id(args.id)
    key = Ed25519PrivateKey.generate()
    public = args.output.with_name(args.output.name + ".pub")
    if public.exists():
        raise InputError.at(public, "", tr("committee.key.exists"))
    check_output(args.output, forceable=False)
    write_private_key(args.output, key)
    write_atomic(public, public_pem(key.public_key()))
    out(tr("committee.key.written", path=args.output, public=public, key=key_id(key.public_key())))
    return 0


def cmd_member_add(args: argparse.Namespace, plugins: object, out: Output) -> int:
    public = None if args.no_key else (load_public_key(args.public_key) if args.public_key else None)
    since = args.since if args.since is not None else _today()
    db = register_path(args.register)
    with open_register(db) as conn, transaction(conn):
        member = add_member(conn, args.id, name=args.name, roles=args.role or [], since=since, public=public)
    key = tr("committee.member.key", key=member.keys[0].key_id) if member.keys else ""
    out(tr("committee.member.added", path=db, id=member.id, name=member.name, roles=words.roles(",".join(member.roles)),
           since=member.since, key=key))
    return 0


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def cmd_member_list(args: argparse.Namespace, plugins: object, out: Output) -> int:
    with open_register(register_path(args.register), create=False) as conn:
        roster = load_roster(conn)
    if not roster.members:
        out(tr("committee.member.none"))
        return 0
    header = [tr(f"committee.member.{c}") for c in ("id", "name", "roles", "since", "until", "keys")]
    lang = current_lang()
    rows = [
        [m.id, m.name, words.roles(",".join(m.roles)), short_date(m.since, lang), short_date(m.retired_on, lang),
         " ".join(f"{k.key_id}{'' if k.retired_on is None else ' (' + short_date(k.retired_on, lang) + ')'}" for k in m.keys)
         or "—"]
        for m in roster.members
    ]
    for line in _table([header, *rows]):
        out(line)
    return 0


def cmd_member_retire(args: argparse.Namespace, plugins: object, out: Output) -> int:
    on = args.on if args.on is not None else _today()
    with open_register(register_path(args.register), create=False) as conn, transaction(conn):
        keys = retire(conn, args.id, on=on, key=args.key)
    out(tr("committee.member.retired", id=args.id, date=on, keys=", ".join(keys) or "—"))
    return 0


def _add_member(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    def h(key: str) -> str:
        return tr(f"committee.help.{key}", lang=lang)

    db = options.register_option(lang)
    parents = [common, db]
    top = commands.add_parser("member", help=h("member"), description=h("member"))
    actions = top.add_subparsers(dest="member_action", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=parents, help=h("add"), description=h("add"))
    add.add_argument("id", metavar="ID", help=h("id"))
    add.add_argument("--name", required=True, help=h("name"))
    add.add_argument("--role", action="append", choices=ROLES, help=h("role"))
    keys = add.add_mutually_exclusive_group(required=True)
    keys.add_argument("--public-key", type=Path, metavar="FILE", help=h("public_key"))
    keys.add_argument("--no-key", action="store_true", help=h("no_key"))
    add.add_argument("--since", type=options.date, metavar="YYYY-MM-DD", help=h("since"))
    add.set_defaults(handler=cmd_member_add)

    keygen = actions.add_parser("keygen", parents=[common], help=h("keygen"), description=h("keygen"))
    keygen.add_argument("--id", required=True, metavar="ID", help=h("id"))
    keygen.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help=h("output"))
    keygen.set_defaults(handler=cmd_keygen)

    listing = actions.add_parser("list", parents=parents, help=h("list"), description=h("list"))
    listing.set_defaults(handler=cmd_member_list)

    retiring = actions.add_parser("retire", parents=parents, help=h("retire"), description=h("retire"))
    retiring.add_argument("id", metavar="ID", help=h("id"))
    retiring.add_argument("--key", metavar="KEY_ID", help=h("key"))
    retiring.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=h("on"))
    retiring.set_defaults(handler=cmd_member_retire)


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`labelaudit review …` and `labelaudit member …`."""
    _add_review(commands, common, lang)
    _add_member(commands, common, lang)
