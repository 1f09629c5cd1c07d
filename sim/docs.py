"""Generated documentation: the scenario file reference and the parameter table of docs/ODD.md.

``msme-sim docs`` rewrites ``docs/scenarios.md`` from the pydantic schema and the parameter table
section of ``docs/ODD.md`` from ``sim.params``; a test fails when either is out of date.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from sim.config import Scenario
from sim.params import TABLE

START, END = "<!-- parameter-table:start -->", "<!-- parameter-table:end -->"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def parameter_table() -> str:
    """The whole parameter table as Markdown, one row per dotted path."""
    import sim.policies  # noqa: F401  (policies, shocks and rules register their rows on import)
    import sim.rules  # noqa: F401
    import sim.shocks  # noqa: F401
    from sim.params import _range_text

    lines = [
        "| parameter | default | unit | range | description | source |",
        "|---|---|---|---|---|---|",
    ]
    for path in sorted(TABLE):
        p = TABLE[path]
        lines.append(
            f"| `{path}` | {_cell(p.default)} | {_cell(p.unit)} | {_range_text(p)} | "
            f"{_cell(p.doc)} | {_cell(p.source)} |"
        )
    return "\n".join(lines)


def _section_rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        path = f"{prefix}{name}"
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.append(f"| `{path}` | section | | {_cell(ann.__doc__ or '')} |")
            rows += _section_rows(ann, f"{path}.")
            continue
        default = field.get_default(call_default_factory=True)
        kind = getattr(ann, "__name__", str(ann)).replace("typing.", "")
        rows.append(
            f"| `{path}` | {_cell(kind)} | {_cell(default)} | {_cell(field.description or '')} |"
        )
    return rows


def scenarios_reference() -> str:
    """docs/scenarios.md: every scenario option with type, default and meaning."""
    import sim.policies  # noqa: F401  (built-ins register on import)
    import sim.shocks  # noqa: F401
    from sim.interventions import POLICIES, SHOCKS
    from sim.rules import MECHANISMS

    def builtin(variants):  # leave out variants registered by plugins or tests
        return sorted(n for n, fn in variants.items() if fn.__module__.startswith("sim."))

    mechanisms = "\n".join(
        f"| `{m.name}` | {', '.join(f'`{v}`' for v in builtin(m.variants))} | `{m.default}` |"
        for m in sorted(MECHANISMS.values(), key=lambda m: m.name)
    )
    return f"""# Scenario file reference

Generated from the pydantic schema by `msme-sim docs`; do not edit by hand.

A scenario is a YAML file. `extends: other.yaml` merges it onto another file (mappings merge key by
key, lists and values replace). On the command line, `--set dotted.path=value` overrides any
option (the value is read as YAML: `--set policies=[]`, `--set firms.count=500`). Unknown keys,
wrong types and out-of-range values are errors naming the file and the dotted path.

| option | type | default | meaning |
|---|---|---|---|
{chr(10).join(_section_rows(Scenario))}

## rules

`rules.<mechanism>.use` picks a variant, `rules.<mechanism>.enabled: false` switches the mechanism
off, other keys are the variant's parameters (see the parameter table in `docs/ODD.md` and
`docs/rules.md`).

| mechanism | variants | default |
|---|---|---|
{mechanisms}

## policies and shocks

Lists of `{{use: <name>, ...settings}}`. Policies: {
        ", ".join(f"`{n}`" for n in POLICIES.names()) or "none yet"
    }. Shocks: {", ".join(f"`{n}`" for n in SHOCKS.names()) or "none yet"}. See `docs/policies.md`.
"""


def odd_with_table(odd_text: str) -> str:
    """``odd_text`` with its parameter-table section replaced by the current table."""
    head, _, rest = odd_text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{parameter_table()}\n{END}{tail}"


def write_docs(docs: Path) -> list[Path]:
    from sim.runner.single import atomic_write_text

    odd = docs / "ODD.md"
    atomic_write_text(odd, odd_with_table(odd.read_text(encoding="utf-8")))
    atomic_write_text(docs / "scenarios.md", scenarios_reference())
    return [odd, docs / "scenarios.md"]
