"""Generated documentation: the scenario file reference and the parameter table of docs/ODD.md.

``msme-sim docs`` rewrites ``docs/scenarios.md`` from the pydantic schema and the parameter table
section of ``docs/ODD.md`` from ``sim.params``; a test fails when either is out of date.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from sim.config import Scenario
from sim.fileio import write_atomic
from sim.params import TABLE

START, END = "<!-- parameter-table:start -->", "<!-- parameter-table:end -->"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def parameter_table() -> str:
    """The whole parameter table as Markdown, one row per dotted path."""
    import sim.catalogue  # noqa: F401  (every built-in registers its parameters on import)
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
    import sim.catalogue  # noqa: F401  (built-ins register on import)
    from sim.interventions import POLICIES, SHOCKS
    from sim.rules import MECHANISMS
    from sim.runner.experiment import MAX_REPLICATIONS, MAX_RUNS, MAX_SAMPLES
    from sim.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

    def builtin(variants):  # leave out variants registered by plugins or tests
        return sorted(n for n, v in variants.items() if v.fn.__module__.startswith("sim."))

    mechanisms = "\n".join(
        f"| `{m.name}` | {', '.join(f'`{v}`' for v in builtin(m.variants))} | `{m.default}` "
        f"| `{m.after}` |"
        for m in sorted(MECHANISMS.values(), key=lambda m: m.name)
        if m.builtin
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

| mechanism | variants | default | runs right after |
|---|---|---|---|
{mechanisms}

## Plugins are code

`plugins:` lists Python files (or installed module names) that register extra rule variants (see
`docs/rules.md`). **A scenario with plugins is a program**: `msme-sim validate`, `run` and `batch`
import its plugins, which can do anything your user account can. Read a scenario's plugins before
you use a file from someone you do not trust, or check it with
`msme-sim validate --no-plugins FILE` (plugins are listed, not imported); `run --no-plugins` and
`batch --no-plugins` refuse any scenario that has plugins. A relative plugin path is resolved
against the scenario file's folder and must stay inside that folder tree; only `.py` files are
loaded; each file or module imported is named in one line on stderr; a plugin that fails to
import, or calls `sys.exit`, is reported in one line naming it. `extends:` and an experiment's
`scenario:` read only `.yaml`/`.yml` files.

## Limits on input

Scenario and experiment files must be UTF-8 text, not empty and at most {MAX_FILE_BYTES // 2**20}
MiB. Nesting deeper than {MAX_DEPTH} levels, more than {MAX_NODES:,} values once YAML aliases are
expanded, recursive aliases and duplicate keys are errors. Numbers must be finite (no `.nan` or
`.inf`); integer options take integers only (not `true` or `2.0`); every option has an upper bound
in the parameter table (`msme-sim params`). An experiment has at most {MAX_REPLICATIONS:,}
replications, {MAX_SAMPLES:,} sweep, sensitivity or uncertainty samples and {MAX_RUNS:,} runs in
all. A run or batch whose memory estimate exceeds the memory available is refused before it
starts, e.g.
`x.yaml: memory: needs ≈ 4.7 GiB; 2.1 GiB available (lower firms.count or months)`.

## policies and shocks

Lists of `{{use: <name>, ...settings}}`. Policies: {
        ", ".join(f"`{n}`" for n in POLICIES.names()) or "none yet"
    }. Shocks: {", ".join(f"`{n}`" for n in SHOCKS.names()) or "none yet"}. See `docs/policies.md`.
"""


def _settings_rows(section: str, name: str, cls) -> list[str]:
    from sim.params import _range_text
    from sim.registry import keyword_params

    rows = []
    for setting, default in keyword_params(cls).items():
        row = TABLE.get(f"{section}.{name}.{setting}") or TABLE.get(f"{section}.{setting}")
        if row is None:
            rows.append(f"| `{setting}` | {_cell(default)} | | | which firms (see above) |")
        else:
            rows.append(
                f"| `{setting}` | {_cell(default)} | {_cell(row.unit)} | {_range_text(row)} "
                f"| {_cell(row.doc)}; source: {_cell(row.source)} |"
            )
    return rows


