"""Scenario files: YAML → validated pydantic models, with ``extends:`` and dotted overrides.

Every problem becomes one :class:`ConfigError` naming the file and the dotted path of the bad
option, e.g. ``scenarios/x.yaml: firms.count: input should be greater than or equal to 1 (got 0)``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import ConfigError
from sim.params import TABLE, check_range
from sim.registry import keyword_params

__all__ = ["ConfigError", "Scenario", "load_scenario", "scenario_from_dict", "parse_set"]


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


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Firms(Section):
    """The initial population of firms."""

    count: int = P("firms.count")
    villages: int = P("firms.villages")
    poor_owner_share: float = P("firms.poor_owner_share")
    micro_share: float = P("firms.micro_share")
    small_share: float = P("firms.small_share")
    sector_shares: dict[str, float] = Field(
        default_factory=lambda: dict(SECTOR_SHARES),
        description="share of firms per sector (food, fashion, craft, retail, services); "
        "defaults and sources: firms.sector_shares.<sector> in the parameter table",
    )
    revenue_mean_idr: float = P("firms.revenue_mean_idr")
    revenue_sigma: float = P("firms.revenue_sigma")
    small_revenue_multiple: float = P("firms.small_revenue_multiple")
    literacy_mean: float = P("firms.literacy_mean")
    literacy_sd: float = P("firms.literacy_sd")
    poor_literacy_gap: float = P("firms.poor_literacy_gap")
    digital_share_messaging: float = P("firms.digital_share_messaging")
    digital_share_marketplace: float = P("firms.digital_share_marketplace")
    device_share: float = P("firms.device_share")
    cash_months: float = P("firms.cash_months")
    capacity_headroom: float = P("firms.capacity_headroom")
    input_cost_share: float = P("firms.input_cost_share")
    fixed_cost_share: float = P("firms.fixed_cost_share")
    openness_mean: float = P("firms.openness_mean")


SECTORS = ("food", "fashion", "craft", "retail", "services")
SECTOR_SHARES = {s: TABLE[f"firms.sector_shares.{s}"].default for s in SECTORS}


class Connectivity(Section):
    """Mobile internet in the villages."""

    coverage_mean: float = P("connectivity.coverage_mean")
    coverage_spread: float = P("connectivity.coverage_spread")
    quality_mean: float = P("connectivity.quality_mean")
    data_price_idr_per_gb: float = P("connectivity.data_price_idr_per_gb")
    gb_messaging: float = P("connectivity.gb_messaging")
    gb_marketplace: float = P("connectivity.gb_marketplace")
    device_cost_idr: float = P("connectivity.device_cost_idr")


class Networks(Section):
    """Strong cluster ties, weak ties and WhatsApp groups."""

    cluster_degree: int = P("networks.cluster_degree")
    rewire_p: float = P("networks.rewire_p")
    group_size: int = P("networks.group_size")
    groups_per_firm: float = P("networks.groups_per_firm")
    regency_group_share: float = P("networks.regency_group_share")


class Market(Section):
    """Local and online demand."""

    local_growth: float = P("market.local_growth")
    online_spend_per_seller_idr: float = P("market.online_spend_per_seller_idr")
    marketplace_spend_per_seller_idr: float = P("market.marketplace_spend_per_seller_idr")


#: Scenario and experiment names name results folders: a letter or digit, then letters, digits,
#: ``.``, ``_`` or ``-`` (at most 64 characters), so no name is a path (``..``, ``/abs``).
SLUG = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Scenario(Section):
    """A complete, validated scenario. ``rules`` holds every mechanism after :func:`resolve`."""

    name: str = Field("scenario", pattern=SLUG, description="results go to results/<name>/")
    description: str = ""
    months: int = P("months")
    seed: int = P("seed")
    firms: Firms = Field(default_factory=Firms)
    connectivity: Connectivity = Field(default_factory=Connectivity)
    networks: Networks = Field(default_factory=Networks)
    market: Market = Field(default_factory=Market)
    plugins: list[str] = Field(
        default_factory=list, description="Python files registering extra rule variants"
    )
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    policies: list[dict[str, Any]] = Field(default_factory=list)
    shocks: list[dict[str, Any]] = Field(default_factory=list)


# --- loading ----------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML that also reads ``2.0e9`` and ``1e6`` as numbers (YAML 1.1 wants ``2.0e+9``)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with the number-friendly safe loader."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML file's top-level mapping, or a ConfigError (missing file, broken YAML, not a map)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "file", "no such file")
    try:
        data = load_yaml_text(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "yaml"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(path, where, f"invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "expected a mapping of options")
    return data


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` onto ``base``: mappings merge key by key, everything else replaces."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_with_extends(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's options merged onto those of the file it ``extends:`` (recursively)."""
    path = Path(path)
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(path, "extends", "expected a file name")
    target = (path.parent / parent).resolve()
    if target in _seen:
        raise ConfigError(path, "extends", f"circular extends through {parent}")
    if not target.is_file():
        raise ConfigError(path, "extends", f"file not found: {parent}")
    return merge(read_with_extends(target, (*_seen, path.resolve())), data)


