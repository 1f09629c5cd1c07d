"""The report in a real browser (headless Debian Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
import yaml
from lang_check import english_words
from results_fixture import DEFAULT_ARMS, write_results

from sim.report import write_report

pytestmark = pytest.mark.slow  # headless browser

ASKED = ["survival_rate", "digital_share", "gini_income"]
ID_LABELS = {"baseline": "Tanpa program", "training": "Pelatihan",
             "data_subsidy": "Subsidi data", "no_cost_tweak": "Penyesuaian"}  # fmt: skip
MAIN_SECTIONS = ["s-decision", "s-findings", "s-arms", "s-effects", "s-distribution", "s-cost",
                 "s-method"]  # fmt: skip
ROWS = "Array.from(document.querySelectorAll('#{} tbody tr'))"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    directory = write_results(tmp_path_factory.mktemp("batch"), replications=8, months=12)
    exp = yaml.safe_load((directory / "experiment.yaml").read_text())
    exp["outcomes"] = ASKED
    exp["description"] = {"en": exp["description"], "id": "Program mana yang terbaik?"}
    for arm in exp["arms"]:
        arm["label"] = {"en": arm["name"].replace("_", " ").title(), "id": ID_LABELS[arm["name"]]}
        arm["description"] = {"en": arm["description"], "id": "Program " + arm["name"]}
    (directory / "experiment.yaml").write_text(yaml.safe_dump(exp, sort_keys=False))
    return directory


def test_report_opens_offline_without_errors(batch, tmp_path, chromium_page):
    path = write_report(batch)
    chromium_page.goto(path.as_uri(), wait_until="load")
    images = chromium_page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    title = chromium_page.title()
    chromium_page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    assert chromium_page.errors == []
    assert chromium_page.remote_requests == []
    assert len(images) >= 5
    assert all(complete and width > 0 for complete, width, _ in images), images
    assert title.startswith("synthetic_policy_test")
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_first_screen_shows_every_outcome_the_spend_and_the_ties(batch, chromium_page):
    chromium_page.page.set_viewport_size({"width": 1280, "height": 900})
    chromium_page.goto(write_report(batch).as_uri(), wait_until="load")
    table = chromium_page.page.locator("#decision")
    top = table.bounding_box()["y"]
    rows = chromium_page.evaluate(
        ROWS.format("decision") + ".map(r => [r.dataset.outcome, r.dataset.arm, r.className,"
        " r.cells[7].innerText])"
    )
    header = chromium_page.evaluate(
        "Array.from(document.querySelectorAll('#decision th')).map(h => h.innerText)"
    )

    assert top < 900  # the decision table starts on the first screen
    assert [o for o in dict.fromkeys(r[0] for r in rows)] == ASKED
    assert {r[1] for r in rows} == set(DEFAULT_ARMS)
    assert "Policy spend" in header and "Significant (Holm)" in header
    spend = {r[3] for r in rows if r[1] == "training"}  # the fixture's: Rp 2 bn ± 2% noise
    assert len(spend) == 1 and re.fullmatch(r"Rp (1\.9\d|2(\.0\d)?)bn", spend.pop())
    survival = [r for r in rows if r[0] == "survival_rate"]
    assert [r[1] for r in survival if "best" in r[2]] == ["training"]
    ties = [r[1] for r in rows if r[0] == "gini_income" and "tied" in r[2].split()]
    assert "data_subsidy" not in ties  # the Gini arm is the best, not merely tied
    assert chromium_page.page.get_by_text("Training", exact=True).first.is_visible()


def test_tables_sort_and_filter_in_the_browser(batch, chromium_page):
    chromium_page.goto(write_report(batch).as_uri(), wait_until="load")
    page = chromium_page.page
    effect = page.locator("#effects th").nth(4)  # Difference
    effect.click()
    ascending = chromium_page.evaluate(
        ROWS.format("effects") + ".map(r => Number(r.cells[4].dataset.sort))"
    )
    effect.click()
    descending = chromium_page.evaluate(
        ROWS.format("effects") + ".map(r => Number(r.cells[4].dataset.sort))"
    )
    page.locator("input.filter[data-table=effects]").fill("Data Subsidy")
    shown = chromium_page.evaluate(ROWS.format("effects") + ".filter(r => !r.hidden).length")
    arms = chromium_page.evaluate(
        ROWS.format("effects") + ".filter(r => !r.hidden).map(r => r.dataset.arm)"
    )
    page.locator("input.filter[data-table=effects]").fill("")
    total = chromium_page.evaluate(ROWS.format("effects") + ".filter(r => !r.hidden).length")

    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)
    assert len(ascending) > 10
    assert 0 < shown < total and set(arms) == {"data_subsidy"}
    assert chromium_page.errors == [] and chromium_page.remote_requests == []


def test_the_indonesian_report_has_no_english_in_its_main_sections(batch, chromium_page):
    chromium_page.goto(write_report(batch, "id").as_uri(), wait_until="load")
    texts = chromium_page.evaluate(
        "ids => ids.map(id => { const s = document.getElementById(id).cloneNode(true);"
        " s.querySelectorAll('code').forEach(c => c.remove()); return s.innerText; })",
        MAIN_SECTIONS,
    )
    alts = chromium_page.evaluate("Array.from(document.images).map(i => i.alt).join(' ')")

    assert all(len(t) > 50 for t in texts)
    assert [english_words(t) for t in texts] == [[] for _ in texts]
    assert english_words(alts) == []
    assert chromium_page.evaluate("document.documentElement.lang") == "id"
    assert chromium_page.remote_requests == []
