"""``msme-sim viz`` in a real browser: headless Debian Chromium driven by Playwright.

The server runs in its own process group on a free loopback port and is killed at teardown,
whatever happened in the test.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import _missing

from tests.conftest import SCENARIOS

pytestmark = pytest.mark.slow  # headless browser and a viz server

SERVER_START_S = 120
UI_WAIT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def msme_sim() -> list[str]:
    script = Path(sys.executable).with_name("msme-sim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"msme-sim viz exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"msme-sim viz did not answer within {SERVER_START_S} s:\n{log.read_text()}")


@contextmanager
def serving(scenario: Path, log: Path) -> Iterator[str]:
    """Run ``msme-sim viz SCENARIO`` on a free loopback port; yield its URL; stop it after."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*msme_sim(), "viz", str(scenario), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the solara child dies with it
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, proc, log)
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate the server's process group (kill it if it does not stop)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(10)
            return
        except subprocess.TimeoutExpired:
            continue


def require_solara() -> None:
    """Skip without the viz extra; under CI=true, fail instead (a missing install step)."""
    if importlib.util.find_spec("solara") is None:
        _missing("solara is not installed (pip install -e '.[dev,viz]')")


@pytest.fixture
def viz_server(tmp_path):
    """URL of ``msme-sim viz`` serving a small scenario."""
    require_solara()
    scenario = tmp_path / "viz_small.yaml"
    scenario.write_text(
        f"extends: {SCENARIOS / 'baseline.yaml'}\n"
        "name: viz_small\nmonths: 24\nfirms: {count: 400, villages: 9}\n"
    )
    with serving(scenario, tmp_path / "server.log") as url:
        yield url


# The pixels of an <img> as a data URL (figures are re-created on every render, so compare
# their content, not the elements).
IMAGE_DATA_JS = """async img => {
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  canvas.getContext('2d').drawImage(img, 0, 0);
  return canvas.toDataURL();
}"""


def plot_data(page, index: int) -> str:
    """The pixels of the ``index``-th figure on the page (retried while it is being replaced)."""
    from playwright.sync_api import Error

    for _ in range(50):
        try:
            return page.locator("img").nth(index).evaluate(IMAGE_DATA_JS)
        except Error:
            time.sleep(0.2)
    raise AssertionError(f"figure {index} kept being replaced")


def plot_changes(page, index: int, before: str, timeout_s: float = 60) -> bool:
    """Whether the ``index``-th figure shows something other than ``before`` within the time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if plot_data(page, index) != before:
            return True
        time.sleep(0.2)
    return False


def test_step_slider_reset_in_browser(chromium_page, viz_server, tmp_path):
    page = chromium_page
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.goto(viz_server)
    page.get_by_text("Step: 0").wait_for(timeout=UI_WAIT_MS)
    page.locator("img").nth(4).wait_for(timeout=UI_WAIT_MS)
    adoption_before = plot_data(page, 1)

    step = page.get_by_role("button", name="Step")
    for k in range(1, 5):
        step.click()
        page.get_by_text(f"Step: {k}", exact=True).wait_for(timeout=UI_WAIT_MS)
    page.get_by_text("Month 4 of 24").wait_for(timeout=UI_WAIT_MS)
    assert plot_changes(page, 1, adoption_before)

    firms = page.get_by_role("slider", name="Firms")
    firms.focus()
    firms.press("Home")
    for _ in range(2):
        firms.press("ArrowRight")
    assert firms.get_attribute("aria-valuenow") == "150"
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Step: 0", exact=True).wait_for(timeout=UI_WAIT_MS)
    page.get_by_text("Month 0 of 24: 150 firms alive").wait_for(timeout=UI_WAIT_MS)
    step.click()
    page.get_by_text("Step: 1", exact=True).wait_for(timeout=UI_WAIT_MS)
    page.screenshot(path=str(tmp_path / "viz.png"), full_page=True)

    assert page.locator(".v-alert.error").count() == 0
    assert page.get_by_text("Traceback").count() == 0
    assert page.errors == []
    assert page.remote_requests == []
    assert (tmp_path / "viz.png").stat().st_size > 20_000
