"""Calibration: fit assumed parameters to observed targets (``msme-sim calibrate``).

``spec`` reads and checks calibration files; ``objective`` runs a parameter set and measures
its distance to the targets; ``search`` drives Optuna on the executors of ``batch``;
``outputs`` writes the results folder; ``apply`` writes fitted values into a scenario file.
"""

from sim.calibration.search import CalibrationResult, calibrate
from sim.calibration.spec import load_calibration

__all__ = ["CalibrationResult", "calibrate", "load_calibration"]
