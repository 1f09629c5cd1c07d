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


def open_panel(page, title: str):
    """Open the sidebar panel whose header starts with ``title``; return the panel."""
    header = page.locator(".msme-panel", has_text=title).first
    header.click()
    panel = page.locator(".v-expansion-panel", has=header)
    panel.locator(".v-expansion-panel-content").first.wait_for(timeout=UI_WAIT_MS)
    return panel


def pick_variant(page, mechanism: str, variant: str) -> None:
    """Open the panel of ``mechanism`` and choose ``variant`` in its variant picker."""
    panel = open_panel(page, f"{mechanism.replace('_', ' ')} (")
    panel.locator(".v-select").first.click()
    page.get_by_role("option", name=variant, exact=True).click()


def firm_pixel(scenario: Path) -> tuple[float, float]:
    """Where the network view draws a firm of ``scenario`` (pixels from the image's top left):
    a founder's place depends only on its village and sector, so a local model tells."""
    import io

    from sim.viz import views
    from sim.viz.session import build_model

    model = build_model(scenario)
    rows, pos = views.drawn_firms(model)
    fig = views.network_figure(model)
    fig.savefig(io.BytesIO(), format="png")
    x, y = fig.axes[0].transData.transform(pos[rows[0]])
    return float(x), float(fig.get_size_inches()[1] * fig.dpi - y)


def step_to(page, months: int) -> None:
    step = page.get_by_role("button", name="Step")
    for k in range(1, months + 1):
        step.click()
        page.get_by_text(f"Step: {k}", exact=True).wait_for(timeout=UI_WAIT_MS)


def reset(page) -> None:
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Step: 0", exact=True).wait_for(timeout=UI_WAIT_MS)


def assert_clean(page) -> None:
    assert page.locator(".v-alert.error").count() == 0
    assert page.get_by_text("Traceback").count() == 0
    assert page.errors == []
    assert page.remote_requests == []


COLLABORATION, COMPARISON = 3, 5  # figure indices on the page (see sim.viz.app.COMPONENTS)


def test_step_slider_reset_in_browser(chromium_page, viz_server, tmp_path):
    page = chromium_page
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.goto(viz_server)
    page.get_by_text("Step: 0").wait_for(timeout=UI_WAIT_MS)
    page.locator("img").nth(COMPARISON).wait_for(timeout=UI_WAIT_MS)
    adoption_before = plot_data(page, 1)

    step_to(page, 4)
    page.get_by_text("Month 4 of 24").wait_for(timeout=UI_WAIT_MS)
    assert plot_changes(page, 1, adoption_before)

    firms = open_panel(page, "Run (").get_by_role("slider").nth(1)  # seed, firms, ...
    firms.focus()
    firms.press("Home")
    for _ in range(2):
        firms.press("ArrowRight")
    assert firms.get_attribute("aria-valuenow") == "150"
    page.get_by_text("Firms: 150 firms").wait_for(timeout=UI_WAIT_MS)  # the value is shown
    reset(page)
    page.get_by_text("Month 0 of 24: 150 firms alive").wait_for(timeout=UI_WAIT_MS)
    step_to(page, 1)
    page.screenshot(path=str(tmp_path / "viz.png"), full_page=True)

    assert_clean(page)
    assert (tmp_path / "viz.png").stat().st_size > 20_000


def test_picking_another_variant_changes_the_charts(chromium_page, viz_server, tmp_path):
    page = chromium_page
    page.set_viewport_size({"width": 1400, "height": 1300})
    page.goto(viz_server)
    page.get_by_text("Step: 0").wait_for(timeout=UI_WAIT_MS)
    page.locator("img").nth(COMPARISON).wait_for(timeout=UI_WAIT_MS)
    step_to(page, 6)
    page.get_by_text("Month 6 of 24").wait_for(timeout=UI_WAIT_MS)
    time.sleep(1)  # let the last redraw land
    built_in = plot_data(page, COLLABORATION)
    comparison = plot_data(page, COMPARISON)

    pick_variant(page, "partnering", "random")
    page.get_by_text("1 setting(s) changed").wait_for(timeout=UI_WAIT_MS)
    reset(page)
    step_to(page, 6)
    page.get_by_text("Month 6 of 24").wait_for(timeout=UI_WAIT_MS)
    # The same seed and month with another partner choice: the collaboration chart differs,
    # and the comparison chart now shows both runs.
    assert plot_changes(page, COLLABORATION, built_in)
    assert plot_changes(page, COMPARISON, comparison)

    x, y = firm_pixel(tmp_path / "viz_small.yaml")
    page.locator("img.msme-clickable").click(position={"x": x, "y": y})
    page.get_by_text("in month 6").wait_for(timeout=UI_WAIT_MS)  # the inspector shows it

    table = page.locator(".msme-firm-table")
    first = table.locator("tbody tr td").first.inner_text()
    table.locator("tbody tr").first.click()
    page.get_by_text(f"Firm {first} in month 6").wait_for(timeout=UI_WAIT_MS)
    names = page.locator(".msme-firm-state tbody tr td:first-child").all_inner_texts()
    assert {"alive", "level", "cash", "partner"} <= set(names)  # core and mechanisms' columns
    page.screenshot(path=str(tmp_path / "viz.png"), full_page=True)
    assert_clean(page)
