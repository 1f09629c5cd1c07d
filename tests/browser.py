"""A real headless browser for tests: Debian's Chromium driven by Playwright.

Playwright's own browser download is never used (``playwright install`` needs the network);
``scripts/ensure-chromium.sh`` installs the Debian package instead. Without Chromium the tests
that use :func:`chromium_page` fail under CI (``CI=true``) and are skipped elsewhere.

The ``chromium_page`` fixture is exported by ``tests/conftest.py``::

    def test_page(chromium_page):
        chromium_page.goto(url)
        assert not chromium_page.errors
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path(os.environ.get("MSME_SIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"file", "data", "about", "blob"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}  # a server the test itself started


class BrowserPage:
    """A Playwright page that records console errors, page errors and any network request.

    ``errors`` collects console messages of type error and uncaught exceptions;
    ``remote_requests`` every request to a non-local URL (those are aborted, so a page that
    works here works offline). Loopback addresses count as local.
    """

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.remote_requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.route("**/*", self._route)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlparse(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            self.remote_requests.append(url)
            route.abort()

    def __getattr__(self, name):
        return getattr(self.page, name)


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; run scripts/ensure-chromium.sh (Debian package 'chromium')")
    pytest.skip(reason)


@contextmanager
def open_chromium(viewport=(1200, 900)) -> Iterator[BrowserPage]:
    """Launch headless Chromium and yield a fresh :class:`BrowserPage`; closes everything."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package 'playwright' is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            width, height = viewport
            page = browser.new_page(viewport={"width": width, "height": height})
            yield BrowserPage(page)
        finally:
            browser.close()


@pytest.fixture
def chromium_page() -> Iterator[BrowserPage]:
    """A headless Chromium page (see :func:`open_chromium`)."""
    with open_chromium() as page:
        yield page


def save_screenshot(png: bytes, out: Path) -> int:
    """Write a page screenshot to ``out`` as a 256-colour PNG (kept small for the repository),
    atomically; returns its size in bytes."""
    import io

    from PIL import Image

    from sim.fileio import write_atomic

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    write_atomic(out, buffer.getvalue())
    return out.stat().st_size
