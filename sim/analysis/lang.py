"""The report's languages: one catalogue of words per language and the helpers that pick them.

``--lang en`` (the default) and ``--lang id`` (Bahasa Indonesia). The words live in
:mod:`.lang_en` and :mod:`.lang_id` (same keys; a test checks it); numbers are formatted with
Babel in :mod:`.formatting`. Texts a user wrote (an experiment's description, an arm's label)
may be one string or a mapping ``{en: ..., id: ...}``; :func:`pick` chooses.
"""

from __future__ import annotations

from sim.outcomes import Outcome

from .lang_en import EN
from .lang_id import ID, OUTCOME_LABELS

LANGS = ("en", "id")
#: Babel locale of each language.
LOCALES = {"en": "en_US", "id": "id_ID"}
CATALOGUES = {"en": EN, "id": ID}


def check_lang(lang: str) -> str:
    """``lang`` itself, or a ValueError naming the languages there are."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (available: {', '.join(LANGS)})")
    return lang


def t(key: str, lang: str = "en", **values) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in (``str.format``)."""
    text = CATALOGUES[lang][key]
    return text.format(**values) if values else text


def pick(text, lang: str = "en") -> str:
    """A user's text in ``lang``: a plain string as it is, a ``{en:, id:}`` mapping by language
    (falling back to English, then to any given language)."""
    if isinstance(text, dict):
        found = text.get(lang) or text.get("en") or next(iter(text.values()), "")
        return str(found)
    return "" if text is None else str(text)


def outcome_label(o: Outcome, lang: str = "en") -> str:
    """The outcome's label in ``lang`` (Indonesian labels by name; English from its declaration)."""
    if lang == "id":
        return OUTCOME_LABELS.get(o.name, o.label)
    return o.label


def lower_first(text: str) -> str:
    """``Survival of initial firms`` -> ``survival of initial firms`` (``Gini ...`` is kept)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
