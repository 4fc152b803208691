"""Writing the files a person relies on: whole or not at all, never a stray temporary, never over
what labelaudit reads or what a committee wrote; and the cell rule of every spreadsheet it writes.

- `check_output` refuses a bad output path before any work (a folder, a path under a file, a
  name too long, a reviews file, a register, a file the command reads, an existing file without
  --force, a record that has reviews), so that a long scoring run never ends in "cannot write".
- `atomic_output` / `write_atomic` write the bytes to a file without a name (Linux `O_TMPFILE`)
  and give it its name only once it is complete and on disk: a process killed mid-write leaves
  nothing behind, because the kernel frees an unnamed file with its last descriptor. Where that
  is not available the temporary is named `.NAME.labelaudit-tmp-HOST-PID`, and every later
  write to the same folder removes those whose process is gone.
- Files are created with the user's umask (0666 & ~umask): grids, records, reports and exports
  are read by colleagues.
- Every failure is an `InputError` naming the path and what went wrong in the user's language.
"""

from __future__ import annotations

import errno
import os
import re
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TypeVar

from labelaudit.errors import InputError
from labelaudit.i18n import both
from labelaudit.model import Text

TEMP_MARK = ".labelaudit-tmp-"
SIDECAR_SUFFIX = ".reviews.jsonl"  # a record's reviews chain, appended to by `review`
REGISTER_NAME = "labelaudit-register.sqlite"  # the register's default file name
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database
_NAME_MAX, _PATH_MAX = 255, 4096  # Linux's limits, used where pathconf cannot say
# O_TMPFILE is Linux-only; tests set this to False to exercise the named scheme.
USE_UNNAMED = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")

T = TypeVar("T")


# ---------------------------------------------------------------- checking an output path


def check_output(
    path: Path, *, reads: Iterable[Path] = (), force: bool = False, forceable: bool = True
) -> None:
    """Refuse, before any work, an output path that cannot or must not be written.

    `reads` are the files the command reads (the record of `report`, the audit file and evidence
    of `score`): never overwritten, even with --force. `forceable` is False for a command with no
    --force (`grid`, `init`): an existing file is then never replaced.
    """
    what = _shape_problem(path) or _protected(path, tuple(reads))
    if what is None and _exists(path):
        if not force:
            what = both("files.exists" if forceable else "files.exists_kept")
        else:
            what = _has_reviews(path)
    if what is None:
        what = _unwritable_folder(path)
    if what is not None:
        raise InputError.at(path, "", what)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _first_existing(path: Path) -> Path:
    """The nearest ancestor of `path` that exists (the folder a write will create things in)."""
    for parent in path.absolute().parents:
        if os.path.lexists(parent):
            return parent
    return Path(path.absolute().anchor)


def _shape_problem(path: Path) -> Text | None:
    """A path that no file can have: too long, under a file, a folder, a device or a pipe."""
    folder = _first_existing(path)
    if not folder.is_dir():
        return both("files.parent_not_folder", parent=folder)
    name_max, path_max = _limits(folder)
    for part in path.parts:
        if len(os.fsencode(part)) > name_max:
            return both("files.name_too_long", length=len(os.fsencode(part)), limit=name_max)
    if len(os.fsencode(str(path.absolute()))) >= path_max:
        return both("files.path_too_long", length=len(os.fsencode(str(path.absolute()))), limit=path_max - 1)
    if path.is_dir():
        return both("files.is_dir")
    if _exists(path) and path.exists() and not path.is_file():
        return both("files.not_regular")  # /dev/null as root: a replace would delete the device
    return None


def _limits(folder: Path) -> tuple[int, int]:
    try:
        return os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError):
        return _NAME_MAX, _PATH_MAX


def _protected(path: Path, reads: tuple[Path, ...]) -> Text | None:
    """What labelaudit never writes over, --force or not."""
    name = path.name.lower()  # the same file on a case-insensitive disk (macOS, Windows)
    if name.endswith(SIDECAR_SUFFIX):
        return both("files.sidecar")
    if name == REGISTER_NAME or _is_sqlite(path):
        return both("files.register")
    for read in reads:
        if _same_file(path, read):
            return both("files.read_input", path=read)
    return None


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: compare the names a write would use
        return a.absolute().resolve() == b.absolute().resolve()


