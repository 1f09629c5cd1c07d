"""How fast the interactive app answers one *Step*: model step + rendering of every view.

Usage: ``python benchmarks/bench_viz.py [--firms 2000] [--steps 20] [--browser]``.
Server side: median seconds of one model step and of drawing each view to PNG (what
``solara.FigureMatplotlib`` does on every step). ``--browser`` also starts ``msme-sim viz`` and
times click-on-Step → updated page in headless Chromium (needs the viz extra and Chromium).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sim.viz import views  # noqa: E402
from sim.viz.controls import default_scenario  # noqa: E402
from sim.viz.session import build_model  # noqa: E402

VIEWS = {
    "network": lambda m: views.network_figure(m),
    "adoption": lambda m: views.adoption_figure(m.monthly()),
    "survival_income": lambda m: views.survival_income_figure(m.monthly()),
    "collaboration": lambda m: views.collaboration_figure(m.monthly()),
    "policy_spend": lambda m: views.policy_spend_figure(m.monthly()),
    "comparison": lambda m: views.comparison_figure(m.monthly(), m.monthly()),
}


def server_side(scenario: Path, firms: int, steps: int, warmup: int = 12) -> dict[str, float]:
    """Median seconds per step of the model and of each view, and of their sum."""
    model = build_model(scenario, {"firms.count": firms, "months": warmup + steps})
    for _ in range(warmup):
        model.step()
    times: dict[str, list[float]] = {name: [] for name in ["step", *VIEWS, "total"]}
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        times["step"].append(time.perf_counter() - start)
        for name, draw in VIEWS.items():
            t = time.perf_counter()
            draw(model).savefig(io.BytesIO(), format="png")
            times[name].append(time.perf_counter() - t)
        times["total"].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


# Click Step in the page and resolve with the milliseconds until the page shows month ``k``
# (timed inside the browser, so the test driver's polling does not count).
CLICK_TO_UPDATE_JS = """(k) => new Promise(resolve => {
  const button = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP');
  const start = performance.now();
  const done = () => document.body.innerText.includes('Month ' + k + ' of');
  const watch = new MutationObserver(() => {
    if (done()) { watch.disconnect(); resolve(performance.now() - start); }
  });
  watch.observe(document.body, {subtree: true, childList: true, characterData: true});
  button.click();
})"""


def in_browser(scenario: Path, steps: int) -> list[float]:
    """Seconds from a click on Step until the page shows the new month, per step."""
    from browser import open_chromium
    from test_viz_browser import UI_WAIT_MS, serving

    with tempfile.TemporaryDirectory() as tmp, serving(scenario, Path(tmp) / "server.log") as url:
        with open_chromium(viewport=(1400, 1250)) as page:
            page.goto(url)
            page.get_by_text("Step: 0").wait_for(timeout=UI_WAIT_MS)
            return [page.evaluate(CLICK_TO_UPDATE_JS, k) / 1000 for k in range(1, steps + 1)]


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("scenario", nargs="?", default=str(default_scenario()))
    cli.add_argument("--firms", type=int, default=2000)
    cli.add_argument("--steps", type=int, default=20)
    cli.add_argument("--browser", action="store_true")
    args = cli.parse_args()
    result = server_side(Path(args.scenario), args.firms, args.steps)
    print(f"{args.scenario}, {args.firms} firms: median seconds per step")
    for name, seconds in result.items():
        print(f"  {name:<16} {seconds * 1000:7.1f} ms")
    if args.browser:
        clicks = in_browser(Path(args.scenario), args.steps)
        print(
            f"  browser click → updated page: median {statistics.median(clicks):.2f} s, "
            f"max {max(clicks):.2f} s (scenario's own firm count)"
        )
