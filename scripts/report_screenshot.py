"""Take the screenshots of the demo report's first screen shown in the README and docs
(``docs/img/report-first-screen-en.png`` and ``-id.png``).

Usage: ``.venv/bin/python scripts/report_screenshot.py [RESULTS_DIR]`` after ``make demo``
(default ``results/demo``). Writes the report in each language into a temporary folder, opens it
in headless Debian Chromium at 1400 × 1000 and saves the first screen as a 256-colour PNG (kept
small for the repository).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import open_chromium, save_screenshot  # noqa: E402

from sim.report import write_report  # noqa: E402

IMG = ROOT / "docs" / "img"


def screenshot(results: Path, lang: str, out: Path) -> int:
    """The first screen of ``results``' report in ``lang`` as a PNG at ``out``; its size."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "results"
        shutil.copytree(results, copy, ignore=shutil.ignore_patterns("report*.html", "export-*"))
        page_file = write_report(copy, lang=lang)
        with open_chromium(viewport=(1400, 1000)) as page:
            page.goto(page_file.resolve().as_uri())
            page.wait_for_timeout(500)
            png = page.screenshot()
    return save_screenshot(png, out)


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("results", nargs="?", default=str(ROOT / "results" / "demo"))
    args = cli.parse_args()
    for lang in ("en", "id"):
        out = IMG / f"report-first-screen-{lang}.png"
        size = screenshot(Path(args.results), lang, out)
        print(f"Wrote {out.relative_to(ROOT)} ({size / 1024:.0f} KB)")
