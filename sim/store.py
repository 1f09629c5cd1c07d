"""The results directory of a batch: layout, atomic writes, run records, resume and the lock.

DIR/
  experiment.yaml          the resolved experiment (arms, seed, design, SALib problem)
  runs.parquet             one row per run, rebuilt from the records (never appended to)
  runs/<run_id>.parquet    monthly aggregates of one run
  runs/<run_id>.json       the run's record, written LAST: a run exists when its record does
  firms/<run_id>.parquet   the run's end-of-run firm table (when the experiment keeps them)
  failed/<run_id>.txt      the traceback of a failed run, with the command that reruns it
  kills.json               runs that killed their worker process, and how often
  .msme-sim.json           the marker: DIR was created by msme-sim for this experiment
  .lock                    held by the batch writing DIR (filelock); the OS frees it on any exit

Every file is written by :func:`sim.fileio.write_atomic`, so a crash (or a full disk) at any
moment leaves only complete files, and runs.parquet stays the last good table; stale temporary
files are removed when a batch opens the directory. A batch writes into, and ``--force``
clears, only a folder msme-sim created (:mod:`sim.runner.outdir`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from filelock import FileLock, Timeout

from sim.errors import ConfigError
from sim.fileio import TEMP_PREFIX, write_atomic
from sim.runner.outdir import MARKER, check_replaceable, write_marker

LOCK = ".lock"
KILLS = "kills.json"
FOLDERS = ("runs", "firms", "failed")
#: Everything a batch folder written before markers existed can hold (with its report).
LEGACY = {
    "experiment.yaml",
    "runs.parquet",
    *FOLDERS,
    LOCK,
    "report.html",
    "effects.csv",
    "outcomes.json",
}
#: Leading columns of runs.parquet (the design's columns follow ``seed``).
ID_COLUMNS = ["run_id", "arm", "replication", "seed"]
RUN_COLUMNS = ["status", "error", "duration_s", "version", "config_hash"]


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table. Per-run tables (NumPy numbers, booleans, categoricals) are
    converted column by column: pandas' general conversion would cost about as much as writing
    the small file. Anything else goes through ``pa.Table.from_pandas``."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            categories = pa.array(values.cat.categories.to_numpy())
            columns[name] = pa.DictionaryArray.from_arrays(values.cat.codes.to_numpy(), categories)
        elif isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
            columns[name] = values.to_numpy()
        else:
            return pa.Table.from_pandas(frame, preserve_index=False)
    return pa.table(columns)


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as Parquet to ``path`` atomically."""
    table = arrow_table(frame)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def write_run_files(
    root: Path,
    record: dict[str, Any],
    monthly: pd.DataFrame | None,
    firms: pd.DataFrame | None,
    traceback_text: str | None = None,
) -> None:
    """A worker's output: monthly and firm tables, or the traceback; then the record."""
    run_id = record["run_id"]
    if monthly is not None:
        write_frame(root / "runs" / f"{run_id}.parquet", monthly)
    if firms is not None:
        write_frame(root / "firms" / f"{run_id}.parquet", firms)
    if traceback_text is not None:
        write_atomic(root / "failed" / f"{run_id}.txt", traceback_text)
    text = json.dumps(record, default=str, allow_nan=True)
    write_atomic(root / "runs" / f"{run_id}.json", text)
    if traceback_text is None:  # after the record: a crash in between leaves a retried run failed
        (root / "failed" / f"{run_id}.txt").unlink(missing_ok=True)


#: Descriptors of the locks this process holds: a forked worker lets go of its copies
#: (:func:`drop_inherited_locks`), or a lock would outlive a killed batch in its workers.
_HELD_LOCKS: set[int] = set()


def drop_inherited_locks() -> None:
    """In a forked worker: point the inherited lock descriptors at /dev/null (the parent's
    lock is untouched; the descriptor numbers stay valid for anything that closes them)."""
    for fd in list(_HELD_LOCKS):
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, fd)
        os.close(null)
    _HELD_LOCKS.clear()