def policies_reference() -> str:
    """docs/policies.md: every policy and shock with its settings, units and sources."""
    import inspect

    import sim.catalogue  # noqa: F401  (built-ins register on import)
    from sim.interventions import POLICIES, SHOCKS

    parts = [
        """# Policies and shocks

Generated by `msme-sim docs` from the registries and the parameter table; do not edit by hand.

A scenario lists them under `policies:` and `shocks:` as `{use: <name>, <setting>: value}`.
Every policy has `start` and `end` (months from the start of the run, inclusive), `budget_idr`
(never exceeded: when the money cannot reach every eligible firm, the policy picks at random with
its own random stream) and `target` (all conditions must hold): `poor_owner`, `not_digital`,
`digital` (true/false), `literacy_below` (0–1), `villages` (list of indices), `sector` (name),
`cluster` ([village, sector]). What each policy spends, month by month and on how many firms, is in
`model.policy_ledger`; its running total is the outcome `<policy>_spend_idr`, the run's total
`policy_spend_idr` and the run's budget `policy_budget_idr`.

### How a policy spends its budget

A policy keeps spending over its period (`start` to `end`) as long as its target can absorb the
money: later cohorts and entrants join the target as they open, trained owners and mentored firms
still in the target take a follow-up round after `repeat_months`, subsidies pay every month. Each
policy's "Spending" paragraph below says how. A policy whose budget is more than its target can
absorb simply spends less; so that a comparison of arms is not silently unequal,
`msme-sim validate` and `msme-sim batch` (before the first run) print one line per such budget,
naming the file, the budget's dotted path and about the most the policy could spend, e.g. (one
line, broken here to fit the page):

```
WARNING: experiments/my_study.yaml: arms.2.policies.0.budget_idr: data_subsidy can spend at most \
about Rp 554,580,000 of its Rp 1,000,000,000 budget on its target in this scenario (the rest \
stays unspent)
```

The estimate is judged from the scenario's starting firms and the most entrants the exit-and-entry
rule allows, so a budget below it may still be under-spent (firms close, literacy rises above a
threshold); the report shows spent against budgeted for every arm and flags arms below 90%.

## Adding a policy

Subclass `sim.policies.Policy` as a keyword-only dataclass, register it with
`@register("<name>")`, declare its numbers with `_rows("<name>", ...)` (unit and source for each),
and implement `treat(model, draws)`: choose firms with `self.choose(eligible, draws, unit_cost)`,
change their columns, and record the cost with `self.spend(model, amount, firms)`.
`initialize(model)` and `finalize(model)` run before the first and after the last month.
"""
    ]
    parts.append("## Policies\n")
    for name in POLICIES.names():
        cls = POLICIES.get(name)
        parts.append(
            f"### {name}\n\n{inspect.getdoc(cls)}\n\n"
            "| setting | default | unit | range | meaning and source |\n|---|---|---|---|---|"
        )
        parts.append("\n".join(_settings_rows("policies", name, cls)) + "\n")
    parts.append("## Shocks\n")
    for name in SHOCKS.names():
        cls = SHOCKS.get(name)
        parts.append(
            f"### {name}\n\n{inspect.getdoc(cls)}\n\n"
            "| setting | default | unit | range | meaning and source |\n|---|---|---|---|---|"
        )
        parts.append("\n".join(_settings_rows("shocks", name, cls)) + "\n")
    return "\n".join(parts)


SUB_START, SUB_END = "<!-- submodels:start -->", "<!-- submodels:end -->"
GENERATED = ("columns", "schedule", "outcomes")


def _default_units():
    from sim.catalogue import units
    from sim.config import scenario_from_dict

    return units(scenario_from_dict({"name": "docs"}))


def columns_table() -> str:
    """Every firm column of the default model with its dtype, unit, owner and meaning."""
    from sim.state import CORE_COLUMNS

    rows = [
        "| column | dtype | unit | range | declared by | meaning |",
        "|---|---|---|---|---|---|",
    ]
    owners = [("firms (sim/state.py)", CORE_COLUMNS)]
    owners += [(u.name, u.columns) for u in _default_units()[1:]]
    for owner, columns in owners:
        for c in columns:
            low = "" if c.low is None else c.low
            high = "" if c.high is None else c.high
            span = f"{low}–{high}" if low != "" or high != "" else ""
            rows.append(
                f"| `{c.name}` | {c.dtype} | {_cell(c.unit)} | {span} | {owner} | {_cell(c.doc)} |"
            )
    return "\n".join(rows)


def schedule_list() -> str:
    """The order of the month, from the mechanisms' ``after=`` declarations."""
    from sim.catalogue import MECHANISMS

    lines = [
        "1. `start_month` — reset this month's flows; age firms.",
        "2. `interventions` — policies, then shocks (see below).",
    ]
    for i, unit in enumerate(u for u in _default_units() if u.name in MECHANISMS):
        doc = MECHANISMS[unit.name].variants[MECHANISMS[unit.name].default].fn.__doc__ or ""
        first = doc.strip().splitlines()[0] if doc.strip() else ""
        lines.append(f"{i + 3}. `{unit.name}` (after `{unit.after}`) — {first}")
    lines.append(f"{len(lines) + 1}. `record_month` — every declared outcome, once.")
    return "\n".join(lines)


def outcomes_table() -> str:
    """Every built-in outcome with its label, unit, better direction, aggregation and owner."""
    from sim.catalogue import FIRMS, MECHANISMS

    better = {1: "higher", -1: "lower", 0: "neither"}
    rows = [
        "| outcome | label | unit | better | aggregation | declared by |",
        "|---|---|---|---|---|---|",
    ]
    for unit in [FIRMS, *(m for m in MECHANISMS.values() if m.builtin)]:
        for o, _ in unit.outcomes.values():
            rows.append(
                f"| `{o.name}` | {_cell(o.label)} | {_cell(o.unit)} | {better[o.direction]} "
                f"| {_cell(o.aggregation)} | {unit.name} |"
            )
    return "\n".join(rows)


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def submodels(rules_md: str) -> str:
    """The mechanism sections of docs/rules.md (one source for both documents), one level down."""
    section = rules_md[rules_md.index("### ", rules_md.index("## The built-in mechanisms")) :]
    return section.strip()


def odd_with_table(odd_text: str, rules_md: str | None = None) -> str:
    """``odd_text`` with its generated parts (mechanism submodels, parameter table) refreshed."""
    from pathlib import Path as _Path

    if rules_md is None:
        rules_md = (_Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text()
    text = _replace_between(odd_text, SUB_START, SUB_END, submodels(rules_md))
    for name, body in zip(GENERATED, (columns_table(), schedule_list(), outcomes_table())):
        text = _replace_between(text, f"<!-- {name}:start -->", f"<!-- {name}:end -->", body)
    return _replace_between(text, START, END, parameter_table())


def write_docs(docs: Path) -> list[Path]:
    """Rewrite the generated parts of ``docs/`` (each file atomically)."""
    odd = docs / "ODD.md"
    write_atomic(odd, odd_with_table(odd.read_text(encoding="utf-8")))
    write_atomic(docs / "scenarios.md", scenarios_reference())
    write_atomic(docs / "policies.md", policies_reference())
    return [odd, docs / "scenarios.md", docs / "policies.md"]
