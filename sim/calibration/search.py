"""``msme-sim calibrate``: fit parameters to targets with Optuna, on the executors of ``batch``.

The search is Optuna's TPE sampler (seeded) over the parameters' ranges; its trials live in an
Optuna journal file in the results folder (``DIR/study.journal``), so a killed calibration
resumes where it stopped: finished trials are kept, a trial cut off mid-way is marked failed and
a new one takes its place. Every (trial, scenario, seed) is one run on the pool; trials stream
through it (a new one is asked whenever a worker frees up) and each is told its distance as soon
as its last run returns.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from sim.calibration.objective import (
    Job,
    distance,
    measures,
    run_job,
    seed_means,
    seeds,
)
from sim.calibration.spec import Spec, Target, load_calibration
from sim.errors import ConfigError
from sim.runner.executors import WorkerDied, check_options, open_pool, run_tasks
from sim.runner.outdir import check_replaceable, marker, read_marker, write_marker
from sim.runner.seeds import config_hash
from sim.runner.single import check_writable

JOURNAL = "study.journal"
LOCK = ".calibrate.lock"  # held while a calibration runs in the folder
#: A search stops after this many failed trials (or as many as its budget, if more).
MAX_FAILED = 10
#: Everything a calibration writes into its folder (the only files ``--force`` removes).
OUTPUTS = ("best.yaml", "ensemble.parquet", "fit.png", "fit.html", "summary.json", "validation.md")


@dataclass
class Evaluation:
    """A parameter set's targets over seeds: one ``{label: value}`` per seed (and the first
    error, when one of its runs failed)."""

    params: dict[str, float]
    per_seed: list[dict[str, float]]
    error: str | None = None

    def means(self) -> dict[str, float]:
        return seed_means(self.per_seed)


@dataclass
class CalibrationResult:
    """What a calibration found; ``out`` holds its files."""

    out: Path
    spec: Spec
    before: Evaluation
    best: Evaluation
    best_trial: int
    trials: list[dict[str, Any]]  # every finished trial: number, distance, params
    ran: int  # trials run by this call (the others were finished before)

    @property
    def distance_before(self) -> float:
        return distance(self.before.means(), self.spec.targets)

    @property
    def distance_after(self) -> float:
        return distance(self.best.means(), self.spec.targets)


def identity(spec: Spec) -> dict[str, Any]:
    """What a calibration's results depend on: its options but ``trials`` (a bigger budget
    resumes) and its scenarios as resolved (an edited scenario or default starts over)."""
    data = spec.cal.model_dump(mode="json", exclude={"trials", "description"})
    data["scenarios"] = sorted(context.digest for context in spec.contexts.values())
    return data


def prepare_out(spec: Spec, out: str | Path | None, force: bool, source: str | None) -> tuple:
    """The results folder and its marker, checked before any work (nothing written)."""
    root = Path(out) if out else Path("results") / "calibration" / spec.cal.name
    mark = marker("calibration", spec.cal.name, source, config_hash(identity(spec)))
    check_writable(root, spec.file)
    check_replaceable(root, mark, force, spec.file, ignore={LOCK})
    found = read_marker(root)
    if found is not None and found.get("config_hash") != mark["config_hash"] and not force:
        raise ConfigError(
            spec.file,
            "--out",
            f"{root} holds a calibration with other parameters, targets or seeds: "
            "use --force to start over, or choose another folder",
        )
    return root, mark


def calibrate(
    source: str | Path | Mapping[str, Any],
    out: str | Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    trials: int | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> CalibrationResult:
    """Run (or resume) a calibration file and write its outputs into ``out``.

    ``executor``/``workers``/``scheduler`` as for ``batch``; ``trials`` overrides the file's
    budget; ``force`` starts over in a folder holding another calibration.
    """
    import optuna

    from sim.calibration.outputs import write_outputs

    label = "<calibration>" if isinstance(source, Mapping) else str(source)
    check_options(executor, workers, scheduler, label)
    if trials is not None and trials < 1:
        raise ConfigError(label, "--trials", f"must be at least 1 (got {trials})")
    spec = load_calibration(source)
    origin = None if isinstance(source, Mapping) else str(Path(source).resolve())
    root, mark = prepare_out(spec, out, force, origin)
    budget = trials or spec.cal.trials
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(root / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ConfigError(spec.file, "--out", f"another calibration is running in {root}") from None
    try:
        found = read_marker(root)
        if found is not None and found.get("config_hash") != mark["config_hash"]:
            _clear(root)  # --force: only the files a calibration writes
        write_marker(root, mark)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = _study(spec, root)
        with open_pool(executor, workers, scheduler, spec.file) as pool:
            runner = Runner(pool, spec)
            before = _stored(study, "before") or runner.evaluate_one(
                {}, spec.targets + spec.holdout
            )
            study.set_user_attr("before", before.per_seed)
            ran = _search(study, runner, spec, budget, progress)
            best_trial = study.best_trial
            key = f"holdout_{best_trial.number}"
            held = _stored(study, key)
            if held is None and spec.holdout:
                held = runner.evaluate_one(best_trial.params, spec.holdout)
                study.set_user_attr(key, held.per_seed)
        per_seed = best_trial.user_attrs["values"]
        if held is not None:
            per_seed = [{**a, **b} for a, b in zip(per_seed, held.per_seed)]
        best = Evaluation(dict(best_trial.params), per_seed)
        finished = [
            {"trial": t.number, "distance": t.value, **t.params}
            for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        ]
        result = CalibrationResult(root, spec, before, best, best_trial.number, finished, ran)
        write_outputs(result)
    finally:
        lock.release()
    return result


class Runner:
    """Evaluates parameter sets on an open pool: every (set, scenario, seed) is one job."""

    def __init__(self, pool, spec: Spec):
        self.pool, self.spec = pool, spec
        self.seeds = seeds(spec.cal.seed, spec.cal.seeds)

    def jobs(self, key: Any, values: dict[str, float], targets: list[Target]) -> list[Job]:
        """The runs of one parameter set: every scenario of ``targets`` × every seed; a job's
        key is ``(key, seed index)``."""
        out = []
        for context in self.spec.contexts_of(targets):
            wanted = measures(
                t for t in targets if self.spec.target_context[t.label] == context.key
            )
            scenario = context.with_values(values, self.spec.file)
            out += [Job((key, s), scenario, seed, wanted) for s, seed in enumerate(self.seeds)]
        return out

    def stream(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, tuple[dict, str | None]]]:
        """``(job, (values, error))`` as runs finish (``jobs`` is read as slots free up)."""
        try:
            yield from run_tasks(self.pool, run_job, jobs)
        except WorkerDied:
            raise ConfigError(
                self.spec.file,
                "--workers",
                "a worker process died (out of memory?): rerun to resume, with fewer workers "
                "or firms",
            ) from None

    def evaluate_one(self, values: dict[str, float], targets: list[Target]) -> Evaluation:
        """One parameter set's targets over the seeds; a failed run is an error (the defaults
        and the best values must run)."""
        evaluation = Evaluation(dict(values), [{} for _ in self.seeds])
        for job, (found, error) in self.stream(self.jobs(0, values, targets)):
            if error:
                raise ConfigError(self.spec.file, "targets", f"a run failed: {error}")
            evaluation.per_seed[job.key[1]].update(found)
        return evaluation


@dataclass
class Open:
    """A trial in flight: its Optuna trial, what its runs found so far, how many are left."""

    trial: Any
    evaluation: Evaluation
    left: int


def _search(study, runner: Runner, spec: Spec, budget: int, progress) -> int:
    """Run trials until ``budget`` have finished; return how many ran now.

    Trials stream through the pool: a new trial is asked whenever a slot frees up and the
    trials finished or in flight are fewer than the budget, so no worker waits for a round.
    """
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState

    for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.tell(stale.number, state=TrialState.FAIL)  # cut off by a kill: asked again
    space = {
        path: FloatDistribution(b.low, b.high, log=b.log) for path, b in spec.cal.parameters.items()
    }
    start = done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    limit = max(budget, MAX_FAILED)
    failed: list[str] = []
    flight: dict[int, Open] = {}

    def feed() -> Iterator[Job]:
        while done + len(flight) < budget and len(failed) < limit:
            trial = study.ask(space)
            jobs = runner.jobs(trial.number, trial.params, spec.targets)
            empty = Evaluation(dict(trial.params), [{} for _ in runner.seeds])
            flight[trial.number] = Open(trial, empty, len(jobs))
            yield from jobs

    bar = _bar(budget, start, spec.cal.name, progress)
    try:
        while done < budget and len(failed) < limit:
            for job, (values, error) in runner.stream(feed()):
                number, s = job.key
                entry = flight[number]
                entry.evaluation.per_seed[s].update(values)
                entry.evaluation.error = entry.evaluation.error or error
                entry.left -= 1
                if entry.left:
                    continue
                del flight[number]
                trial, evaluation = entry.trial, entry.evaluation
                trial.set_user_attr("values", evaluation.per_seed)
                value = distance(evaluation.means(), spec.targets)
                if evaluation.error or not math.isfinite(value):
                    failed.append(evaluation.error or "a target is undefined (NaN)")
                    trial.set_user_attr("error", failed[-1])
                    study.tell(trial, state=TrialState.FAIL)
                    continue
                study.tell(trial, value)
                done += 1
                bar.update(1)
                bar.set_postfix(best=f"{study.best_value:.3g}", refresh=False)
    finally:
        bar.close()
    if not done:
        why = failed[0] if failed else "no trial finished"
        raise ConfigError(spec.file, "parameters", f"no trial gave a distance: {why}")
    return done - start


def _bar(total: int, initial: int, name: str, progress: bool | None):
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, initial=initial, desc=name, unit="trial", disable=not show)


def _study(spec: Spec, root: Path):
    """The Optuna study in ``root`` (created or resumed). The sampler's seed moves on with the
    finished trials, so a resumed search does not propose its first points again."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(str(root / JOURNAL)))
    name = spec.cal.name
    try:
        done = len(optuna.load_study(study_name=name, storage=storage).trials)
    except KeyError:
        done = 0
    startup = max(5, min(10, spec.cal.trials // 4))
    sampler = optuna.samplers.TPESampler(seed=spec.cal.seed + done, n_startup_trials=startup)
    return optuna.create_study(
        study_name=name, storage=storage, sampler=sampler, direction="minimize", load_if_exists=True
    )


def _stored(study, key: str) -> Evaluation | None:
    rows = study.user_attrs.get(key)
    return Evaluation({}, rows) if rows is not None else None


def _clear(root: Path) -> None:
    for name in (JOURNAL, *OUTPUTS):
        path = root / name
        if path.is_file() and not path.is_symlink():  # its own files only, never a folder
            path.unlink()
