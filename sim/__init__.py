"""msme-sim: an agent-based simulator of MSME ecosystems on Mesa."""

from sim.version import __version__

__all__ = ["__version__", "run_experiment"]


def run_experiment(path_or_config, executor="processes", workers=None, out=None, **options):
    """Run (or resume) an experiment: a file, or a mapping with the same keys (its scenario
    path is then relative to the working directory). Returns a handle with ``.runs()`` and
    ``.monthly()`` DataFrames. Other options: ``scheduler``, ``retry_failed``, ``force``,
    ``progress`` (see ``msme-sim batch --help``). Imported lazily: ``import sim`` stays light."""
    from sim.runner.batch import run_experiment as run

    return run(path_or_config, executor=executor, workers=workers, out=out, **options)
