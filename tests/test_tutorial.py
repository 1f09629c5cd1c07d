"""The tutorial notebook runs top to bottom, with checks on, and shows its figures."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs the notebook in a kernel


def test_tutorial_runs_top_to_bottom(tmp_path):
    notebook = nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "docs")}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "digital share after 3 years" in text
    # the mistaken rule is stopped by the checks, naming the rule, column and range
    assert "rules.digital_adoption (variant too_far" in text and "allowed 0–2" in text
    assert "arisan" in text  # the new mechanism has its place in the month
    figures = [c for c in notebook.cells if "figure" in c.metadata.get("tags", [])]
    assert len(figures) >= 3
    for cell in figures:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source[:60]
