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

    def records(self) -> dict[str, dict[str, Any]]:
        """Every finished run's record (done or failed), by run id."""
        out = {}
        for path in sorted(self.runs_dir.glob("*.json")):
            record = json.loads(path.read_text())
            out[record["run_id"]] = record
        return out

    def write_runs_table(self, order: list[str]) -> pd.DataFrame:
        """Rebuild runs.parquet from the records, in expansion order (no duplicates by design)."""
        records = self.records()
        rows = [records[r] for r in order if r in records]
        frame = pd.DataFrame(rows)
        atomic_write_frame(self.root / "runs.parquet", frame)
        return frame


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
