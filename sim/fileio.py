"""The one atomic file writer: a temporary file in the same folder, fsync, rename.

Every file msme-sim writes (run and batch results, reports, generated docs, validation figures)
goes through :func:`write_atomic`, so a crash or a full disk at any moment leaves either the old
file or the new one, never a half-written one. New files get the permissions the user's umask
allows (``0666 & ~umask``), like any file a program creates with ``open()``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def current_umask() -> int:
    """The process umask (read without changing it for more than an instant)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str | Path, data: bytes | str | Callable[[Path], None], *, encoding: str = "utf-8"
) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    ``data`` is bytes, text (encoded with ``encoding``) or a function that writes the file at the
    temporary path it is given (e.g. ``lambda tmp: pq.write_table(table, tmp)``).
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        if callable(data):
            os.close(fd)
            fd = -1
            data(tmp)
            fd = os.open(tmp, os.O_RDONLY)
        else:
            payload = data.encode(encoding) if isinstance(data, str) else data
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return path
