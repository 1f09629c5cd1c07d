"""Plugins: the Python files (or installed modules) a scenario's ``plugins:`` names.

A plugin registers extra rule variants when imported, which makes a scenario with plugins
*code*: reading it runs them. So:

- a file entry must end in ``.py``; a relative path is resolved against the folder of the
  scenario file and must stay inside that folder tree (``../`` or a symbolic link out of it is
  refused). Absolute paths are taken as written: msme-sim writes them itself, in a run's
  ``config.yaml`` and in batch plans, and the loaded files are always listed (next point);
- any other entry must be the dotted name of an installed module (``my_rules.adoption``);
- every file or module actually imported is named in one line on stderr;
- a plugin that fails, or calls ``sys.exit``, becomes a one-line :class:`ConfigError` naming it;
- :func:`set_mode` (``--no-plugins`` on the command line) skips loading when validating
  (``"skip"``, saying so) and refuses a scenario that has plugins when running (``"refuse"``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from pathlib import Path

from sim.errors import ConfigError

MODES = ("load", "skip", "refuse")
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_mode = "load"


def set_mode(mode: str) -> None:
    """``"load"`` (default) imports plugins; ``"skip"`` checks their entries without importing
    (validation of an untrusted file); ``"refuse"`` makes any plugin entry an error."""
    global _mode
    if mode not in MODES:
        raise ValueError(f"plugin mode must be one of {MODES}, got {mode!r}")
    _mode = mode


def mode() -> str:
    """The current plugin mode (see :func:`set_mode`)."""
    return _mode


def load_plugins(items: list[str], file: str) -> list[str]:
    """Import the plugins of a scenario read from ``file``; return their absolute paths (files)
    or module names, in order. Follows :func:`set_mode`."""
    if not items:
        return []
    if _mode == "refuse":
        raise ConfigError(
            file, "plugins", f"the scenario runs code ({', '.join(items)}); refused by --no-plugins"
        )
    located = [locate(item, file, f"plugins.{i}") for i, item in enumerate(items)]
    if _mode == "skip":
        print(f"{file}: plugins not loaded (--no-plugins): {', '.join(located)}", file=sys.stderr)
        return located
    new = [(i, name) for i, name in enumerate(located) if _module_name(name) not in sys.modules]
    if new:
        listed = ", ".join(name for _, name in new)
        print(f"{file}: loading plugins (Python code): {listed}", file=sys.stderr)
    for i, name in new:
        _import(name, file, f"plugins.{i}", items[i])
    return located


def locate(item: str, file: str, where: str) -> str:
    """The absolute path of a plugin file entry, or the name of an installed module entry."""
    if not isinstance(item, str) or not item.strip():
        raise ConfigError(file, where, "expected a .py file or an installed module name")
    base = Path(file).parent if Path(file).is_file() else Path.cwd()
    if not item.endswith(".py"):
        if not _MODULE_NAME.match(item) or (base / item).exists():
            raise ConfigError(
                file, where, f"expected a .py file or an installed module name, got {item!r}"
            )
        try:
            found = importlib.util.find_spec(item) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ConfigError(file, where, f"no installed module {item!r} (and not a .py file)")
        return item
    path = (base / item).resolve()
    if not Path(item).is_absolute() and not path.is_relative_to(base.resolve()):
        raise ConfigError(
            file, where, f"{item} is outside the scenario's folder (plugins must live in it)"
        )
    if not path.is_file():
        raise ConfigError(file, where, f"file not found: {item}")
    return str(path)


def _module_name(located: str) -> str:
    if not located.endswith(".py"):
        return located
    return f"msme_sim_plugin_{hashlib.sha256(located.encode()).hexdigest()[:16]}"


def _import(located: str, file: str, where: str, item: str) -> None:
    """Import one plugin; any failure, ``sys.exit`` included, becomes a ConfigError."""
    name = _module_name(located)
    try:
        if located.endswith(".py"):
            spec = importlib.util.spec_from_file_location(name, located)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            importlib.import_module(name)
    except KeyboardInterrupt:
        sys.modules.pop(name, None)
        raise
    except SystemExit as exc:
        sys.modules.pop(name, None)
        raise ConfigError(
            file, where, f"plugin {item} called sys.exit({exc.code!r}) while loading"
        ) from None
    except BaseException as exc:  # a student's file: report it as bad input, in one line
        sys.modules.pop(name, None)
        raise ConfigError(
            file, where, f"plugin {item} failed to import: {type(exc).__name__}: {exc}"
        ) from None
