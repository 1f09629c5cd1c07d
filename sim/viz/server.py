"""Start the app with ``solara run`` in a subprocess (what ``msme-sim viz`` does)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from sim.config import load_scenario
from sim.errors import ConfigError
from sim.viz.controls import SCENARIO_ENV

APP = Path(__file__).with_name("app.py")


def solara_command(host: str, port: int) -> list[str]:
    """``python -m solara run sim/viz/app.py`` in production mode; no browser, no version check."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]


# Warnings about Mesa's own components and about cookies on plain-http loopback, not ours to fix.
QUIET = "ignore::UserWarning:solara.validate_hooks,ignore::UserWarning:solara.server.starlette"


def solara_env(scenario: Path) -> dict[str, str]:
    """The server's environment: the scenario file, no usage telemetry (works offline)."""
    warnings = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), QUIET]))
    return {
        **os.environ,
        SCENARIO_ENV: str(scenario.resolve()),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "PYTHONWARNINGS": warnings,
    }


def serve(scenario: str | Path, host: str = "127.0.0.1", port: int = 8765) -> int:
    """Check the scenario, print the URL and run the server until it stops; its exit code."""
    scenario = Path(scenario)
    load_scenario(scenario)  # bad input fails here, in one line, before a server starts
    if importlib.util.find_spec("solara") is None:
        raise ConfigError(
            "msme-sim viz", "solara", "not installed (pip install -e '.[viz]' or make test)"
        )
    print(f"msme-sim viz: {scenario} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    return subprocess.run(solara_command(host, port), env=solara_env(scenario)).returncode
