"""Analysis of batch results: paired effects, cost-effectiveness, rankings, bands, sensitivity.

Reads result files only (``experiment.yaml``, ``runs.parquet``, ``outcomes.json``,
``runs/<id>.parquet``, ``firms/<id>.parquet``) and never imports the model. Functions take and
return pandas DataFrames so a researcher can use them in a notebook as well as the report does.
Every outcome's label, unit, kind and direction comes from the results' ``outcomes.json``
(:func:`read_outcomes`); pass that catalogue to the functions that label or judge outcomes.

Modules: :mod:`.reading` (files), :mod:`.catalogue` (outcome descriptions), :mod:`.formatting`
(numbers for readers), :mod:`.stats` (intervals), :mod:`.effects` (paired effects),
:mod:`.costs` (spent against budgeted, discounting, cost-effectiveness, ranking),
:mod:`.decision` (the decision table: effects, Holm flags, ties with the best arm),
:mod:`.distribution` (who gains, who loses, displacement), :mod:`.series` (monthly
bands), :mod:`.sensitivity` (sweeps, SALib), :mod:`.robustness` (effects across
parameter sets, regret, PRIM scenario discovery), :mod:`.lang` (the report's words in
English and Indonesian), :mod:`.export_tables` (CSV and Excel tables),
:mod:`.export_ema` (EMA Workbench's results format).
"""

from sim.outcomes import Outcome

from .catalogue import LEVELS, MAIN_OUTCOMES, Catalogue, main_outcomes, outcome, read_outcomes
from .costs import (
    COST_MEASURES,
    CostMeasure,
    cost_effectiveness,
    discount_rate,
    discounted_spend,
    rank_arms,
    spend_table,
)
from .decision import ALPHA, decision_table, holm, paired_p_value
from .distribution import displacement, who_gains
from .effects import paired_effects, paired_values
from .export_ema import ema_results, export_ema
from .formatting import (
    BILLION,
    decimal,
    fmt_diff,
    fmt_number,
    fmt_value,
    percent,
    rupiah,
    rupiah_formatter,
    significant,
)
from .lang import (
    LANGS,
    check_lang,
    cost_measure_label,
    group_name,
    lower_first,
    outcome_label,
    pick,
    t,
    unit_label,
)
from .reading import (
    META_COLUMNS,
    SPEND,
    ResultsError,
    arm_labels,
    arm_order,
    asked_outcomes,
    check_records,
    finished,
    outcome_columns,
    read_experiment,
    read_firms,
    read_runs,
    sweep_columns,
)
from .robustness import (
    robustness_table,
    scenario_discovery,
    set_effects,
    uncertain_parameters,
)
from .sensitivity import design_outcome, problem_from_experiment, sensitivity, sweep_surface
from .series import bands, monthly_bands
from .stats import bootstrap_interval, ratio_interval, t_interval, welch_interval

__all__ = [
    "ALPHA",
    "LANGS",
    "check_lang",
    "decimal",
    "decision_table",
    "holm",
    "lower_first",
    "outcome_label",
    "paired_p_value",
    "percent",
    "pick",
    "rupiah_formatter",
    "t",
    "BILLION",
    "COST_MEASURES",
    "LEVELS",
    "MAIN_OUTCOMES",
    "META_COLUMNS",
    "SPEND",
    "Catalogue",
    "CostMeasure",
    "Outcome",
    "ResultsError",
    "arm_labels",
    "arm_order",
    "asked_outcomes",
    "bands",
    "bootstrap_interval",
    "check_records",
    "cost_effectiveness",
    "cost_measure_label",
    "design_outcome",
    "ema_results",
    "export_ema",
    "discount_rate",
    "discounted_spend",
    "displacement",
    "finished",
    "fmt_diff",
    "fmt_number",
    "fmt_value",
    "group_name",
    "main_outcomes",
    "monthly_bands",
    "outcome",
    "outcome_columns",
    "paired_effects",
    "paired_values",
    "problem_from_experiment",
    "rank_arms",
    "robustness_table",
    "ratio_interval",
    "read_experiment",
    "read_firms",
    "read_outcomes",
    "read_runs",
    "rupiah",
    "scenario_discovery",
    "sensitivity",
    "set_effects",
    "significant",
    "spend_table",
    "sweep_columns",
    "sweep_surface",
    "t_interval",
    "unit_label",
    "uncertain_parameters",
    "welch_interval",
    "who_gains",
]
