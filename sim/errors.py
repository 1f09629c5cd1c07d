"""The one error type for bad input: printed by the CLI as ``FILE: dotted.path: message``."""

from __future__ import annotations

import re

MAX_QUOTED = 80  # a value quoted in a message is cut to this many characters
MAX_MESSAGE = 400  # and the whole message (e.g. the repr of a long list) to this many
# a quoted value (not an apostrophe in a word), up to its closing quote or the end of the text
_QUOTED = re.compile(r"""(?<![A-Za-z0-9])'(?:[^'\\\n]|\\.)*(?:'|$)|"(?:[^"\\\n]|\\.)*(?:"|$)""")


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` with every quoted value longer than ``limit`` cut (``'abc…'``), and at most
    :data:`MAX_MESSAGE` characters in all, on one line."""
    text = " ".join(str(text).splitlines())  # every line break, also U+0085 and U+2028

    def cut(match: re.Match) -> str:
        value = match.group(0)
        return value if len(value) <= limit else f"{value[: limit - 2]}…{value[0]}"

    text = _QUOTED.sub(cut, text[: 4 * MAX_MESSAGE + 4 * limit])
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class ConfigError(Exception):
    """Bad input (scenario, experiment, option or output directory), located by file and path."""

    def __init__(self, file: str, path: str, message: str):
        self.file = shorten(file, MAX_MESSAGE)
        self.path = shorten(path)
        self.message = shorten(message)
        super().__init__(f"{self.file}: {self.path}: {self.message}")
