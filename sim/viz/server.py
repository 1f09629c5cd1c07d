"""Start the app with ``solara run`` in a subprocess (what ``msme-sim viz`` does)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
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
    if not 1 <= port <= 65535:
        raise ConfigError("msme-sim viz", "--port", f"must be 1 to 65535 (got {port})")
    load_scenario(scenario)  # bad input fails here, in one line, before a server starts
    if importlib.util.find_spec("solara") is None:
        raise ConfigError(
            "msme-sim viz", "solara", "not installed (pip install -e '.[viz]' or make test)"
        )
    print(f"msme-sim viz: {scenario} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    return run_group(solara_command(host, port), solara_env(scenario))


def run_group(command: list[str], env: dict[str, str]) -> int:
    """Run ``command`` in its own process group until it exits; SIGTERM, SIGINT or SIGHUP to
    this process stop the whole group, so no server child is left listening."""
    posix = os.name == "posix"
    child = subprocess.Popen(command, env=env, start_new_session=posix)
    if not posix:
        return child.wait()

    stopped: list[int] = []

    def stop(signum, frame):
        stopped.append(signum)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, stop) for sig in handled}
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)  # anything of the group still running
    return 128 + stopped[0] if stopped else code
