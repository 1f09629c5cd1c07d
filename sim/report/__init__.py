"""``msme-sim report DIR``: one self-contained HTML report of a batch experiment.

Reads the results directory only (see :mod:`sim.analysis`), writes ``DIR/report.html``
(inline CSS and a small inline script that sorts and filters the tables, figures embedded as
base64 PNG, no network) and ``DIR/effects.csv``, both atomically. ``lang`` is ``en`` (default)
or ``id`` (Bahasa Indonesia; words from :mod:`sim.analysis.lang`, numbers by Babel).
:mod:`.inputs` computes what is shown, :mod:`.text` words it and :mod:`.build` renders the Jinja2
template ``templates/report.html.j2`` and its section partials.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.analysis import ResultsError, check_lang
from sim.fileio import write_atomic

from .build import render
from .inputs import Inputs, ReportInputError, analyse, load_inputs
from .text import cost_sentence, effect_sentence, headline

__all__ = [
    "Inputs",
    "ReportInputError",
    "analyse",
    "cost_sentence",
    "effect_sentence",
    "headline",
    "load_inputs",
    "render",
    "report_command",
    "write_report",
]


def write_report(directory, lang: str = "en") -> Path:
    """Analyse the batch in ``directory`` and write ``report.html`` and ``effects.csv`` there,
    the report in ``lang``.

    An unusable results directory (missing, truncated or corrupt files) is a
    :class:`ReportInputError` naming the file; nothing is written then.
    """
    check_lang(lang)
    try:
        inp = analyse(load_inputs(directory, lang))
    except ResultsError as exc:
        raise ReportInputError(str(exc)) from None
    page = render(inp)
    path = inp.directory / "report.html"
    try:
        write_atomic(inp.directory / "effects.csv", inp.effects.to_csv(index=False))
        write_atomic(path, page)
    except OSError as exc:
        raise ReportInputError(f"{exc.filename or path}: cannot write: {exc.strerror}") from None
    return path


def report_command(directory, lang: str = "en") -> int:
    """CLI entry point: write the report, print its path; one-line error and 2 on bad input."""
    try:
        path = write_report(directory, lang)
    except ReportInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0