class Store:
    """One batch results directory, opened (and locked) by one batch at a time."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self._lock_handle = None

    # --- lifecycle ----------------------------------------------------------------------------
    def open(
        self,
        experiment: dict[str, Any],
        run_ids: set[str],
        force: bool,
        file: str,
        mark: dict[str, Any],
    ) -> None:
        """Create or reopen DIR for this experiment: lock it, check that msme-sim created it
        for this experiment and that the runs it holds belong to it (``force`` clears them
        instead), clean stale temp files."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock(file)
        try:
            if is_legacy(self.root):  # adopted only for the same experiment name: never marked
                old = yaml.safe_load((self.root / "experiment.yaml").read_text(encoding="utf-8"))
                if isinstance(old, dict) and old.get("name") == mark["name"]:
                    write_marker(self.root, mark)
            check_replaceable(self.root, mark, force, file, ignore={LOCK})
            stale = [p.stem for p in self.runs_dir.glob("*.json") if p.stem not in run_ids]
            if stale and not force:
                raise ConfigError(
                    file,
                    "--out",
                    f"{self.root} holds {len(stale)} run(s) that are not part of this experiment "
                    f"(was the file changed? e.g. {stale[0]}); use --force to clear them or "
                    "--out NEW_DIR",
                )
            if force:  # DIR is empty or marked: only msme-sim's files are cleared
                for name in FOLDERS:
                    shutil.rmtree(self.root / name, ignore_errors=True)
                for name in ("runs.parquet", KILLS):
                    (self.root / name).unlink(missing_ok=True)
            write_marker(self.root, mark)
            for name in FOLDERS:
                (self.root / name).mkdir(exist_ok=True)
            for folder in (self.root, *(self.root / name for name in FOLDERS)):
                for temp in folder.glob(f"{TEMP_PREFIX}*"):
                    if is_atomic_temp(temp):
                        temp.unlink(missing_ok=True)
            text = yaml.safe_dump(experiment, sort_keys=False, allow_unicode=True)
            write_atomic(self.root / "experiment.yaml", text)
        except BaseException:
            self.release()
            raise

    def _lock(self, file: str) -> None:
        lock = FileLock(self.root / LOCK, blocking=False)
        try:
            lock.acquire()
        except Timeout:
            raise ConfigError(
                file, "--out", f"{self.root} is in use by another batch (wait for it to finish)"
            ) from None
        self._lock_handle = lock
        fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
        if fd is not None:
            _HELD_LOCKS.add(fd)

    def release(self) -> None:
        """Release the lock (the OS also releases it when the process dies)."""
        if self._lock_handle is not None:
            fd = getattr(self._lock_handle._context, "lock_file_fd", None)
            _HELD_LOCKS.discard(fd)
            self._lock_handle.release()
            self._lock_handle = None

    # --- runs -----------------------------------------------------------------------------------
    def record(self, run_id: str) -> dict[str, Any] | None:
        """The run's record, or None if it has not finished."""
        path = self.runs_dir / f"{run_id}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    def statuses(self) -> dict[str, str]:
        """``run_id → "done" | "failed"`` of every finished run (records are read one by one)."""
        return {p.stem: json.loads(p.read_text())["status"] for p in self.runs_dir.glob("*.json")}

    def write_runs_table(self, order: Iterable[str], chunk: int = 1000) -> dict[str, str]:
        """Rebuild runs.parquet from the records, in plan order (never duplicated), streaming
        ``chunk`` records at a time so memory does not grow with the number of runs.

        Columns: ids, design, run columns, then the outcomes. Returns ``run_id → status``.
        """
        finished = [r for r in order if (self.runs_dir / f"{r}.json").is_file()]
        kinds: dict[str, set] = {}
        for run_id in finished:  # first pass: the columns and their types
            for key, value in self.record(run_id).items():
                kinds.setdefault(key, set()).add(type(value))
        design = [c for c in kinds if "." in c or c == "sample"]
        lead = [c for c in (*ID_COLUMNS, *design, *RUN_COLUMNS) if c in kinds]
        columns = lead + [c for c in kinds if c not in lead]
        schema = pa.schema([(c, _arrow_type(kinds[c])) for c in columns])
        statuses: dict[str, str] = {}

        def write(tmp: Path) -> None:
            with pq.ParquetWriter(tmp, schema) as writer:
                for start in range(0, len(finished), chunk):
                    rows = [self.record(r) for r in finished[start : start + chunk]]
                    statuses.update((row["run_id"], row["status"]) for row in rows)
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))

        write_atomic(self.root / "runs.parquet", write)
        return statuses

    # --- runs that kill their worker ------------------------------------------------------------
    def kills(self) -> dict[str, int]:
        """``run_id → how many times the run killed its worker process`` (kills.json)."""
        path = self.root / KILLS
        return json.loads(path.read_text()) if path.is_file() else {}

    def add_kill(self, run_id: str) -> int:
        """Count one more worker killed by ``run_id``; return its count."""
        kills = self.kills()
        kills[run_id] = kills.get(run_id, 0) + 1
        write_atomic(self.root / KILLS, json.dumps(kills, indent=1))
        return kills[run_id]


def is_atomic_temp(path: Path) -> bool:
    """Whether ``path`` is a temporary file the atomic writer left (``.tmp-NAME.XXXXXXXX``, a
    plain file): only those are cleaned, never a user's own ``.tmp-*`` files or folders."""
    return (
        path.is_file()
        and not path.is_symlink()
        and re.fullmatch(rf"{re.escape(TEMP_PREFIX)}.+\.[a-z0-9_]{{8}}", path.name) is not None
    )


def is_legacy(root: Path) -> bool:
    """A batch folder msme-sim wrote before it marked its folders: no marker, an
    experiment.yaml and a runs.parquet, and nothing else than batch files."""
    if not root.is_dir() or (root / MARKER).exists():
        return False
    names = {entry.name for entry in root.iterdir()}
    return {"experiment.yaml", "runs.parquet"} <= names and names <= LEGACY


def _arrow_type(types: set) -> pa.DataType:
    """Arrow type of a runs-table column from the Python types of its values."""
    types = types - {type(None)}
    if str in types:
        return pa.string()
    if types and types <= {int, bool}:
        return pa.int64()
    return pa.float64()