def _has_reviews(path: Path) -> Text | None:
    """A record with a committee chain, even an empty one: replacing it would leave the entries
    judging bytes that are gone, and nothing the committee recorded may be destroyed."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    return both("files.has_reviews", sidecar=sidecar) if os.path.lexists(sidecar) else None


def _unwritable_folder(path: Path) -> Text | None:
    folder = _first_existing(path)
    if not os.access(folder, os.W_OK | os.X_OK):
        return both("files.read_only", folder=folder)
    return None


# ---------------------------------------------------------------- writing


def write_atomic(path: Path, text: str | bytes, *, overwrite: bool = False, mode: int = 0o666) -> None:
    """Write `text` (str as UTF-8 with its own line ends, bytes as they are): all of it or nothing.

    Refuses an existing `path` unless `overwrite`; the refusal holds even against a file created
    meanwhile by another process (the name is given with a link, which never replaces). `mode`
    (less the umask) is the file's from its creation: a private key is never readable by others,
    not even for an instant.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with atomic_output(path, overwrite=overwrite, mode=mode) as handle:
        handle.write(data)


@contextmanager
def atomic_output(path: Path, *, overwrite: bool = False, mode: int = 0o666) -> Iterator[BinaryIO]:
    """A binary file to write into; `path` gets its content only when the block ends normally.

    If the block raises, or the process dies, `path` is untouched and no temporary remains.
    """
    if _exists(path) and not overwrite:
        raise InputError.at(path, "", both("files.exists_kept"))
    problem = _shape_problem(path)
    if problem is not None:
        raise InputError.at(path, "", problem)
    folder = _make_folder(path)
    remove_stale_temporaries(folder)
    with _os_errors(path):
        temporary = _Temporary.open(folder, path.name, mode)
    try:
        with _os_errors(path):  # a full disk shows in a write, a flush or the fsync
            with os.fdopen(temporary.fd, "wb", closefd=False) as handle:
                yield handle  # type: ignore[misc]
                handle.flush()
                os.fsync(temporary.fd)
            temporary.publish(path.name, overwrite=overwrite)
    finally:
        temporary.discard()


def _make_folder(path: Path) -> Path:
    folder = path.parent
    with _os_errors(path):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Temporary:
    """The file being written: unnamed (`O_TMPFILE`) where the system allows, else named."""

    def __init__(self, dir_fd: int, fd: int, name: str | None) -> None:
        self.dir_fd, self.fd, self.name = dir_fd, fd, name

    @classmethod
    def open(cls, folder: Path, final: str, mode: int = 0o666) -> _Temporary:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
        try:
            if USE_UNNAMED:
                try:  # the mode is 0666 less the umask, as for any file the user creates
                    return cls(dir_fd, os.open(".", os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, mode, dir_fd=dir_fd), None)
                except OSError as exc:
                    if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                        raise  # a full disk or a read-only folder, not a missing feature
            name = temporary_name(final)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            with suppress(FileNotFoundError):
                os.unlink(name, dir_fd=dir_fd)  # our own leftover: this PID is us
            return cls(dir_fd, os.open(name, flags, mode, dir_fd=dir_fd), name)
        except BaseException:
            os.close(dir_fd)
            raise

    def publish(self, final: str, *, overwrite: bool) -> None:
        """Give the complete file its name, then make the name itself durable."""
        if self.name is None:
            if not overwrite:  # a link never replaces: an existing name stays as it was
                os.link(f"/proc/self/fd/{self.fd}", final, dst_dir_fd=self.dir_fd, follow_symlinks=True)
                self._sync_folder()
                return
            self.name = temporary_name(final)  # named for the instant between link and rename
            with suppress(FileNotFoundError):
                os.unlink(self.name, dir_fd=self.dir_fd)
            os.link(f"/proc/self/fd/{self.fd}", self.name, dst_dir_fd=self.dir_fd, follow_symlinks=True)
        if overwrite:
            os.replace(self.name, final, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)
        else:
            self._link_named(final)
        self.name = None
        self._sync_folder()

    def _link_named(self, final: str) -> None:
        assert self.name is not None
        try:
            os.link(self.name, final, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            # a file system without hard links (FAT, some network shares): check, then rename
            with suppress(FileNotFoundError):
                os.stat(final, dir_fd=self.dir_fd, follow_symlinks=False)
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST)) from None
            os.rename(self.name, final, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)
            return
        os.unlink(self.name, dir_fd=self.dir_fd)

    def _sync_folder(self) -> None:
        with suppress(OSError):  # some file systems cannot fsync a folder; the data is synced
            os.fsync(self.dir_fd)

    def discard(self) -> None:
        """Close everything; remove the named temporary if it was not published."""
        if self.name is not None:
            with suppress(OSError):
                os.unlink(self.name, dir_fd=self.dir_fd)
            self.name = None
        for fd in (self.fd, self.dir_fd):
            with suppress(OSError):
                os.close(fd)
        self.fd = self.dir_fd = -1


