"""The catalogue of built-ins: importing it registers every built-in mechanism, policy and shock.

It also assembles what a scenario's model is made of — its units of declarations (the
economy-wide accounts, its mechanisms in the order of the month, its policies and shocks), their
firm columns, shared fields and outcomes — and the outcome catalogue written with results.
"""

from __future__ import annotations

from pathlib import Path

import sim.policies.collaboration
import sim.policies.digital
import sim.policies.finance
import sim.rules.accounts
import sim.rules.bulk_purchasing
import sim.rules.co_creation
import sim.rules.digital_adoption
import sim.rules.exit_entry
import sim.rules.finance
import sim.rules.governance
import sim.rules.growth
import sim.rules.households
import sim.rules.joint_marketing
import sim.rules.knowledge_sharing
import sim.rules.labour
import sim.rules.market
import sim.rules.partnering
import sim.rules.resource_sharing
import sim.rules.whatsapp_selling
import sim.shocks  # noqa: F401  (importing the built-ins above registers them)
from sim import groups, metrics
from sim.declarations import Column, SharedField, Unit
from sim.fileio import write_atomic
from sim.interventions import POLICIES, SHOCKS
from sim.outcomes import CATALOGUE_FILE, Outcome, to_json
from sim.policies.base import BUDGETS
from sim.rules import MECHANISMS, in_scenario, schedule
from sim.state import CORE_COLUMNS

FIRMS = metrics.FIRMS


def month_order(scenario) -> list[str]:
    """The scenario's mechanisms in the order they run each month."""
    return schedule(in_scenario(scenario.plugins).values())


def units(scenario) -> list[Unit]:
    """The units a model of ``scenario`` is made of: the accounts, its mechanisms (in the order
    of the month, enabled or not), the classes of its policies and shocks, the policy budgets
    and the per-group outcomes (sectors, villages)."""
    mechanisms = [MECHANISMS[name] for name in month_order(scenario)]
    interventions = [POLICIES.get(p["use"]).unit for p in scenario.policies]
    interventions += [SHOCKS.get(s["use"]).unit for s in scenario.shocks]
    unique = list(dict.fromkeys(interventions))
    return [FIRMS, *mechanisms, *unique, BUDGETS, groups.unit(scenario.firms.villages)]


def columns(scenario) -> tuple[Column, ...]:
    """Every firm column of the scenario's model: the core ones and those its units own."""
    out = {c.name: c for c in CORE_COLUMNS}
    for unit in units(scenario):
        for column in unit.columns:
            if column.name in out and out[column.name] != column:
                raise ValueError(f"column {column.name!r} declared twice ({unit.name})")
            out[column.name] = column
    return tuple(out.values())


def shared_fields(scenario) -> list[SharedField]:
    """Every shared field a model may hold: those of the accounts, of every mechanism the
    scenario knows and of every registered policy and shock (a mechanism may read a field that
    only a policy sets, such as the collaboration subsidy)."""
    owners = [FIRMS, *in_scenario(scenario.plugins).values()]
    owners += [POLICIES.get(n).unit for n in POLICIES.names()]
    owners += [SHOCKS.get(n).unit for n in SHOCKS.names()]
    fields: dict[str, SharedField] = {}
    for unit in owners:
        for f in unit.shared:
            fields.setdefault(f.name, f)
    return list(fields.values())


def outcomes(scenario) -> dict[str, tuple[Outcome, object]]:
    """The scenario's monthly outcomes, ``name → (Outcome, fn(model))``, in unit order."""
    out: dict[str, tuple[Outcome, object]] = {}
    for unit in units(scenario):
        for name, item in unit.outcomes.items():
            if name in out:
                raise ValueError(f"outcome {name!r} declared twice ({unit.name})")
            out[name] = item
    return out


def builtin_outcomes() -> dict[str, Outcome]:
    """Every outcome a built-in unit declares (the accounts, then mechanisms, then policies)."""
    owners = [FIRMS, *(m for m in MECHANISMS.values() if m.builtin)]
    owners += [POLICIES.get(n).unit for n in POLICIES.names()]
    return {name: o for unit in owners for name, (o, _) in unit.outcomes.items()}


def write_catalogue(directory: str | Path, catalogue: dict[str, Outcome]) -> Path:
    """Write ``outcomes.json`` (the catalogue that analysis and the report read) into
    ``directory``."""
    return write_atomic(Path(directory) / CATALOGUE_FILE, to_json(catalogue))
