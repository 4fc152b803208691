"""The expected failures: bad input, a misbehaving plugin.

Each carries structured data (the file, the place in it, what was expected) and builds its
message from it. The CLI catches `LabelauditError` once, prints the message and exits 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from attrs import frozen

from labelaudit.model import Text


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


class ProblemCollector:
    """Gathers problems up to a limit, so one run reports many mistakes but stays short."""

    def __init__(self, max_errors: int = 50) -> None:
        self.max_errors = max_errors
        self.problems: list[Problem] = []
        self.dropped = 0

    def add(self, file: str | Path, where: str, what: str | Text) -> None:
        if len(self.problems) < self.max_errors:
            self.problems.append(Problem(str(file), where, what))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems, truncated=self.dropped)
