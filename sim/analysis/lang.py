"""The report's languages: one catalogue of words per language and the helpers that pick them.

``--lang en`` (the default) and ``--lang id`` (Bahasa Indonesia). The words live in
:mod:`.lang_en` and :mod:`.lang_id` (same keys; a test checks it); numbers are formatted with
Babel in :mod:`.formatting`. Texts a user wrote (an experiment's description, an arm's label)
may be one string or a mapping ``{en: ..., id: ...}``; :func:`pick` chooses.
"""

from __future__ import annotations

from sim.outcomes import Outcome, parse_group_outcome

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


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit in ``lang`` (``Rp/month`` -> ``Rp/bulan``); a unit the catalogue lacks as given."""
    key = f"u_{unit}"
    return t(key, lang) if key in CATALOGUES[lang] else str(unit)


def cost_measure_label(outcome: str, label: str, lang: str = "en") -> str:
    """A cost-effectiveness measure's label in ``lang``: built-in measures by their outcome
    (``Firms saved per Rp 1 bn``), any other as ``label``."""
    key = f"m_{outcome}"
    return t(key, lang) if key in CATALOGUES[lang] else str(label)


def group_name(family: str, key: str, lang: str = "en") -> str:
    """A sector's or village's name in ``lang``: ``food``/``kuliner``, ``village 3``/``desa 3``
    (a sector without a word in the catalogue keeps its name)."""
    if family == "village":
        return t("g_village", lang, name=key)
    return CATALOGUES[lang].get(f"sector_{key}", key)


def outcome_label(o: Outcome, lang: str = "en") -> str:
    """The outcome's label in ``lang`` (Indonesian labels by name, per-sector and per-village
    outcomes from their parts; English from its declaration)."""
    if lang != "id":
        return o.label
    if o.name in OUTCOME_LABELS:
        return OUTCOME_LABELS[o.name]
    parsed = parse_group_outcome(o.name)
    if parsed and f"g_{parsed[2]}" in CATALOGUES[lang]:
        family, key, measure = parsed
        return t(f"g_{measure}", lang, group=group_name(family, key, lang))
    return o.label


def lower_first(text: str) -> str:
    """``Survival of initial firms`` -> ``survival of initial firms`` (``Gini ...`` is kept)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
