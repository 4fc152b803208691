"""The expected failures: bad input, a misbehaving plugin.

Each carries structured data (the file, the place in it, what was expected) and builds its
message from it. The CLI catches `LabelauditError` once, prints the message and exits 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

from attrs import define, frozen

from labelaudit.languages import Text


@frozen
class Problem:
    """One thing wrong with one input: where it is and what was expected.

    `what` may be a `Text`, so that a plugin's message follows the user's language.
    """

    file: str
    where: str
    what: str | Text

    def __str__(self) -> str:
        from labelaudit.i18n import current_lang

        what = self.what.get(current_lang()) if isinstance(self.what, Text) else self.what
        head = f"{self.file}: {self.where}" if self.where else self.file
        return f"{head}: {what}"


class LabelauditError(Exception):
    """A failure that is already explained to the user (bad input, a broken plugin)."""

    exit_code = 2


class InputError(LabelauditError):
    """One or more problems in the files or options a user gave."""

    def __init__(self, problems: Iterable[Problem], *, truncated: int = 0) -> None:
        self.problems = tuple(problems)
        self.truncated = truncated
        super().__init__(self._message())

    @classmethod
    def at(cls, file: str | Path, where: str, what: str | Text) -> InputError:
        return cls([Problem(str(file), where, what)])

    def _message(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.truncated:
            from labelaudit.i18n import tr

            lines.append(tr("errors.more", count=self.truncated))
        return "\n".join(lines)


class PluginError(LabelauditError):
    """A plugin that failed to load, or did something the contract forbids.

    `what` may be a `Text`: a skipped source's problem enters the decision record, whose bytes
    must not depend on the language of whoever scored it.
    """

    def __init__(self, plugin: str, what: str | Text) -> None:
        self.plugin = plugin
        self.what = what
        super().__init__(f"plugin {plugin}: {self.text}")

    @property
    def text(self) -> str:
        """What went wrong, in the user's language."""
        from labelaudit.i18n import current_lang

        return self.what.get(current_lang()) if isinstance(self.what, Text) else self.what


class RowPlace(str):
    """A place in one row of a table (`row 12, column 'Arrivée' (D)`), that knows how to name
    the same place in several rows (`rows 2, 5, 9 … and 758 more, column 'Arrivée' (D)`).

    It is a `str`, so that it goes wherever a place goes; `ProblemCollector` uses the rest to
    report one mistake repeated down a column as one message. `group` says which places are
    "the same place in another row" (the column, its header, its sheet); `render(rows, more)`
    names the first rows and how many more. `labelaudit.cell_place`, `row_place` and
    `sheet_place` make them.
    """

    row: int
    group: Hashable
    render: Callable[[tuple[int, ...], int], str]

    def __new__(
        cls, text: str, row: int, group: Hashable, render: Callable[[tuple[int, ...], int], str]
    ) -> RowPlace:
        place = super().__new__(cls, text)
        place.row, place.group, place.render = row, group, render
        return place


SHOWN_ROWS = 3  # the rows a repeated problem names: enough to find the pattern, short to read


@define
class _Repeated:
    """One problem met in several rows: the first rows met, and how many in all."""

    file: str
    first: RowPlace
    what: str | Text
    rows: list[int]
    count: int

    def problem(self) -> Problem:
        if self.count == 1:
            return Problem(self.file, str(self.first), self.what)
        more = self.count - len(self.rows)
        return Problem(self.file, self.first.render(tuple(self.rows), more), self.what)


class ProblemCollector:
    """Gathers problems up to a limit, so one run reports many mistakes but stays short.

    The same problem (the same file, the same `what`) met at the same `RowPlace` of several
    rows is one message naming the first rows and the count, so a wrong answer repeated on 761
    rows of an export is one line, not 50. `max_errors` counts messages; `dropped` counts the
    problems not shown (each occurrence of a problem that would have needed a new message).
    """

    def __init__(self, max_errors: int = 50) -> None:
        self.max_errors = max_errors
        self._messages: list[Problem | _Repeated] = []
        self._repeated: dict[tuple[str, Hashable, str | Text], _Repeated] = {}
        self.dropped = 0

    def add(self, file: str | Path, where: str, what: str | Text, *, count: int = 1) -> None:
        """One problem at `where`; `count` > 1: the same problem also in `count - 1` rows below
        `where` (a `RowPlace`) that are not named (a columnar reader's tally of them)."""
        file = str(file)
        if isinstance(where, RowPlace):
            key = (file, where.group, what)
            repeated = self._repeated.get(key)
            if repeated is not None:
                if len(repeated.rows) < SHOWN_ROWS and where.row not in repeated.rows:
                    repeated.rows.append(where.row)
                repeated.count += count
                return
            if len(self._messages) < self.max_errors:
                repeated = _Repeated(file, where, what, [where.row], count)
                self._repeated[key] = repeated
                self._messages.append(repeated)
                return
        elif len(self._messages) < self.max_errors:
            self._messages.append(Problem(file, where, what))
            return
        self.dropped += count

    def merge(self, other: ProblemCollector) -> None:
        """Add another collector's messages (a file read apart, kept only if it succeeded)."""
        for message in other._messages:
            if isinstance(message, Problem):
                self.add(message.file, message.where, message.what)
                continue
            extra = message.count - len(message.rows)
            for index, row in enumerate(message.rows):
                last = index == len(message.rows) - 1
                place = RowPlace(str(message.first), row, message.first.group, message.first.render)
                self.add(message.file, place, message.what, count=1 + (extra if last else 0))
        self.dropped += other.dropped

    @property
    def problems(self) -> list[Problem]:
        """The messages so far, repeated problems as one each."""
        return [m if isinstance(m, Problem) else m.problem() for m in self._messages]

    @property
    def room(self) -> int:
        """How many more messages fit under `max_errors`."""
        return self.max_errors - len(self._messages)

    def __bool__(self) -> bool:
        return bool(self._messages)

    def raise_if_any(self) -> None:
        if self._messages:
            raise InputError(self.problems, truncated=self.dropped)
