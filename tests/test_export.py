"""``msme-sim export``: tables that open with pandas, atomic, never over files of others."""

from __future__ import annotations

import pandas as pd
import pytest
from results_fixture import DEFAULT_ARMS, write_results

from sim.analysis.export_tables import MARKER, TABLES, write_export


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return write_results(tmp_path_factory.mktemp("batch"), replications=5, months=6, firms=False)


def test_xlsx_has_one_sheet_per_table_with_the_expected_columns(batch, cli):
    code, out, err = cli("export", batch, "--format", "xlsx")
    assert code == 0 and err == "" and out.strip() == str(batch / "export.xlsx")
    sheets = pd.read_excel(batch / "export.xlsx", sheet_name=None)
    assert list(sheets) == list(TABLES)
    runs = pd.read_parquet(batch / "runs.parquet")
    assert len(sheets["runs"]) == len(runs) and {"run_id", "arm", "arm_label"} <= set(
        sheets["runs"].columns
    )
    monthly = sheets["monthly"]
    assert {"arm", "outcome", "month", "mean", "ci_low", "ci_high", "n"} <= set(monthly.columns)
    assert set(monthly["arm"]) == set(DEFAULT_ARMS) and monthly["month"].max() == 6
    survival = monthly[(monthly["outcome"] == "survival_rate") & (monthly["month"] == 6)]
    assert (survival["ci_low"] < survival["mean"]).all() and (survival["n"] == 5).all()
    effects = sheets["effects"]
    assert {"arm", "outcome", "diff", "ci_low", "ci_high"} <= set(effects.columns)
    decision = sheets["decision"]
    assert {"outcome", "arm", "p_holm", "significant_holm", "tied", "spend_idr"} <= set(
        decision.columns
    )
    assert set(decision["outcome"]) == {"survival_rate"}  # the fixture asks about one outcome


def test_csv_files_match_the_workbook_tables(batch, cli):
    out = batch / "tables"
    assert cli("export", batch, "--out", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, *(f"{t}.csv" for t in TABLES)])
    monthly = pd.read_csv(out / "monthly.csv")
    runs_at_end = pd.read_parquet(batch / "runs.parquet")
    last = monthly[(monthly["outcome"] == "survival_rate") & (monthly["month"] == 6)]
    expected = runs_at_end.groupby("arm")["survival_rate"].mean()
    for row in last.itertuples():
        assert row.mean == pytest.approx(expected[row.arm])  # the ramp ends at the summary value
    assert cli("export", batch, "--out", out)[0] == 0  # its own folder: replaced


def test_files_export_did_not_write_are_never_replaced(batch, cli):
    mine = batch / "mine.xlsx"
    mine.write_bytes(b"my own workbook")
    code, out, err = cli("export", batch, "--format", "xlsx", "--out", mine)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {mine}: file not written by msme-sim export")
    assert mine.read_bytes() == b"my own workbook"
    folder = batch / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep")
    code, _, err = cli("export", batch, "--out", folder)
    assert code == 2 and "did not write" in err
    assert [p.name for p in folder.iterdir()] == ["todo.txt"]


def test_a_missing_results_folder_is_one_line(tmp_path, cli):
    code, out, err = cli("export", tmp_path / "nope")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert not (tmp_path / "nope").exists()


def test_rewriting_the_workbook_leaves_no_temporary_files(batch):
    write_export(batch, "xlsx")
    write_export(batch, "xlsx")
    assert not [p.name for p in batch.iterdir() if p.name.startswith(".tmp-")]
