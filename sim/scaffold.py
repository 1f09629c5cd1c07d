"""``msme-sim new-rule NAME``: a commented plugin file and a scenario that uses it.

Without ``--mechanism`` the plugin declares a new mechanism ``NAME`` (a firm column, a parameter,
an outcome) with a per-firm variant and a vectorised one; with ``--mechanism M`` it adds both
variants to the built-in mechanism ``M``, each running the built-in rule first and then the
student's change. Both files are written next to each other (``DIR/NAME.py``, ``DIR/NAME.yaml``,
DIR = ``scenarios`` by default) and run as written: ``msme-sim run DIR/NAME.yaml --check``.
Existing files are never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.errors import ConfigError
from sim.fileio import write_atomic

NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

NEW_MECHANISM = '''"""{name}: TODO say in one sentence what firms do each month and why (a
field study, the literature, or "assumption").

Written by `msme-sim new-rule {name}`. Run it with checks on:

    msme-sim run {folder}/{name}.yaml --check

The mechanism below is an example to replace: each firm's "{name}_score" moves a share `rate`
of the way towards its owner's digital literacy every month.
"""

from sim.rules import HIGHER, Column, mechanism, per_firm, rule_table, variant

M = mechanism(
    "{name}",
    after="finance",  # runs every month right after this mechanism (model.schedule: the order)
    columns=(
        # A firm column this rule owns: name, dtype, value of a new firm, unit, meaning, allowed
        # range (--check stops a rule that leaves it), value when a firm closes.
        Column("{name}_score", "float64", 0.0, "0-1", "TODO what the score measures", 0.0, 1.0),
    ),
)

# The parameters: name, default, unit, source, meaning, allowed range. A scenario sets them
# with rules.{name}.rate: 0.2 (or --set rules.{name}.rate=0.2); `msme-sim params` lists them.
P = rule_table(
    "{name}",
    ("rate", 0.1, "share/month", "assumption", "TODO how fast the score moves",
     {{"ge": 0.0, "le": 1.0}}),
)


@per_firm("{name}", "simple")
def simple(firm, rng, *, rate=P.rate):
    """One firm at a time: easy to read, slow for many firms. `firm` has every column as an
    attribute (firm.cash, firm.level, firm.literacy, ...; docs/ODD.md lists them)."""
    firm.{name}_score += rate * (firm.literacy - firm.{name}_score)


@variant("{name}", "fast", default=True)
def fast(model, rng, *, rate=P.rate):
    """The same rule over whole columns (NumPy): fast for any number of firms. Use `rng` for
    random draws, a fixed number per month (e.g. rng.random(s.n)), so other rules' draws stay."""
    s = model.state
    s.{name}_score += rate * (s.literacy - s.{name}_score) * s.alive


@M.outcome(
    "{name}_score_mean",
    label="Mean {name} score",
    unit="0-1",
    kind="index",
    better=HIGHER,
    aggregation="mean of living firms",
)
def score_mean(model):
    """Mean {name} score of living firms."""
    s = model.state
    return float(s.{name}_score[s.alive].mean()) if s.alive.any() else 0.0
'''

NEW_VARIANT = '''"""{name}: TODO say in one sentence how your variant of `{mechanism}` differs
from the built-in one (sim/rules/{mechanism}.py) and why.

Written by `msme-sim new-rule {name} --mechanism {mechanism}`. Run it with checks on:

    msme-sim run {folder}/{name}.yaml --check

Both variants run the built-in rule first and then change it; the example change to replace:
with probability `chance` a month an owner learns a little (literacy + 0.05, at most 1).
"""

import numpy as np

from sim.rules import MECHANISMS, variant

_mechanism = MECHANISMS["{mechanism}"]
built_in = _mechanism.variants[_mechanism.default].bind({{}})  # with its default parameters


@variant("{mechanism}", "{name}")
def {name}(model, rng, *, chance=0.1):
    """Per firm: the built-in rule, then your change one living firm at a time (easy to read,
    slow for many firms). `firm` has every column as an attribute (docs/ODD.md lists them)."""
    built_in(model, rng)
    for firm in model.living_firms():
        if rng.random() < chance:
            firm.literacy = min(1.0, firm.literacy + 0.05)


@variant("{mechanism}", "{name}_fast")
def {name}_fast(model, rng, *, chance=0.1):
    """The same over whole columns (NumPy): fast for any number of firms."""
    built_in(model, rng)
    s = model.state
    learns = s.alive & (rng.random(s.n) < chance)
    s.literacy[learns] = np.minimum(s.literacy[learns] + 0.05, 1.0)
'''

SCENARIO = """# Written by `msme-sim new-rule {name}`: a small run of the rule in {name}.py.
# Run: msme-sim run {folder}/{name}.yaml --check   (results in results/{name}/)
name: {name}
plugins: [{name}.py]
months: 24
firms: {{count: 300, villages: 4}}
rules:
  {mechanism}: {{use: {use}}}   # the vectorised variant; the per-firm one is {per_firm}
"""


def new_rule(name: str, mechanism: str | None = None, out: str | Path = "scenarios") -> list[Path]:
    """Write ``out/NAME.py`` and ``out/NAME.yaml``; refuse a bad name or an existing file."""
    import sim.catalogue  # noqa: F401  (the built-in mechanisms)
    from sim.rules import MECHANISMS

    if not NAME.match(name):
        raise ConfigError(
            "new-rule", "NAME", f"{name!r}: use lower-case letters, digits and _ (a Python name)"
        )
    if mechanism is not None and mechanism not in MECHANISMS:
        raise ConfigError(
            "new-rule",
            "--mechanism",
            f"unknown mechanism {mechanism!r} (available: {', '.join(sorted(MECHANISMS))})",
        )
    if mechanism is None and name in MECHANISMS:
        raise ConfigError(
            "new-rule", "NAME", f"{name!r} is a built-in mechanism: use --mechanism {name}"
        )
    folder = Path(out)
    plugin, scenario = folder / f"{name}.py", folder / f"{name}.yaml"
    for path in (plugin, scenario):
        if path.exists() or path.is_symlink():
            raise ConfigError(str(path), "new-rule", "exists; not overwritten (pick another NAME)")
    shown = folder.as_posix()
    if mechanism is None:
        code = NEW_MECHANISM.format(name=name, folder=shown)
        yaml = SCENARIO.format(
            name=name, folder=shown, mechanism=name, use="fast", per_firm="simple"
        )
    else:
        code = NEW_VARIANT.format(name=name, mechanism=mechanism, folder=shown)
        yaml = SCENARIO.format(
            name=name, folder=shown, mechanism=mechanism, use=f"{name}_fast", per_firm=name
        )
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(plugin, code)
    write_atomic(scenario, yaml)
    return [plugin, scenario]
