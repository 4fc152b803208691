"""Writing files (labelaudit.files): whole or not at all, no temporary left even when killed,
never over what a command reads or a committee wrote; the output path checks of every command;
the formula rule of the register's CSV export.

Run as root, a read-only folder does not stop a write: those cases monkeypatch `os.access` and
`os.open` to answer as the system answers an ordinary user.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES, REPO
from labelaudit import files
from labelaudit.errors import InputError
from labelaudit.files import atomic_output, check_output, safe_cell, remove_stale_temporaries, write_atomic


@pytest.fixture(params=["unnamed", "named"])
def scheme(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each write test runs with the O_TMPFILE file and with the named temporary of elsewhere."""
    if request.param == "unnamed" and not files.USE_UNNAMED:
        pytest.skip("no O_TMPFILE on this system")
    monkeypatch.setattr(files, "USE_UNNAMED", request.param == "unnamed")
    return str(request.param)


def message(caught: pytest.ExceptionInfo[InputError]) -> str:
    [problem] = caught.value.problems
    return str(problem)


@pytest.fixture
def umask() -> Iterator[None]:
    saved = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(saved)


# ---------------------------------------------------------------- writing


def test_writes_the_whole_file_with_the_users_umask(tmp_path: Path, scheme: str, umask: None) -> None:
    target = tmp_path / "deeper" / "record.json"
    write_atomic(target, "données\n")
    assert target.read_bytes() == "données\n".encode()
    assert target.stat().st_mode & 0o777 == 0o640  # 0666 less the umask 027, not mkstemp's 0600
    assert os.listdir(target.parent) == ["record.json"]


def test_never_replaces_unless_told(tmp_path: Path, scheme: str) -> None:
    target = tmp_path / "report.html"
    target.write_text("keep me", "utf-8")
    with pytest.raises(InputError) as caught:
        write_atomic(target, "new")
    assert message(caught) == f"{target}: already exists: nothing was written (labelaudit does not replace this file)"
    assert target.read_text("utf-8") == "keep me"
    write_atomic(target, "new", overwrite=True)
    assert target.read_text("utf-8") == "new"
    assert os.listdir(tmp_path) == ["report.html"]


def test_a_file_created_meanwhile_is_not_replaced(tmp_path: Path, scheme: str) -> None:
    """The name is given with a link, which fails on an existing name: no check-then-write race."""
    target = tmp_path / "grid.xlsx"
    with pytest.raises(InputError, match="already exists"):
        with atomic_output(target) as handle:
            handle.write(b"ours")
            target.write_bytes(b"a colleague's")
    assert target.read_bytes() == b"a colleague's"
    assert os.listdir(tmp_path) == ["grid.xlsx"]


def test_an_error_in_the_block_leaves_nothing(tmp_path: Path, scheme: str) -> None:
    target = tmp_path / "record.json"
    with pytest.raises(RuntimeError):
        with atomic_output(target) as handle:
            handle.write(b"half")
            raise RuntimeError("the renderer failed")
    assert os.listdir(tmp_path) == []


