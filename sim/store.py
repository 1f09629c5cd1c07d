"""The results directory of a batch: layout, atomic writes, run records, resume and the lock.

DIR/
  experiment.yaml          the resolved experiment, with a fingerprint of its runs
  runs.parquet             one row per run (rebuilt from the records; never appended to)
  runs/<run_id>.parquet    monthly aggregates of one run
  runs/<run_id>.json       the run's record (written last: a run exists when its record does)
  failed/<run_id>.txt      the traceback of a failed run
  .lock                    held (flock) by the batch writing DIR
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.errors import ConfigError

TEMP_PREFIX = ".tmp-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_frame(path: Path, frame: pd.DataFrame) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """One batch results directory."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.failed_dir = self.root / "failed"
        self._lock_handle = None

    # --- lifecycle ----------------------------------------------------------------------------
    def open(self, experiment: dict[str, Any], fingerprint: str, force: bool, file: str) -> None:
        """Create or reopen DIR for this experiment, take the lock, clean stale temp files."""
        existing = self.root / "experiment.yaml"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock(file)
        if existing.exists():
            old = yaml.safe_load(existing.read_text()) or {}
            if old.get("fingerprint") != fingerprint:
                if not force:
                    self.release()
                    raise ConfigError(
                        file,
                        "--out",
                        f"{self.root} holds results of a different "
                        "experiment (or an edited one); use --force to replace them "
                        "or --out NEW_DIR",
                    )
                for sub in (self.runs_dir, self.failed_dir):
                    shutil.rmtree(sub, ignore_errors=True)
                (self.root / "runs.parquet").unlink(missing_ok=True)
        self.runs_dir.mkdir(exist_ok=True)
        self.failed_dir.mkdir(exist_ok=True)
        for folder in (self.root, self.runs_dir, self.failed_dir):
            for stale in folder.glob(f"{TEMP_PREFIX}*"):
                stale.unlink(missing_ok=True)
        data = dict(experiment, fingerprint=fingerprint)
        atomic_write_bytes(existing, yaml.safe_dump(data, sort_keys=False).encode())

    def _lock(self, file: str) -> None:
        handle = open(self.root / ".lock", "w")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ConfigError(
                file, "--out", f"{self.root} is in use by another batch (wait for it to finish)"
            ) from None
        self._lock_handle = handle

    def release(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    # --- runs -----------------------------------------------------------------------------------
    def record_path(self, run_id: str) -> Path:
        return self.runs_dir / f"{run_id}.json"

    def record(self, run_id: str) -> dict[str, Any]:
        return json.loads(self.record_path(run_id).read_text())

    def statuses(self) -> dict[str, str]:
        """Status (done or failed) of every finished run, by run id."""
        return {
            path.stem: self.record(path.stem)["status"] for path in self.runs_dir.glob("*.json")
        }

    def write_runs_table(self, order: list[str], chunk: int = 1000) -> dict[str, int]:
        """Rebuild runs.parquet from the records in expansion order (no duplicates by design),
        streaming ``chunk`` records at a time so memory does not grow with the run count.
        Returns the count of runs per status."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        finished = [r for r in order if self.record_path(r).exists()]
        kinds: dict[str, set] = {}
        for run_id in finished:  # first pass: the columns (first-seen order) and their types
            for key, value in self.record(run_id).items():
                kinds.setdefault(key, set()).add(type(value))
        schema = pa.schema([(key, _arrow_type(types)) for key, types in kinds.items()])
        columns = list(kinds)
        counts: dict[str, int] = {}
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}runs.parquet.", dir=self.root)
        os.close(fd)
        writer = None
        try:
            for start in range(0, max(len(finished), 1), chunk):
                rows = [self.record(r) for r in finished[start : start + chunk]]
                for row in rows:
                    counts[row["status"]] = counts.get(row["status"], 0) + 1
                table = pa.Table.from_pylist(rows, schema=schema).select(columns)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, schema)
                writer.write_table(table)
            if writer is None:  # no finished runs yet: an empty table
                pq.write_table(pa.Table.from_pylist([], schema=schema), tmp)
            else:
                writer.close()
            os.replace(tmp, self.root / "runs.parquet")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return counts


def _arrow_type(types: set):
    """Arrow type of a runs-table column from the Python types of its values."""
    import pyarrow as pa

    types = types - {type(None)}
    if types & {str}:
        return pa.string()
    if types and types <= {int, bool}:
        return pa.int64()
    return pa.float64()


def write_run_files(
    root: Path,
    run_id: str,
    monthly: pd.DataFrame,
    record: dict[str, Any],
    traceback_text: str | None = None,
) -> None:
    """A worker's output: monthly parquet (if any), traceback (if failed), then the record."""
    runs_dir = root / "runs"
    if monthly is not None:
        atomic_write_frame(runs_dir / f"{run_id}.parquet", monthly)
    if traceback_text is not None:
        atomic_write_bytes(root / "failed" / f"{run_id}.txt", traceback_text.encode())
    else:
        (root / "failed" / f"{run_id}.txt").unlink(missing_ok=True)
    atomic_write_bytes(
        runs_dir / f"{run_id}.json", json.dumps(record, sort_keys=True, default=str).encode()
    )
