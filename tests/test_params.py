"""Every default number sits in the parameter table with a unit and a source."""

from __future__ import annotations

from pydantic import BaseModel

from sim.config import Scenario
from sim.params import TABLE, table
from sim.rules import MECHANISMS


def numeric_fields(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from numeric_fields(ann, f"{prefix}{name}.")
        elif ann in (int, float):
            yield f"{prefix}{name}", field.default


def test_every_scenario_number_is_in_the_table_with_its_default():
    for path, default in numeric_fields(Scenario):
        assert path in TABLE, f"{path} has no row in the parameter table"
        assert TABLE[path].default == default


def test_sector_shares_come_from_the_table():
    shares = Scenario().firms.sector_shares
    assert shares == {k: TABLE[f"firms.sector_shares.{k}"].default for k in shares}


def test_every_builtin_rule_parameter_is_in_the_table():
    for mech in MECHANISMS.values():
        for name, v in mech.variants.items():
            if v.fn.__module__.startswith("sim.rules"):
                for param, default in v.settings.items():
                    row = TABLE.get(f"rules.{mech.name}.{param}")
                    assert row is not None, f"rules.{mech.name}.{param} ({name}) not in table"
                    assert row.default == default


def test_rows_have_units_sources_and_descriptions():
    frame = table()
    assert len(frame) == len(TABLE)
    for column in ("unit", "source", "description"):
        assert (frame[column].str.len() > 0).all(), column


def test_defaults_lie_within_their_ranges():
    from sim.params import check_range

    for path, row in TABLE.items():
        assert check_range(path, row.default) is None, path
