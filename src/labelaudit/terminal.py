"""What reaches a person's terminal: user text with its control characters shown, never obeyed.

An organisation name, an observation, a site name, a plugin's message come from files anyone
can write. Printed raw, `ESC[2J` clears the screen, an OSC sequence retitles the window or
plants a link, a carriage return or backspaces overwrite what was printed before them, and the
bidi overrides of "Trojan Source" show text in another order than it is. So every character of
that kind is shown as an escape instead: C0 controls except the newline and the tab (layout,
and harmless), DEL, the C1 controls, and the bidi embeddings, overrides, isolates and marks.

The form is Python's own (`\\x1b`, `\\u202e`) rather than the Control Pictures symbols (`␛`):
it is plain ASCII, so it survives every console code page (a Windows console in cp850 cannot
encode U+241B), logs and copy-paste, and it names the exact code point a person can search
for. Backslashes are not doubled: Windows paths stay readable, and no text is ever parsed back.

It is done once, at the edge: `escaped_streams` wraps `sys.stdout` and `sys.stderr` for the run
of a command, so every line a command, the error printer, argparse or a plugin prints goes
through it. Records, reports and exports keep the exact text: they are data, not a terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROLS = (*(c for c in range(0x20) if c not in (0x0A, 0x09)), 0x7F, *range(0x80, 0xA0))
_TABLE = {c: f"\\x{c:02x}" for c in _CONTROLS} | {c: f"\\u{c:04x}" for c in _BIDI}
_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")


def shown(text: str) -> str:
    """`text` with every control and bidi character replaced by its visible escape.

    A regular expression, not `str.translate`: a megabyte of clean text is checked in 8 ms
    instead of 160 (translate looks every character up in a dict).
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda found: _TABLE[ord(found.group())], text)


class EscapingStream:
    """A text stream that escapes what it is given and passes everything else to `stream`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding …
        return getattr(self._stream, name)


@contextmanager
def escaped_streams() -> Iterator[None]:
    """Standard output and error escaped for the duration of the block, then restored."""
    saved = sys.stdout, sys.stderr
    if saved[0] is not None:  # None without a console (pythonw)
        sys.stdout = EscapingStream(saved[0])  # type: ignore[assignment]
    if saved[1] is not None:
        sys.stderr = EscapingStream(saved[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
