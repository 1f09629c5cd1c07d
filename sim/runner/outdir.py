"""Results folders msme-sim owns: the marker file, the checks before replacing or clearing a
folder, and the locked swap of a run folder.

Every results folder msme-sim creates (a run's, a batch's) holds ``.msme-sim.json``: its kind,
the scenario or experiment name, its source file and config hash. msme-sim replaces or clears a
folder only when it holds that marker (or is empty), and refuses a marked folder of another
scenario or experiment unless asked to (``--force``): a user's own files are never touched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import glob
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock

from sim.errors import ConfigError
from sim.fileio import current_umask, write_atomic

MARKER = ".msme-sim.json"
#: Sibling folders of a run folder while it is written (``.tmp-``) or replaced (``.old-``).
TEMP_PREFIXES = (".tmp-", ".old-")
#: What a run folder holds: it is replaced whole only when it holds nothing else.
RUN_FILES = frozenset({MARKER, "config.yaml", "monthly.parquet", "summary.json", "outcomes.json"})


def marker(kind: str, name: str, source: str | None, config_hash: str | None) -> dict[str, Any]:
    """The marker's content: what created the folder."""
    from sim.version import __version__

    return {
        "kind": kind,
        "name": name,
        "source": source,
        "config_hash": config_hash,
        "version": __version__,
    }


def write_marker(folder: Path, mark: dict[str, Any]) -> None:
    """Mark ``folder`` as created by msme-sim."""
    write_atomic(folder / MARKER, json.dumps(mark, indent=2) + "\n")


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The folder's marker, or None when it has none (or an unreadable one)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_replaceable(
    folder: Path,
    mark: dict[str, Any],
    force: bool,
    file: str,
    option: str = "--out",
    ignore: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Raise a ConfigError unless msme-sim may replace or reuse ``folder`` for ``mark``.

    Allowed: a missing or empty folder (but for the names in ``ignore``); a folder marked by
    msme-sim with the same kind, name and source; with ``force``, any msme-sim folder of the
    same kind.
    """
    if folder.is_symlink():
        raise ConfigError(file, option, f"{folder} is a link: nothing replaced; give a real folder")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ConfigError(file, option, f"{folder} is a file, not a results folder")
    if all(entry.name in ignore for entry in folder.iterdir()):
        return
    found = read_marker(folder)
    if found is None:
        raise ConfigError(
            file,
            option,
            f"{folder} was not created by msme-sim (no {MARKER}): nothing replaced; "
            "choose a new or empty folder",
        )
    if found.get("kind") != mark["kind"]:
        raise ConfigError(
            file,
            option,
            f"{folder} holds {found.get('kind')} results, not {mark['kind']} results: "
            "choose another folder",
        )
    if mark["kind"] == "run":  # a run folder is replaced whole: only if it holds nothing else
        others = sorted(e.name for e in folder.iterdir() if e.name not in RUN_FILES)
        if others:
            raise ConfigError(
                file,
                option,
                f"{folder} also holds files msme-sim did not write ({', '.join(others[:3])}): "
                "nothing replaced; move them or choose another folder",
            )
    same = all(found.get(key) == mark[key] for key in ("name", "source"))
    if not same and not force:
        raise ConfigError(
            file,
            option,
            f"{folder} holds the results of {found.get('name')!r} ({found.get('source')}); "
            "use --force to replace them or choose another folder",
        )


def new_folder(parent: Path, prefix: str) -> Path:
    """A new temporary folder in ``parent`` with the permissions the umask allows (mkdtemp
    alone makes it 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(0o777 & ~current_umask())
    return folder


def remove_stale(target: Path) -> None:
    """Remove the ``.tmp-NAME.*``/``.old-NAME.*`` siblings of ``target`` a killed run left.

    Call with the target's lock held: every writer creates them only under that lock, so any
    that exist are stale. Only marked or empty folders are removed.
    """
    for prefix in TEMP_PREFIXES:
        # mkdtemp adds 8 random characters (.tmp-); the moved-aside folder a process id (.old-)
        own = re.compile(rf"{re.escape(prefix + target.name)}\.(?:[a-z0-9_]{{8}}|[0-9]+)")
        for stale in target.parent.glob(f"{glob.escape(prefix + target.name)}.*"):
            if not own.fullmatch(stale.name) or not stale.is_dir() or stale.is_symlink():
                continue
            if read_marker(stale) is not None:
                shutil.rmtree(stale, ignore_errors=True)
            elif not any(stale.iterdir()):
                stale.rmdir()


def lock_path(target: Path) -> Path:
    """The lock file guarding ``target`` (a hidden sibling: the target itself is replaced)."""
    return target.with_name(f".{target.name}.lock")


def replace_folder(
    target: Path,
    mark: dict[str, Any],
    fill: Callable[[Path], None],
    force: bool = False,
    file: str = "--out",
) -> Path:
    """Write a new results folder with ``fill(folder)`` and put it at ``target``.

    Under a lock on ``target``: stale temporary siblings are removed, ``target`` is checked
    again (:func:`check_replaceable`), the new folder is written beside it and swapped in. On
    Linux the swap is one atomic exchange, so readers always find a folder at ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_path(target)):
        remove_stale(target)
        check_replaceable(target, mark, force, file)
        tmp = new_folder(target.parent, f"{TEMP_PREFIXES[0]}{target.name}.")
        try:
            write_marker(tmp, mark)
            fill(tmp)
            if target.exists() and _exchange(tmp, target):
                shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
                return target
            old = None
            if target.exists():
                old = target.with_name(f"{TEMP_PREFIXES[1]}{target.name}.{os.getpid()}")
                target.rename(old)
            tmp.rename(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2():
    """glibc's ``renameat2``, or None (other systems, other C libraries)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name, use_errno=True), "renameat2", None) if name else None
    except OSError:
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
