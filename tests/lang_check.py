"""Finds English left in a page meant to be Indonesian: common English words in its visible text.

Code (``<code>``), the script and the style are left out: settings and policy names are
identifiers, not sentences. Proper names (Holm, Welch, WhatsApp) are not in the word list.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ENGLISH = set(
    "the and of with which could would than from this that these those are is was were be been "
    "by to in on for not only each every over under its their has have arm arms outcome outcomes "
    "spend spent interval intervals replication replications reference better worse raised "
    "lowered changed figure firms share income best tied significant difference month workers "
    "chance extra gain gained saved points percentage years".split()
)
SKIP = {"code", "script", "style"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.depth += 1
        for key, value in attrs:
            if key in ("alt", "placeholder", "aria-label", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text a reader sees (and alt texts), without code, script and style."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def section_text(html: str, section: str) -> str:
    """The visible text (and alt texts) of the page's ``<section id="SECTION">``."""
    found = re.search(rf'<section id="{section}">.*?</section>', html, flags=re.S)
    assert found, f"no section {section}"
    return visible_text(found.group(0))


def english_words(text: str) -> list[str]:
    """The common English words in ``text`` (each once, in order of appearance)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    return list(dict.fromkeys(w for w in words if w in ENGLISH))
