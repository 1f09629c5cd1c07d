"""Regenerate the stored baseline summary after an intended change in results.

Usage: ``make update-baseline`` (or ``python scripts/update_baseline.py``). Review the diff of
``tests/baseline/baseline_summary.json`` and say why results changed in the commit message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_baseline_regression import BASELINE_FILE, portable_baseline_summary  # noqa: E402

if __name__ == "__main__":
    summary = portable_baseline_summary()  # as the test computes it (no AVX-512 NumPy code)
    BASELINE_FILE.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(f"Wrote {BASELINE_FILE.relative_to(ROOT)}")
