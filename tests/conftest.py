"""Shared test helpers: small scenarios and an in-process CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.config import scenario_from_dict
from tests.browser import chromium_page  # noqa: F401  (headless Chromium page fixture)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def small(n: int = 200, months: int = 12, **sections) -> object:
    """A validated small scenario; ``sections`` are merged as scenario options."""
    data = {"name": "test", "months": months, "firms": {"count": n, "villages": 4}}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return scenario_from_dict(data)


@pytest.fixture(autouse=True)
def checks_on(request, monkeypatch):
    """Models built by tests verify ranges and accounts after every phase (``sim.checks``),
    batch workers too (the environment is inherited); tests marked slow run unchecked, for
    the suite's time."""
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setenv("MSME_SIM_CHECK", "1")


@pytest.fixture
def cli(capsys):
    """Run ``msme-sim ARGS`` in-process; return (exit code, stdout, stderr)."""

    def run(*args: str):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
