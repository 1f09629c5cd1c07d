"""msme-sim: an agent-based simulator of MSME ecosystems on Mesa."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("msme-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"


def run_experiment(path, executor: str = "processes", **options):
    """Run (or resume) the experiment file at ``path``; returns a handle with ``.runs()`` and
    ``.monthly()`` DataFrames. See ``msme-sim batch --help`` for the options."""
    from sim.runner.batch import run_experiment as run

    return run(path, executor=executor, **options)
