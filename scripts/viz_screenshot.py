"""Take the screenshot of the interactive app shown in docs/viz.md (``docs/img/viz.png``).

Usage: ``.venv/bin/python scripts/viz_screenshot.py [SCENARIO] [--months N] [--mechanism M]``.
Starts ``msme-sim viz`` on a free loopback port, steps it in headless Debian Chromium, opens the
panel of mechanism M (default ``partnering``) with its variant picker, saves a 256-colour PNG
(kept small for the repository) and stops the server.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import open_chromium, save_screenshot  # noqa: E402

from sim.viz.controls import default_scenario  # noqa: E402
from tests.test_viz_browser import UI_WAIT_MS, open_panel, serving, step_to  # noqa: E402

OUT = ROOT / "docs" / "img" / "viz.png"


def screenshot(scenario: Path, months: int, mechanism: str, out: Path) -> int:
    """Step the app ``months`` times, open ``mechanism``'s variant picker and write the page as
    a PNG; returns its size in bytes."""
    with tempfile.TemporaryDirectory() as tmp, serving(scenario, Path(tmp) / "server.log") as url:
        with open_chromium(viewport=(1400, 1250)) as page:
            page.goto(url)
            page.get_by_text("Step: 0").wait_for(timeout=UI_WAIT_MS)
            step_to(page, months)
            panel = open_panel(page, f"{mechanism.replace('_', ' ')} (")
            panel.locator(".v-select").first.click()
            page.get_by_role("option").last.wait_for(timeout=UI_WAIT_MS)
            page.wait_for_timeout(1000)  # the menu fades in
            png = page.screenshot()
    return save_screenshot(png, out)


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("scenario", nargs="?", default=str(default_scenario()))
    cli.add_argument("--months", type=int, default=36)
    cli.add_argument("--mechanism", default="partnering")
    args = cli.parse_args()
    size = screenshot(Path(args.scenario), args.months, args.mechanism, OUT)
    print(f"Wrote {OUT.relative_to(ROOT)} ({size / 1024:.0f} KB)")
