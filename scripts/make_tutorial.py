"""Write docs/tutorial.ipynb (the source of the tutorial is this script; the test runs the
notebook top to bottom and checks that every cell tagged ``figure`` shows an image). After
writing, `ruff format docs/tutorial.ipynb` formats its cells (`make lint` checks it)."""

from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]

cells = [
    (
        "md",
        """# msme-sim tutorial

Run a scenario, change a rule, write your own rule and mechanism, run a small experiment and plot
the effects. Install JupyterLab once, then open this notebook from the repository root:

```
.venv/bin/pip install -e '.[notebook]'     # or: make notebook (installs and starts JupyterLab)
.venv/bin/jupyter lab docs/tutorial.ipynb
```

Checks are on throughout (`check=True`, and `MSME_SIM_CHECK=1` for the experiment's workers): after
every phase of every month the model verifies that each firm column stays in its declared range
and that the month's accounts close, and stops with one line naming the rule that broke them.""",
    ),
    (
        "code",
        """%matplotlib inline
import os
import tempfile
from pathlib import Path

root = Path.cwd()
while not (root / "scenarios").is_dir():  # find the repository root from docs/
    root = root.parent
os.chdir(root)
os.environ["MSME_SIM_CHECK"] = "1"  # checks on in every model, the experiment's workers too
work = Path(tempfile.mkdtemp())  # your rule files and results go here

from matplotlib.figure import Figure

from sim.config import load_scenario
from sim.model import MSMEModel""",
    ),
    (
        "md",
        """## 1. Run a scenario

A scenario file sets up the firms, villages, networks and rules. `--set`-style overrides change
any option by its dotted path; here we shrink the Sidoarjo case to run in a few seconds.""",
    ),
    (
        "code",
        """scenario = load_scenario(
    "scenarios/sidoarjo_whatsapp.yaml", ["firms.count=500", "months=36", "policies=[]"]
)
model = MSMEModel(scenario, seed=1, check=True)
model.run()
monthly = model.monthly()
monthly[["month", "firms_alive", "digital_share", "poor_owner_mean_income_idr"]].tail()""",
    ),
    (
        "md",
        """Every living firm is a Mesa agent whose attributes are views on the model's columns:""",
    ),
    (
        "code",
        """firm = model.agents.select(lambda f: f.poor)[0]
firm.level, round(firm.literacy, 2), round(firm.cash)""",
    ),
    (
        "md",
        """## 2. Change a rule

Rules are chosen and tuned in the scenario. Here imitation in digital adoption (`q`) is doubled;
the same seed keeps every other random draw identical, so the difference is the rule's.""",
    ),
    (
        "code",
        """def digital_share(overrides, seed=1):
    s = load_scenario(
        "scenarios/sidoarjo_whatsapp.yaml",
        ["firms.count=500", "months=36", "policies=[]", *overrides],
    )
    m = MSMEModel(s, seed=seed, check=True)
    m.run()
    return m.summary()["digital_share"]


default_q = digital_share([])
double_q = digital_share(["rules.digital_adoption.q=0.76"])
print(f"digital share after 3 years: q=0.38 -> {default_q:.1%}, q=0.76 -> {double_q:.1%}")""",
    ),
    (
        "md",
        """## 3. Write a rule for one firm at a time

A **per-firm rule** is a plain function of one firm (a Mesa agent whose attributes are its
columns) and the mechanism's random stream, registered with `per_firm` as a new variant of a
mechanism. Here: an offline firm goes online with a fixed monthly chance once its owner can use
a phone — word of mouth instead of the built-in Bass diffusion with literacy, signal and cost
gates. Pick it with `rules.digital_adoption.use=word_of_mouth`; its parameters are checked like
the built-in ones.""",
    ),
    (
        "code",
        """from sim.rules import per_firm


@per_firm("digital_adoption", "word_of_mouth")
def word_of_mouth(firm, rng, *, chance=0.05, literacy_needed=0.4):
    \"\"\"An offline firm goes online with a fixed monthly chance once its owner can read
    a phone well enough.\"\"\"
    if firm.level == 0 and firm.literacy >= literacy_needed and rng.random() < chance:
        firm.level = 1


def monthly_run(overrides, seed=1):
    s = load_scenario(
        "scenarios/sidoarjo_whatsapp.yaml",
        ["firms.count=500", "months=36", "policies=[]", *overrides],
    )
    m = MSMEModel(s, seed=seed, check=True)
    m.run()
    return m.monthly()


built_in = monthly_run([])
yours = monthly_run(["rules.digital_adoption.use=word_of_mouth"])""",
    ),
    (
        "code",
        """def compare(column, runs, title):
    \"\"\"One line per run of a monthly outcome (a Figure without pyplot, shown inline).\"\"\"
    fig = Figure(figsize=(6.5, 3), layout="constrained")
    ax = fig.subplots()
    for label, frame in runs.items():
        ax.plot(frame["month"], frame[column], label=label)
    ax.set(xlabel="month", ylabel=column, title=title)
    ax.legend()
    return fig


compare(
    "digital_share",
    {"built-in bass_gated": built_in, "your word_of_mouth": yours},
    "Digital adoption: the built-in rule and yours",
)""",
        "figure",
    ),
    (
        "md",
        """Checks catch a rule that breaks the model's declarations. Digital levels are 0–2; a rule
that sets level 5 would be accepted silently without checks (and the marketplace share would be
wrong); with checks it stops at once, naming the rule, the column, how many firms and the range:""",
    ),
    (
        "code",
        """from sim.checks import CheckError


@per_firm("digital_adoption", "too_far")
def too_far(firm, rng):
    if firm.level == 2:
        firm.level = 5  # a mistake: there is no level 5


try:
    monthly_run(["rules.digital_adoption.use=too_far"])
except CheckError as err:
    print(err)""",
    ),
    (
        "md",
        """## 4. Add a new mechanism

A new mechanism declares its place in the month, the firm columns it owns, its parameters and
outcomes (see docs/rules.md). It lives in a **plugin file** that a scenario names under
`plugins:`. This one is an *arisan*, a rotating savings group: members who can pay put in a
contribution each month and one of them, drawn at random, takes the pot. Edit the cell and rerun
it to change the rule (`msme-sim new-rule NAME` writes such a file for you).""",
    ),
    (
        "code",
        """%%writefile $work/arisan.py
import numpy as np

from sim.rules import HIGHER, Column, mechanism, rule_table, variant

ARISAN = mechanism(
    "arisan",
    after="finance",  # runs right after the monthly accounts
    columns=(
        Column("arisan_member", "bool", False, "-", "member of a rotating savings group",
               on_close=False),
    ),
)
P = rule_table(
    "arisan",
    ("contribution_idr", 100_000.0, "Rp/month", "assumption", "each member's monthly payment",
     {"ge": 0.0}),
    ("join_share", 0.5, "share", "assumption", "share of poor owners who join",
     {"ge": 0.0, "le": 1.0}),
)


@ARISAN.on_setup
def join(model, rng):
    \"\"\"A share of the poor owners join at the start.\"\"\"
    s = model.state
    share = model.scenario.rules["arisan"]["join_share"]
    s.arisan_member = s.alive & s.poor & (rng.random(s.n) < share)


@variant("arisan", "rotating", default=True)
def rotating(model, rng, *, contribution_idr=P.contribution_idr, join_share=P.join_share):
    \"\"\"Members who can pay do; one of them, drawn at random, takes the pot.\"\"\"
    s = model.state
    payers = np.flatnonzero(s.alive & s.arisan_member & (s.cash >= contribution_idr))
    if len(payers) > 1:
        winner = payers[rng.integers(len(payers))]
        s.cash[payers] -= contribution_idr
        s.cash[winner] += contribution_idr * len(payers)


@ARISAN.outcome("arisan_share", label="Arisan members", unit="%", kind="share", better=HIGHER,
                aggregation="share of living firms")
def arisan_share(model):
    \"\"\"Share of living firms in a rotating savings group.\"\"\"
    s = model.state
    return float((s.arisan_member & s.alive).sum() / max(s.alive.sum(), 1))""",
    ),
    (
        "code",
        """(work / "arisan.yaml").write_text(f\"\"\"
extends: {root / "scenarios" / "sidoarjo_whatsapp.yaml"}
name: arisan
plugins: [arisan.py]
months: 36
firms: {{count: 500}}
policies: []
rules:
  arisan: {{contribution_idr: 50000, join_share: 0.8}}
\"\"\")
with_arisan = MSMEModel(load_scenario(work / "arisan.yaml"), seed=1, check=True)
print("the month:", " → ".join(with_arisan.schedule))
with_arisan.run()
arisan = with_arisan.monthly()
compare(
    "survival_rate",
    {"built-in model": built_in, "with the arisan": arisan},
    "Survival of the starting firms, with and without an arisan",
)""",
        "figure",
    ),
    (
        "md",
        """The pot moves cash between members and creates none, so the month's accounts still close
(checks on). Try a rule that *gives* members money from nowhere: the check stops it and names the
plugin file.""",
    ),
    (
        "md",
        """## 5. Run a small experiment

An experiment file names a base scenario, arms and replications. Replication *r* uses the same
seed in every arm (common random numbers). Results go to Parquet files; rerunning resumes.""",
    ),
    (
        "code",
        """import textwrap

import sim

folder = work
(folder / "tutorial.yaml").write_text(textwrap.dedent(f'''
    name: tutorial
    description: Does digital training raise adoption among low-literacy owners?
    scenario: {root / "scenarios" / "sidoarjo_whatsapp.yaml"}
    set: {{firms.count: 300, months: 24, policies: []}}
    replications: 6
    seed: 11
    outcome: digital_share
    arms:
      - name: baseline
      - name: training
        policies: [{{use: digital_training, budget_idr: 5.0e+8}}]
'''))
result = sim.run_experiment(folder / "tutorial.yaml", executor="processes", workers=2,
                            out=folder / "results", progress=False)
runs = result.runs()
runs[["arm", "replication", "seed", "digital_share", "policy_spend_idr"]].head()""",
    ),
    (
        "md",
        """## 6. Plot the effects

The analysis reads the result files only. Paired differences (arm − baseline on the same
replication) give narrower intervals than unpaired ones.""",
    ),
    (
        "code",
        """from sim.analysis import paired_effects, read_outcomes, read_runs
from sim.plots import arm_colors, forest

outcomes = read_outcomes(folder / "results")  # labels and units written with the results
effects = paired_effects(
    read_runs(folder / "results"), ["digital_share", "mean_literacy"], catalogue=outcomes
)
effects[["arm", "outcome", "diff", "ci_low", "ci_high", "unpaired_low", "unpaired_high"]]""",
    ),
    (
        "code",
        """colors = arm_colors(["baseline", "training"])
fig = forest(effects, ["digital_share", "mean_literacy"], colors, catalogue=outcomes)
fig  # the last expression of a cell: shown as an image (%matplotlib inline, first cell)""",
        "figure",
    ),
    ("md", """`msme-sim report DIR` turns the same results into a self-contained HTML report."""),
]

nb = nbf.v4.new_notebook()
nb.cells = [
    nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
    for kind, src, *tags in cells
]
for cell, (_, _, *tags) in zip(nb.cells, cells, strict=True):
    if tags:
        cell.metadata["tags"] = tags
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, ROOT / "docs" / "tutorial.ipynb")
print("Wrote docs/tutorial.ipynb")
