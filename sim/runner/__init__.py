"""Running scenarios: one run to files (``single``); experiments expanded into runs (``experiment``,
``plan``, ``seeds``) and run as batches (``batch``) on an executor (``executors``)."""

from sim.runner.single import RunOutput, simulate, write_run

__all__ = ["RunOutput", "simulate", "write_run"]
