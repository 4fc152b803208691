"""The committee desk in a test: a register with the standing committee, desk accounts, golden
records registered with their audit folders, and `labelaudit serve` run as a real subprocess
on a free 127.0.0.1 port (stopped with SIGINT, as Ctrl-C does)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from committee_helpers import Desk, copy

from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.schema import transaction
from labelaudit.desk import store
from labelaudit.desk.keys import hash_password, seal

ROOT = Path(__file__).resolve().parent.parent
VOTERS = tuple(f"m{i:02d}" for i in range(1, 11))  # ten more members, for the votes at once
AUDITS = {"demo": "demo", "excellence": "excellence", "capped": "capped", "service-commitments": "service-commitments"}


def password(account: str) -> str:
    return f"long enough password of {account}"


def build(folder: Path) -> tuple[Path, dict[str, Path]]:
    """The register (roster, desk accounts, records) and the record files, by golden name."""
    desk = Desk(folder).standing()
    desk.enrol("pgauthier", "Pierre Gauthier", ("member",))  # audited service-commitments
    for i, member in enumerate(VOTERS, 1):
        desk.enrol(member, f"Membre Numéro {chr(64 + i)}", ("member",))
    records = {name: copy(folder, name) for name in AUDITS}
    with open_register(desk.db) as conn:
        store.ensure_tables(conn)
        with transaction(conn):
            for member in ("pmartin", "hvasseur", "proux", "jmartin", "pgauthier", *VOTERS):
                role = "chair" if member == "pmartin" else "member"
                store.add_account(conn, store.Account(member, role, hash_password(password(member)),  # type: ignore[arg-type]
                                                      seal(member, desk.keys[member], password(member))), 0)
            store.add_account(conn, store.Account("cdubois", "auditor", hash_password(password("cdubois")), None), 0)
    for key in ("pmartin",):
        desk.key_file(key)
    return desk.db, records


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, db: Path, folder: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "labelaudit", "serve", "--register", str(db), "--port", str(self.port), "--lang", "en"],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/signin", timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the desk did not start: {self.process.communicate()}") from None
                time.sleep(0.2)

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C: SIGINT, then the exit code and what it printed."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err


@contextmanager
def serving(db: Path, folder: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(db, folder, env)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


class Client:
    """A browser without a browser: cookies, forms with their CSRF token, redirects followed."""

    def __init__(self, base: str, lang: str = "en") -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.lang = lang
        self.csrf = ""

    def get(self, path: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(self.base + path, headers={"Accept-Language": self.lang}))

    def post(self, path: str, fields: dict[str, str], *, csrf: bool = True) -> tuple[int, str]:
        data = {**({"csrf": self.csrf} if csrf else {}), **fields}
        request = urllib.request.Request(self.base + path, urllib.parse.urlencode(data).encode(),
                                         headers={"Accept-Language": self.lang})
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text = response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8")
        found = re.search(r'name="csrf" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        return status, text

    def sign_in(self, account: str, secret: str | None = None) -> tuple[int, str]:
        self.get("/signin")
        return self.post("/signin", {"account": account, "password": secret if secret is not None else password(account)})


def register_as_manager(client: Client, record: Path, audit: str) -> str:
    """The manager registers a record with its audit folder; the dossier's path."""
    status, _ = client.post("/dossiers/register", {"record": str(record), "audit_dir": str(ROOT / "fixtures" / audit)})
    assert status == 200
    return dossier_path(record)


def dossier_path(record: Path) -> str:
    import hashlib

    return "/dossier/" + hashlib.sha256(record.read_bytes()).hexdigest()


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


__all__ = ["Client", "Server", "build", "serving", "register_path", "password", "register_as_manager", "dossier_path"]
