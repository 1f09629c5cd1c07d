"""Generic checks of settings: the pydantic base of every file section, table-backed fields, the
keyword settings of rules, policies and shocks, and pydantic errors as one-line ConfigErrors."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import ConfigError
from sim.params import TABLE, check_range
from sim.registry import keyword_params


class Section(BaseModel):
    """A section of a scenario or experiment file: unknown keys are errors.

    Strict: no bools or floats as integers (``count: true`` is not 1 firm); integers still count
    as floats. No NaN or infinity: NaN passes every range check."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


def P(path: str) -> Any:
    """A pydantic field whose default, bounds and description come from the parameter table."""
    p = TABLE[path]
    return Field(
        default=p.default,
        ge=p.ge,
        le=p.le,
        gt=p.gt,
        description=f"{p.doc} [{p.unit}]. Source: {p.source}",
    )


def check_settings(
    fn,
    settings: Mapping[str, Any],
    file: str,
    path: str,
    table_prefix: str,
    skip: Iterable[str] = (),
) -> dict[str, Any]:
    """Check ``settings`` against ``fn``'s keyword-only parameters: names, types and ranges.

    Returns the complete settings (defaults filled in). ``table_prefix`` locates the parameter
    table rows holding the ranges and allowed values (``rules.digital_adoption``).
    """
    allowed = keyword_params(fn)
    out = dict(allowed)
    for key, value in settings.items():
        if key in skip:
            continue
        if key not in allowed:
            valid = ", ".join(sorted(allowed)) or "none"
            raise ConfigError(file, f"{path}.{key}", f"unknown parameter (valid: {valid})")
        out[key] = coerce(value, allowed[key], file, f"{path}.{key}")
        problem = check_range(f"{table_prefix}.{key}", out[key]) or check_range(
            f"{table_prefix.rsplit('.', 1)[0]}.{key}", out[key]
        )
        if problem:
            raise ConfigError(file, f"{path}.{key}", problem)
    return out


def coerce(value: Any, default: Any, file: str, path: str) -> Any:
    """``value`` converted to the type of ``default`` (int → float allowed), or a ConfigError.

    NaN and infinity are refused everywhere, also inside lists and mappings."""
    if not _finite(value):
        raise ConfigError(file, path, f"expected a finite number, got {value!r}")
    if (
        default is None
        or isinstance(default, list | dict | str)
        and isinstance(value, type(default))
    ):
        return value
    kind = type(default)
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        try:
            value = float(value) if ok else value
        except OverflowError:  # an integer beyond float's range
            ok = False
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ConfigError(file, path, f"expected {kind.__name__}, got {value!r}")
    return value


def _finite(value: Any) -> bool:
    """False when ``value`` is or holds (in lists and mappings) a NaN or an infinity."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(map(_finite, value))
    if isinstance(value, Mapping):
        return all(map(_finite, value.values()))
    return True


def pydantic_error(exc: ValidationError, file: str, model: type[BaseModel]) -> ConfigError:
    """The first pydantic error as a one-line ConfigError with its dotted path."""
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"]]
    path = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        return ConfigError(file, path, f"unknown key (allowed: {', '.join(allowed)})")
    msg = err["msg"][0].lower() + err["msg"][1:]
    if err["type"] == "missing":
        return ConfigError(file, path, "required option is missing")
    return ConfigError(file, path, f"{msg} (got {err.get('input')!r})")


def _allowed_keys(model: type[BaseModel], loc: list[str]) -> list[str]:
    for part in loc:
        field = model.model_fields.get(part)
        ann = getattr(field, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return []
        model = ann
    return sorted(model.model_fields)