def test_a_full_disk_is_a_placed_message_and_leaves_the_old_file(
    tmp_path: Path, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "record.json"
    target.write_text("the previous record", "utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(InputError) as caught:
        write_atomic(target, b"x" * 100_000, overwrite=True)
    assert message(caught) == f"{target}: the disk is full: nothing was written"
    assert target.read_text("utf-8") == "the previous record"
    assert os.listdir(tmp_path) == ["record.json"]


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system (tmpfs), where the system itself answers ENOSPC."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_really_full_disk(tiny_disk: Path, scheme: str) -> None:
    with pytest.raises(InputError) as caught:
        write_atomic(tiny_disk / "record.json", b"x" * 300_000)
    assert message(caught) == f"{tiny_disk / 'record.json'}: the disk is full: nothing was written"
    assert os.listdir(tiny_disk) == []
    write_atomic(tiny_disk / "small.json", b"{}")  # and the space came back
    assert os.listdir(tiny_disk) == ["small.json"]


def test_permission_denied_in_the_users_language(tmp_path: Path, scheme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def denied(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", denied)
    from labelaudit.i18n import set_lang

    set_lang("fr")
    try:
        with pytest.raises(InputError) as caught:
            write_atomic(tmp_path / "rapport.html", "x")
        shown = message(caught)
    finally:
        set_lang("en")
    assert shown == f"{tmp_path / 'rapport.html'}: écriture refusée (permissions) : rien n'a été écrit"
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- killed mid-write

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from labelaudit import files

    files.USE_UNNAMED = sys.argv[2] == "unnamed"
    with files.atomic_output(Path(sys.argv[1])) as handle:
        handle.write(b"x" * (16 << 20))  # a network's record is tens of megabytes
        handle.flush()
        print("writing", flush=True)
        while True:  # a slow renderer: killed before it ends
            handle.write(b"y" * (1 << 20))
            handle.flush()
            time.sleep(0.05)
    """
)


def killed_while_writing(target: Path, scheme: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), scheme], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    child.stdout.close()


def test_a_killed_write_leaves_no_temporary(tmp_path: Path, scheme: str) -> None:
    """Unnamed: nothing is left at all. Named: the temporary is left, and the next write to the
    folder removes it, its process being gone."""
    killed_while_writing(tmp_path / "record.json", scheme)
    if scheme == "unnamed":
        assert os.listdir(tmp_path) == []  # the kernel freed the unnamed file with the process
    else:
        [left] = os.listdir(tmp_path)
        assert left.startswith(".record.json.labelaudit-tmp-") and (tmp_path / left).stat().st_size >= 16 << 20
    write_atomic(tmp_path / "report.html", "next")
    assert os.listdir(tmp_path) == ["report.html"]


def test_a_live_or_foreign_temporary_is_kept(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / files.temporary_name("record.json").replace(f"-{os.getpid()}", f"-{sleeper.pid}")
        foreign = tmp_path / ".record.json.labelaudit-tmp-another_machine-1"
        live.write_bytes(b"being written")
        foreign.write_bytes(b"being written on the share by another machine")
        assert remove_stale_temporaries(tmp_path) == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale_temporaries(tmp_path) == [live.name]  # its process is gone now
    assert sorted(os.listdir(tmp_path)) == [foreign.name]


# ---------------------------------------------------------------- output paths


def refused(path: Path, **kwargs: Any) -> str:
    with pytest.raises(InputError) as caught:
        check_output(path, **kwargs)
    return message(caught)


def test_paths_no_file_can_have(tmp_path: Path) -> None:
    (tmp_path / "audit.toml").write_text("", "utf-8")
    os.mkfifo(tmp_path / "pipe")
    assert refused(tmp_path, force=True) == f"{tmp_path}: is a folder: give the name of a file"
    assert refused(tmp_path / "audit.toml" / "r.json") == (
        f"{tmp_path / 'audit.toml' / 'r.json'}: {tmp_path / 'audit.toml'} is a file, not a folder: nothing can be written under it"
    )
    assert refused(tmp_path / ("n" * 256)).endswith("name too long (256 bytes, at most 255)")
    assert "path too long" in refused(tmp_path / ("d/" * 2100) / "r.json")
    assert refused(tmp_path / "pipe", force=True).endswith("is not an ordinary file (a device, a pipe…): labelaudit writes only ordinary files")
    assert refused(Path("/dev/null"), force=True).endswith("is not an ordinary file (a device, a pipe…): labelaudit writes only ordinary files")


def test_what_is_never_written_over_even_with_force(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text("{}", "utf-8")
    with sqlite3.connect(tmp_path / "archive.db") as db:
        db.execute("CREATE TABLE t (x)")
    (tmp_path / "link.json").symlink_to(record)
    assert refused(tmp_path / "record.json.reviews.jsonl", force=True).endswith("is a committee reviews file (*.reviews.jsonl): labelaudit never writes over it")
    assert refused(tmp_path / "Record.json.REVIEWS.jsonl").endswith("is a committee reviews file (*.reviews.jsonl): labelaudit never writes over it")
    assert refused(tmp_path / "archive.db", force=True).endswith("is a label register (SQLite): labelaudit never writes over it")
    assert refused(tmp_path / "labelaudit-register.sqlite", force=True).endswith("is a label register (SQLite): labelaudit never writes over it")
    assert refused(tmp_path / "link.json", reads=[record], force=True).endswith(f"is a file this command reads ({record}): choose another file")
    assert refused(tmp_path / "sub" / ".." / "record.json", reads=[record], force=True).endswith(f"is a file this command reads ({record}): choose another file")


def test_existing_files_and_reviewed_records(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text("{}", "utf-8")
    assert refused(record).endswith("already exists: nothing was written (use --force to replace it)")
    assert refused(record, forceable=False).endswith("already exists: nothing was written (labelaudit does not replace this file)")
    check_output(record, force=True)
    sidecar = tmp_path / "record.json.reviews.jsonl"
    expected = (
        f"{record}: this record has committee reviews ({sidecar}): replacing it would detach them "
        "from what they judged; write the new record to another file"
    )
    sidecar.write_text('{"seq": 1}\n', "utf-8")
    assert refused(record, force=True) == expected
    sidecar.write_text("", "utf-8")  # emptied by hand: the register still holds the chain it cut
    assert refused(record, force=True) == expected


def test_a_read_only_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)  # what a non-root user gets
    assert refused(tmp_path / "new" / "record.json") == f"{tmp_path / 'new' / 'record.json'}: no permission to write in the folder {tmp_path}"


# ---------------------------------------------------------------- through the commands


def run(*args: str | Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LABELAUDIT_LANG": lang, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-m", "labelaudit", *map(str, args)], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )


def test_score_refuses_a_folder_before_scoring_and_writes_nothing(tmp_path: Path) -> None:
    audit = tmp_path / "audit"
    shutil.copytree(FIXTURES / "capped", audit)
    done = run("score", audit, "-o", audit / "surveys", "--force")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: {audit / 'surveys'}: is a folder: give the name of a file\n"
    done = run("score", audit, "-o", audit / "surveys" / "clients.csv", "--force", lang="fr")
    assert done.returncode == 2 and "est un fichier que cette commande lit" in done.stderr
    assert (audit / "surveys" / "clients.csv").read_bytes() == (FIXTURES / "capped" / "surveys" / "clients.csv").read_bytes()


def test_init_never_replaces_an_existing_grid(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "grid.xlsx").write_bytes(b"the auditor's filled-in grid")
    done = run("init", folder, "--organisation", "X", "--site", "a=A")
    assert done.returncode == 2 and "already exists" in done.stderr, done.stderr
    assert (folder / "grid.xlsx").read_bytes() == b"the auditor's filled-in grid"
    assert sorted(os.listdir(folder)) == ["grid.xlsx"]


# ---------------------------------------------------------------- spreadsheet cells


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(\"http://example.invalid\")", "'=HYPERLINK(\"http://example.invalid\")"),
        ("+33 5 65 00 00 00", "'+33 5 65 00 00 00"),
        ("-5 agences", "'-5 agences"),
        ("-2+A1", "'-2+A1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5", "-5"),  # a number a spreadsheet reads as a number
        ("+1.5", "+1.5"),
        ("-0,25", "-0,25"),
        ("Banque Coopérative", "Banque Coopérative"),
        ("", ""),
        (-5, -5),  # not text: left as it is
        (None, None),
    ],
)
def test_safe_cell(value: Any, written: Any) -> None:
    assert safe_cell(value) == written


def test_the_register_export_neutralises_formulas(tmp_path: Path, cli: Any) -> None:
    audit = tmp_path / "audit"
    shutil.copytree(FIXTURES / "capped", audit)
    text = (audit / "audit.toml").read_text("utf-8")
    text = text.replace('organisation = "Banque Coopérative du Rouergue"', 'organisation = "=HYPERLINK(\\"http://example.invalid\\")"')
    text = text.replace('scope = "', 'scope = "-5 agences ', 1)
    (audit / "audit.toml").write_text(text, "utf-8")
    record, db, export = tmp_path / "r.json", tmp_path / "register.sqlite", tmp_path / "register.csv"
    assert cli("score", audit, "-o", record)[0] == 0
    assert cli("register", "add", record, "--register", db)[0] == 0
    assert cli("register", "export", "--csv", export, "--register", db)[0] == 0
    [row] = csv.DictReader(io.StringIO(export.read_text("utf-8"), newline=""))
    assert row["organisation"] == "'=HYPERLINK(\"http://example.invalid\")"
    assert row["scope"].startswith("'-5 agences ")
    assert (row["proposed_points"], row["reviews"], row["validity_years"]) == ("956.3", "0", "3")  # numbers stay numbers
    code, _, err = cli("register", "export", "--csv", db, "--register", db, "--force")
    assert code == 2 and "is a label register (SQLite)" in err


def test_commands_write_with_the_users_umask(tmp_path: Path) -> None:
    """A record, a report and a grid are for colleagues: 0666 less the umask, not private."""
    env = {**os.environ, "LABELAUDIT_LANG": "en", "PYTHONWARNINGS": "error"}
    record, report, grid = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "grid.xlsx"
    commands = [
        ["score", FIXTURES / "capped", "-o", record],
        ["report", record, "-o", report],
        ["grid", "--site", "a=A", "-o", grid],
    ]
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-m", "labelaudit", *map(str, args)], capture_output=True, text=True,
            cwd=REPO, env=env, timeout=120, preexec_fn=lambda: os.umask(0o027),
        )
        assert done.returncode == 0, done.stderr
    assert {p.name: p.stat().st_mode & 0o777 for p in (record, report, grid)} == {"r.json": 0o640, "r.html": 0o640, "grid.xlsx": 0o640}
    assert sorted(os.listdir(tmp_path)) == ["grid.xlsx", "r.html", "r.json"]
