"""The report in a real browser (headless Debian Chromium through Playwright)."""

from __future__ import annotations

import pytest
from results_fixture import DEFAULT_ARMS, write_results

from sim.report import write_report

pytestmark = pytest.mark.slow  # headless browser


def test_report_opens_offline_without_errors(tmp_path, chromium_page):
    path = write_report(write_results(tmp_path / "batch", replications=8, months=12))
    chromium_page.goto(path.as_uri(), wait_until="load")
    images = chromium_page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    arms = chromium_page.evaluate(
        "Array.from(document.querySelectorAll('#ranking tbody tr')).map(r => r.dataset.arm)"
    )
    title = chromium_page.title()
    chromium_page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    assert chromium_page.errors == []
    assert chromium_page.remote_requests == []
    assert len(images) >= 5
    assert all(complete and width > 0 for complete, width, _ in images), images
    assert sorted(arms) == sorted(DEFAULT_ARMS)
    assert title.startswith("synthetic_policy_test")
    assert (tmp_path / "report.png").stat().st_size > 50_000
