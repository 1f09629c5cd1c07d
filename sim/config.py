"""Scenario files: YAML → validated pydantic models, with ``extends:`` and dotted overrides.

Every problem becomes one :class:`ConfigError` naming the file and the dotted path of the bad
option, e.g. ``scenarios/x.yaml: firms.count: input should be greater than or equal to 1 (got 0)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from sim import catalogue, rules  # noqa: F401  (importing the catalogue registers the built-ins)
from sim.domain import SECTORS
from sim.errors import ConfigError
from sim.interventions import resolve_interventions
from sim.params import TABLE
from sim.settings import P, Section, check_settings, coerce, pydantic_error
from sim.yamlfile import load_yaml_text, read_yaml
from sim.yamlfile import merge as merge_mappings
from sim.yamlfile import read_with_extends as read_files

__all__ = [
    "SECTORS",
    "ConfigError",
    "Scenario",
    "Section",
    "check_settings",
    "coerce",
    "load_scenario",
    "load_yaml_text",
    "merge",
    "parse_set",
    "pydantic_error",
    "read_with_extends",
    "read_yaml",
    "scenario_from_dict",
]


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
    """Local demand."""

    local_growth: float = P("market.local_growth")


class Economy(Section):
    """The regional economy around the firms."""

    outside_demand_scale: float = P("economy.outside_demand_scale")


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
    economy: Economy = Field(default_factory=Economy)
    plugins: list[str] = Field(
        default_factory=list, description="Python files registering extra rule variants"
    )
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    policies: list[dict[str, Any]] = Field(default_factory=list)
    shocks: list[dict[str, Any]] = Field(default_factory=list)


# --- loading ----------------------------------------------------------------------------------


def _changes_variant(path: tuple[str, ...], spec: Mapping[str, Any], over: Any) -> bool:
    """Whether ``over`` (a mapping, or the new ``use`` value) picks, for the rule at ``path``
    (``("rules", mechanism)``), a different variant from the one ``spec`` runs: then it replaces
    the rule's settings instead of merging into them (a variant starts from its own defaults)."""
    use = over.get("use") if isinstance(over, Mapping) else over
    if len(path) != 2 or path[0] != "rules" or use is None:
        return False
    mech = rules.MECHANISMS.get(path[1])
    current = spec.get("use", mech.default if mech is not None else None)
    return current is not None and current != use


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge scenario options (see :func:`sim.yamlfile.merge`); a rule that picks another
    variant replaces the base's settings of that rule."""
    return merge_mappings(base, over, _changes_variant)


def read_with_extends(path: str | Path) -> dict[str, Any]:
    """A scenario file's options merged onto those of the file it ``extends:``."""
    return read_files(path, _changes_variant)


def parse_set(item: str, file: str = "--set") -> tuple[str, Any]:
    """``"firms.count=500"`` → ``("firms.count", 500)``; the value is read as a YAML scalar."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(file, "--set", f"expected PATH=VALUE, got {item!r}")
    try:
        return key.strip(), load_yaml_text(raw)
    except yaml.YAMLError:
        raise ConfigError(file, key.strip(), f"cannot read value {raw!r}") from None


def picks_variant(path: str) -> bool:
    """Whether ``path`` picks a rule's variant (``rules.<mechanism>.use``): such overrides are
    applied before the others, so the new variant's settings are not cleared by the switch."""
    parts = path.split(".")
    return len(parts) == 3 and parts[0] == "rules" and parts[2] == "use"


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
                if part == "use" and _changes_variant(tuple(parts[:-1]), node, value):
                    node.clear()  # another variant: start from its own defaults
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
    pairs = [parse_set(item, str(path)) for item in overrides]
    for key, value in sorted(pairs, key=lambda pair: not picks_variant(pair[0])):
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
    scenario.plugins = rules.load_plugins(scenario.plugins, file)
    scenario.rules = rules.resolve_rules(scenario.rules, file, scenario.plugins)
    scenario.policies = resolve_interventions("policies", scenario.policies, file, scenario)
    scenario.shocks = resolve_interventions("shocks", scenario.shocks, file, scenario)
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


def dump(scenario: Scenario) -> str:
    """The resolved scenario as YAML (what ``config.yaml`` in a run directory holds)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