# ---------------------------------------------------------------- stale temporaries


def _host() -> str:
    # The host is in the name because a shared network folder is written from several machines:
    # a PID is only meaningful on the machine that made the temporary.
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


def temporary_name(final: str) -> str:
    """`.NAME.labelaudit-tmp-HOST-PID`, with NAME shortened so the whole stays a legal name."""
    return f".{final[:120]}{TEMP_MARK}{_host()}-{os.getpid()}"


def _owner(name: str, host: str) -> int | None:
    """The PID of a temporary named by this host, or None for any other name."""
    if not name.startswith(".") or TEMP_MARK not in name:
        return None
    tail = name.rsplit(TEMP_MARK, 1)[1]
    their_host, _, pid = tail.rpartition("-")
    return int(pid) if their_host == host and pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove the named temporaries this host's dead processes left in `folder`; their names."""
    host, removed = _host(), list[str]()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = _owner(entry.name, host)
        if pid is not None and pid != os.getpid() and not _alive(pid) and entry.is_file(follow_symlinks=False):
            with suppress(OSError):  # gone meanwhile, or not ours to remove: never fail a write for it
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


# ---------------------------------------------------------------- errors of the system


_ERRNO_KEYS = {
    errno.ENOSPC: "files.os.no_space",
    errno.EDQUOT: "files.os.quota",
    errno.EACCES: "files.os.denied",
    errno.EPERM: "files.os.denied",
    errno.EROFS: "files.os.read_only_fs",
    errno.ENAMETOOLONG: "files.os.too_long",
    errno.ENOTDIR: "files.os.not_dir",
    errno.EISDIR: "files.is_dir",
    errno.EEXIST: "files.exists_kept",
    errno.EIO: "files.os.io",
}


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """An OSError while writing `path` becomes the user's message for it, placed on `path`."""
    try:
        yield
    except OSError as exc:
        raise InputError.at(path, "", os_problem(exc)) from None


def os_problem(exc: OSError) -> Text:
    """What the system said, in the user's words (the system's own text is in English)."""
    key = _ERRNO_KEYS.get(exc.errno or 0)
    if key is not None:
        return both(key)
    return both("files.os.other", detail=exc.strerror or str(exc))


# ---------------------------------------------------------------- spreadsheet cells


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run this text as a formula.

    OWASP's rule for CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
    return. A plain number (`-5`, `+1.5`) is not one: a spreadsheet reads it as the number it
    is, while `-5 agences` or `-2+A1` would be a formula.
    """
    return text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: T) -> T:
    """A text a spreadsheet would run as a formula, made inert with a leading apostrophe,
    which spreadsheets show as nothing. Values that are not text (numbers, None) are returned
    unchanged. For an XLSX cell use `write_safe_cell`, which keeps the text as it is."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value  # type: ignore[return-value]
    return value
