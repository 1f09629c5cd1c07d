"""Running scenarios: one run to files (``single``); batches of runs come with experiments."""

from sim.runner.single import RunOutput, simulate, write_run

__all__ = ["RunOutput", "simulate", "write_run"]