def parse_set(item: str, file: str = "--set") -> tuple[str, Any]:
    """``"firms.count=500"`` → ``("firms.count", 500)``; the value is read as a YAML scalar."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(file, "--set", f"expected PATH=VALUE, got {item!r}")
    try:
        return key.strip(), load_yaml_text(raw)
    except yaml.YAMLError:
        raise ConfigError(file, key.strip(), f"cannot read value {raw!r}") from None


def set_dotted(data: dict[str, Any], path: str, value: Any, file: str = "--set") -> None:
    """Set ``data[a][b][c] = value`` for ``path == "a.b.c"`` (integers index lists)."""
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(file, where, f"no list item {part} (list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ConfigError(file, where, "cannot set a key inside a plain value")


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, merge, override and validate a scenario file into a resolved :class:`Scenario`."""
    path = Path(path)
    own = read_yaml(path)
    data = read_with_extends(path)
    if "name" not in own:
        data["name"] = path.stem
    for item in overrides:
        key, value = parse_set(item, str(path))
        set_dotted(data, key, value, str(path))
    return scenario_from_dict(data, str(path))


def scenario_from_dict(data: Mapping[str, Any], file: str = "<scenario>") -> Scenario:
    """Validate a scenario mapping; rules, policies and shocks are checked against registries."""
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise pydantic_error(exc, file, Scenario) from None
    return resolve(scenario, file)


def resolve(scenario: Scenario, file: str) -> Scenario:
    """Fill in every mechanism's variant and settings; check policies and shocks."""
    from sim import rules
    from sim.interventions import resolve_interventions

    scenario.plugins = rules.load_plugins(scenario.plugins, file)
    scenario.rules = rules.resolve_rules(scenario.rules, file)
    scenario.policies = resolve_interventions("policies", scenario.policies, file)
    scenario.shocks = resolve_interventions("shocks", scenario.shocks, file)
    shares = scenario.firms.sector_shares
    unknown = sorted(set(shares) - set(SECTORS))
    if unknown:
        raise ConfigError(
            file,
            f"firms.sector_shares.{unknown[0]}",
            f"unknown sector (allowed: {', '.join(SECTORS)})",
        )
    for sector, share in shares.items():
        if not 0 <= share <= 1:
            raise ConfigError(file, f"firms.sector_shares.{sector}", f"{share} is not in [0, 1]")
    if sum(shares.values()) <= 0:
        raise ConfigError(file, "firms.sector_shares", "shares must not all be zero")
    f = scenario.firms
    if f.micro_share + f.small_share > 1:
        raise ConfigError(file, "firms.small_share", "micro_share + small_share must be <= 1")
    if f.digital_share_messaging + f.digital_share_marketplace > 1:
        raise ConfigError(
            file,
            "firms.digital_share_marketplace",
            "digital_share_messaging + digital_share_marketplace must be <= 1",
        )
    return scenario


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
    table rows holding the ranges (``rules.digital_adoption``).
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
    """``value`` converted to the type of ``default`` (int → float allowed), or a ConfigError."""
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
        value = float(value) if ok else value
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ConfigError(file, path, f"expected {kind.__name__}, got {value!r}")
    return value


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


def dump(scenario: Scenario) -> str:
    """The resolved scenario as YAML (what ``config.yaml`` in a run directory holds)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
