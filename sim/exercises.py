"""Graded exercises (docs/exercises.md): ``msme-sim check-exercise N [--solution FILE]``.

Each check runs the student's file — by default the exercise's own file in ``exercises/`` of the
current folder — with checks on (``sim.checks``) and tests the behaviour the exercise asks for,
against the same scenario without the change and over fixed seeds. It returns the lines to
print; a check that fails raises :class:`ExerciseFailed` with one line saying what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import ConfigError

SEEDS = (1, 2, 3)


class ExerciseFailed(Exception):
    """The exercise is not done yet (one-line reason)."""


@dataclass(frozen=True)
class Exercise:
    title: str
    file: str  # the file the student edits, in exercises/
    check: Callable[[str], list[str]]


def model(file: str, seed: int, overrides: list[str] = ()):
    from sim.config import load_scenario
    from sim.model import MSMEModel

    return MSMEModel(load_scenario(file, list(overrides)), seed=seed, check=True)


def run(file: str, seed: int, overrides: list[str] = ()):
    from sim.checks import CheckError

    m = model(file, seed, overrides)
    try:
        m.run()
    except CheckError as err:
        raise ExerciseFailed(f"the run stopped: {err}") from None
    return m


def needs_mechanism(m, name: str, file: str) -> None:
    spec = m.scenario.rules.get(name)
    if spec is None or not spec["enabled"]:
        raise ExerciseFailed(f"{file} does not run the mechanism {name!r} (plugins: and rules:)")


# --- 1: trust decays faster ---------------------------------------------------------------------
def trust_decay(file: str) -> list[str]:
    from sim.rules import MECHANISMS

    lines = []
    for seed in SEEDS:
        student = run(file, seed)
        spec = student.scenario.rules["governance"]
        default = MECHANISMS["governance"].variants[spec["use"]].settings["decay"]
        built_in = run(file, seed, [f"rules.governance.decay={default}"])
        yours, before = student.summary()["mean_trust"], built_in.summary()["mean_trust"]
        lines.append(f"seed {seed}: mean trust {yours:.3f} (built-in decay: {before:.3f})")
        if not yours < before - 0.005:
            raise ExerciseFailed(
                f"seed {seed}: mean trust after {student.month} months is {yours:.3f}, with the "
                f"built-in decay {before:.3f}: trust should end lower by at least 0.005"
            )
    return lines


# --- 2: copy the most profitable neighbour's price ----------------------------------------------
def best_contacts(m) -> np.ndarray:
    """For every firm, its most profitable living same-sector contact that earns more (or -1)."""
    s, ties = m.state, m.net.ties_csr
    best = np.full(s.n, -1)
    for row in np.flatnonzero(s.alive):
        contacts = ties.indices[ties.indptr[row] : ties.indptr[row + 1]]
        contacts = contacts[s.alive[contacts] & (s.sector[contacts] == s.sector[row])]
        if len(contacts):
            top = contacts[np.argmax(s.profit[contacts])]
            if s.profit[top] > s.profit[row]:
                best[row] = top
    return best


def copy_price(file: str) -> list[str]:
    lines = []
    for seed in SEEDS[:2]:
        m = model(file, seed)
        needs_mechanism(m, "price_imitation", file)
        rule, seen = m.rules["price_imitation"], {}

        def watched(model_, rng, rule=rule, seen=seen):
            s = model_.state
            seen["before"], seen["best"] = s.price.copy(), best_contacts(model_)
            seen["alive"] = s.alive.copy()
            rule(model_, rng)
            seen["after"] = s.price.copy()

        m.rules["price_imitation"] = watched
        copied = kept = eligible = others = 0
        for _ in range(3):
            run_month(m)
            before, after, best = seen["before"], seen["after"], seen["best"]
            rows = np.flatnonzero(seen["alive"] & (best >= 0))
            target = best[rows]
            match = np.isclose(after[rows], before[target]) | np.isclose(after[rows], after[target])
            copied += int(match.sum())
            eligible += len(rows)
            rest = np.flatnonzero(seen["alive"] & (best < 0))
            kept += int(np.isclose(after[rest], before[rest]).sum())
            others += len(rest)
        lines.append(
            f"seed {seed}, 3 months: {copied} of {eligible} times a firm with a more profitable "
            f"contact copied its price; {kept} of {others} times another kept its own"
        )
        if eligible == 0 or copied < 0.9 * eligible:
            raise ExerciseFailed(
                f"seed {seed}, 3 months: only {copied} of {eligible} times did a firm whose most "
                "profitable living contact in its sector earned more take that contact's price"
            )
        if kept < 0.9 * others:
            raise ExerciseFailed(
                f"seed {seed}, 3 months: {others - kept} of {others} times a firm without a more "
                "profitable contact changed its price anyway"
            )
    return lines


def run_month(m) -> None:
    from sim.checks import CheckError

    try:
        m.step()
    except CheckError as err:
        raise ExerciseFailed(f"the run stopped: {err}") from None


# --- 3: micro-credit ----------------------------------------------------------------------------
def micro_credit(file: str) -> list[str]:
    lines = []
    for seed in SEEDS:
        with_rule = run(file, seed)
        needs_mechanism(with_rule, "micro_credit", file)
        without = run(file, seed, ["rules.micro_credit.enabled=false"])
        shares = []
        for m in (with_rule, without):
            s = m.state
            poor = s.alive & s.poor
            shares.append(float((s.debt[poor] > 0).mean()) if poor.any() else 0.0)
        lines.append(
            f"seed {seed}: {shares[0]:.0%} of poor owners' firms in debt "
            f"({shares[1]:.0%} without micro-credit); the accounts closed every month"
        )
        if not shares[0] > shares[1] + 0.02:
            raise ExerciseFailed(
                f"seed {seed}: {shares[0]:.0%} of poor owners' firms have a loan at the end, "
                f"{shares[1]:.0%} without micro_credit: the rule should lend to more of them"
            )
    return lines


# --- 4: test a policy ---------------------------------------------------------------------------
MAX_RUNS, MAX_FIRM_MONTHS = 40, 2_000_000


def test_policy(file: str) -> list[str]:
    import tempfile

    from scipy import stats

    from sim.runner.batch import run_experiment
    from sim.runner.experiment import load_experiment
    from sim.runner.plan import expand

    exp = load_experiment(file)
    plan = expand(exp, file)
    base = [a for a in exp.arms if not a.policies]
    treated = [a for a in exp.arms if a.policies]
    if not base or not treated:
        raise ExerciseFailed(
            f"{file}: needs an arm without policies (the baseline) and an arm with a policy"
        )
    if exp.replications < 5:
        raise ExerciseFailed(f"{file}: replications: at least 5 to see an effect through noise")
    from sim.config import scenario_from_dict

    points = {(s.arm, s.point): s for s in plan}.values()
    size = max(
        sc.firms.count * sc.months for sc in (scenario_from_dict(plan.scenario(s)) for s in points)
    )
    if len(plan) > MAX_RUNS or size > MAX_FIRM_MONTHS:
        raise ExerciseFailed(
            f"{file}: keep it small for the check: at most {MAX_RUNS} runs and firms × months "
            f"≤ {MAX_FIRM_MONTHS:,} (this has {len(plan)} runs, {size:,})"
        )
    with tempfile.TemporaryDirectory() as out:
        runs = run_experiment(file, executor="serial", out=Path(out) / exp.name).runs()
    outcome = exp.outcome
    lines = [f"{len(runs)} runs of {exp.name!r}; outcome {outcome}, policy arm − baseline:"]
    table = runs.pivot_table(index="replication", columns="arm", values=outcome)
    for arm in treated:
        diff = (table[arm.name] - table[base[0].name]).to_numpy()
        half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
        lines.append(f"  {arm.name}: {diff.mean():+.4g} (95% CI ± {half:.3g}, paired seeds)")
    return lines


EXERCISES: dict[int, Exercise] = {
    1: Exercise("Make trust decay faster", "ex1_trust.yaml", trust_decay),
    2: Exercise("Copy the most profitable neighbour's price", "ex2_copy_price.yaml", copy_price),
    3: Exercise("Add a micro-credit rule", "ex3_micro_credit.yaml", micro_credit),
    4: Exercise("Test a policy", "ex4_policy.yaml", test_policy),
}


def check_exercise(number: int, solution: str | None = None) -> list[str]:
    """Run exercise ``number``'s check on ``solution`` (default ``exercises/<its file>``)."""
    if number not in EXERCISES:
        raise ConfigError("check-exercise", "N", f"no exercise {number} (1–{len(EXERCISES)})")
    exercise = EXERCISES[number]
    file = solution or str(Path("exercises") / exercise.file)
    if not Path(file).is_file():
        raise ConfigError(file, "check-exercise", "no such file (give it with --solution FILE)")
    lines = exercise.check(file)
    return [f"Exercise {number} ({exercise.title}): done", *lines]
