"""The report's words in English (the default). Every key has its twin in :mod:`.lang_id`."""

EN = {
    # numbers and units
    "na": "n/a",
    "pp": "pp",
    "pp_long": "percentage points",
    "years": "years",
    "years_unit": "years",
    "rp_scales": "k|M|bn|tn",
    "rp_space": "",
    # page
    "page_title": "{title}: msme-sim report",
    "subtitle": "msme-sim experiment report",
    "version": "version {version}",
    "no_question": "(no question given in experiment.yaml)",
    "h_decision": "Answer at a glance",
    "h_findings": "What the results say",
    "h_arms": "Scenario and arms",
    "h_effects": "Effects on the main outcomes",
    "h_cost": "Cost-effectiveness",
    "h_figures": "Figures",
    "h_sensitivity": "Sensitivity",
    "h_method": "Method",
    "h_caveats": "Caveats",
    "filter": "Filter rows",
    "filter_hint": "Click a column header to sort; type to filter.",
    "reference_role": " (reference)",
    "nothing_changed": "nothing (base scenario)",
    "ci_includes_zero": "CI includes 0",
    "clear": "clear",
    # decision table
    "d_outcome": "Outcome",
    "d_arm": "Arm",
    "d_value": "Value",
    "d_effect": "Effect vs {reference}",
    "d_ci": "95% CI (paired)",
    "d_holm": "Significant (Holm)",
    "d_standing": "Standing",
    "d_spend": "Policy spend",
    "d_cost": "Extra cost per unit",
    "best": "best",
    "tied": "tied",
    "below": "#{rank}",
    "no_direction": "no better direction",
    "holm_yes": "yes",
    "holm_no": "no",
    "per_pp": "per pp",
    "per_k": "per Rp 1,000",
    "per_unit": "per {unit}",
    "no_gain": "no gain",
    "no_extra": "no extra spend",
    "decision_note": (
        "Arms whose paired 95% interval against the best arm includes zero are shown as tied "
        "with it rather than ranked below it. Holm: significant after adjusting the paired "
        "t-tests of all {n} comparisons in this table (every listed outcome × every arm against "
        "{reference}) for multiple comparisons, keeping the chance of any false signal at 5%. "
        "Policy spend is the mean over replications; the extra cost per unit divides the extra "
        "spend over {reference} by the mean gain."
    ),
    "asked": "Outcomes asked about: {outcomes}.",
    "main_outcome": "main outcome",
    # arms table
    "a_arm": "Arm",
    "a_description": "Description",
    "a_changes": "What it changes",
    "a_runs": "Runs finished",
    "arms_intro": (
        "Base scenario: {scenario}. Replications per arm: {replications}. Experiment seed: "
        "{seed}. Outcomes asked about: {outcomes}."
    ),
    # effects table
    "e_outcome": "Outcome",
    "e_arm": "Arm",
    "e_arm_value": "Arm value",
    "e_diff": "Difference",
    "e_ci_paired": "95% CI paired",
    "e_ci_unpaired": "95% CI unpaired",
    "e_better": "Better in",
    "e_pairs": "Pairs",
    "effects_note": (
        "Shares in percentage points (pp). The paired interval compares each replication with "
        "the same replication of the reference; the unpaired (Welch) interval ignores that "
        "pairing and is shown to make the gain from common random numbers visible. Every "
        "outcome is in effects.csv."
    ),
    # cost table
    "c_measure": "Measure",
    "c_arm": "Arm",
    "c_extra": "Extra spend",
    "c_per_bn": "Per Rp 1 bn",
    "c_ci": "95% CI",
    "c_unit": "Unit",
    "no_spend": "No policy spending was recorded, so no cost-effectiveness is given.",
    # sentences
    "only_one_arm": "Only one arm ({arm}) finished, so there is nothing to compare.",
    "not_paired": "{arm}: no replication could be paired with {reference}.",
    "raised": "{arm} raised {noun} by {diff}",
    "lowered": "{arm} lowered {noun} by {diff}",
    "changed": "{arm} changed {noun} by {diff}",
    "ci_part": " (95% CI {low} to {high})",
    "relative_to": " relative to {reference}",
    "better_in": ", better in {share} of replications",
    "could_be_chance": " The interval includes zero, so this difference could be chance.",
    "interval": "{low} to {high}",
    "spent_nothing": "{arm} spent nothing beyond {reference}, so it has no cost per unit gained.",
    "spent_more": "{arm} spent {spend} more than {reference}: {value} {unit} per Rp 1 bn",
    "failed_runs": "{n} run(s) failed and are left out of every comparison.",
    "underspent": (
        "{arm} spent {spent} of its {budget} budget ({share}): its target could not absorb the "
        "rest, so it is not an equal-spend comparison and it gets no per-Rp-1-bn figure."
    ),
    "dropped": (
        "{arm}: {n} replication(s) had no finished run in this arm or the reference and were "
        "dropped from its comparisons."
    ),
    "sensitivity_failed": "The sensitivity analysis could not be computed: {error}",
    # cost measures
    "m_firms_alive": "Firms saved per Rp 1 bn",
    "m_survival_rate": "Survival points per Rp 1 bn",
    "m_digital_share": "Adoption points per Rp 1 bn",
    "m_poor_owner_mean_income_idr": "Poor-owner income gained per Rp 1 bn",
    "u_firms": "firms",
    "u_percentage points": "percentage points",
    "u_Rp/month per poor owner": "Rp/month per poor owner",
    "u_Rp/month": "Rp/month",
    "u_Rp/unit": "Rp/unit",
    "u_workers": "workers",
    "u_partnerships": "partnerships",
    "u_share": "share",
    # figures
    "f_traj_alt": "Outcome trajectories per arm",
    "f_traj_title": "Trajectories: median and 5-95% range over replications",
    "f_traj_caption": (
        "Lines are medians over replications; shaded bands hold the middle 90% of replications "
        "(5th to 95th percentile)."
    ),
    "f_adopt_alt": "Adoption by digital level per arm",
    "f_adopt_title": "Digital adoption by level",
    "f_adopt_caption": (
        "Share of living firms offline (level 0), on messaging apps such as WhatsApp (level 1) "
        "and on social media or marketplaces (level 2)."
    ),
    "f_forest_alt": "Forest plot of effects",
    "f_forest_title": "Effect over the reference arm: paired 95% CI (colour), unpaired (grey)",
    "f_forest_caption": (
        "Difference from the reference arm: dot = mean paired difference, coloured bar = paired "
        "95% CI, grey bar = unpaired (Welch) 95% CI. Bars crossing the dashed zero line could "
        "be chance."
    ),
    "f_ce_alt": "Cost-effectiveness bars",
    "f_ce_title": "Cost-effectiveness (paired over replications, 95% CI)",
    "f_ce_caption": (
        "Outcome gained per Rp 1 bn of extra policy spending over the reference, with 95% CIs."
    ),
    "f_ce_xlabel": "{unit} per Rp 1 bn of extra spending",
    "f_no_extra": "no extra spend",
    "f_underspent": "budget not fully spent",
    "f_dist_alt": "Income and firm-size distributions",
    "f_dist_title": "Distributions at the end of the runs",
    "f_dist_caption": (
        "Living firms at the end of the runs (pooled over up to 20 replications per arm): owner "
        "income as a cumulative share, firm size by workers."
    ),
    "f_income_title": "Owner income, living firms (cumulative)",
    "f_income_ylabel": "share of firms at or below",
    "f_size_title": "Firm size, living firms",
    "f_workers": "workers",
    "f_share_firms": "share of firms",
    "f_sweep_alt": "Sweep over {param}",
    "f_sweep_caption": "Mean {noun} (with 95% CI over runs) for each value of {param}.",
    "f_sweep_title": "{label} across {param}",
    "f_sens_alt": "{method} sensitivity indices",
    "f_sens_caption": "{method} sensitivity of {noun} to the varied parameters (reference arm).",
    "f_sens_title": "Sensitivity of the outcome to the varied parameters",
    "f_mu_star": "mu* (overall influence)",
    "f_sigma": "sigma (interactions)",
    "f_morris_x": "elementary effect on {label}",
    "f_morris_title": "Morris screening",
    "f_s1": "S1 (first order)",
    "f_st": "ST (total)",
    "f_sobol_x": "share of the variance of {label}",
    "f_sobol_title": "Sobol indices (95% CI)",
    "f_month": "month",
    "f_difference": "difference",
    "f_difference_unit": "difference, {unit}",
    "f_higher_better": "(higher is better)",
    "f_lower_better": "(lower is better)",
    "f_percent": "%",
    # spending and who gains, who loses (report/distribution.py)
    "sp_h": "Spending: spent against budgeted",
    "sp_budget": "Budget",
    "sp_spent": "Spent",
    "sp_discounted": "Spent, discounted at {rate}% a year",
    "sp_share": "Spent / budgeted",
    "sp_below": (
        "Below {threshold} of the budget spent: {arms}. These arms are not equal-spend "
        "comparisons, and their cost-effectiveness is not scaled to Rp 1 bn."
    ),
    "spent_only": (
        "{arm} spent only {share} of its budget: a per-Rp-1-bn figure would assume the gain "
        "grows with money it did not spend."
    ),
    "wg_h": "Who gains, who loses",
    "wg_intro": "Each arm against {reference}, replication by replication.",
    "wg_reach_about": (
        "the starting firms the arm's policies reached and the others, each firm paired with "
        "itself in {reference} (a closed firm earns nothing)."
    ),
    "wg_owners_about": "poor and non-poor owners' household income.",
    "wg_places_h": "Sector and village",
    "wg_places_about": "mean revenue of living firms and survival of the starting firms there.",
    "wg_dim_reach": "Firms",
    "wg_dim_owners": "Owner households",
    "wg_dim_sector": "Sector",
    "wg_dim_village": "Village",
    "wg_reached": "reached by the arm",
    "wg_others": "not reached",
    "wg_poor": "poor owners",
    "wg_nonpoor": "non-poor owners",
    "wg_revenue_per_firm": "Revenue per starting firm (closed firms earn 0)",
    "wg_firms_reached": "Firms reached",
    "wg_reached_gain": "Gain of the reached firms (Rp/month, all of them)",
    "wg_others_change": "Change for the others (Rp/month, all of them)",
    "wg_displacement": "Displacement",
    "wg_displacement_note": (
        "Displacement is the others' loss as a share of the reached firms' gain, at the end of "
        "the run: 0% means nobody else lost, 100% means the gain was taken from other firms."
    ),
    "wg_others_gained": "none: the others gained too",
    "wg_note_no_tables": "no firm tables with the firms each policy reached",
    "wg_note_no_marks": "its policies mark no individual firms as reached",
    "wg_note_all_reached": "it reached every firm: no others to lose",
    "wg_note_no_gain": "the reached firms did not gain: no displacement share",
    "wg_who": "Who",
    "wg_group": "Group",
    "wg_change": "Change",
    "wg_change_pct": "Change, %",
    "wg_survival_change": "Survival change",
    "wg_survival_cell": "{diff} pp ({low} to {high})",
    "wg_fig_alt": "Who gains and who loses, per arm",
    "wg_fig_caption": (
        "Change in revenue (firms, sectors, villages) or household income (owners) from "
        "{reference}, as a share of its value there: dot = mean paired difference, bar = "
        "paired 95% CI."
    ),
    "wg_fig_xlabel": "Change from the reference (% of its mean revenue or income)",
    "wg_fig_group": "{dimension}: {group}",
    # per-group outcomes: sectors and villages (labels of sector_<s>_... and village_<i>_...)
    "g_village": "village {name}",
    "g_mean_revenue_idr": "Mean revenue, {group}",
    "g_survival_rate": "Survival of initial firms, {group}",
    "sector_food": "food",
    "sector_fashion": "fashion",
    "sector_craft": "craft",
    "sector_retail": "retail",
    "sector_services": "services",
    # robustness under uncertainty (report/robustness.py)
    "rb_h": "Robustness under uncertainty",
    "rb_intro": (
        "Every arm ran on the same {sets} parameter sets, each with the same seeds, so each arm "
        "has one paired effect per parameter set (the mean over replications of the arm minus "
        "the reference). The uncertain parameters and what they ranged over:"
    ),
    "rb_rows_of": "rows of {file}",
    "rb_one_of": "one of {values}",
    "rb_list_sep": ", ",
    "rb_whole": " (whole numbers)",
    "rb_median": "Median effect",
    "rb_spread": "5–95% across sets",
    "rb_best_in": "Best in",
    "rb_regret": "Maximum regret",
    "rb_reference": "reference",
    "rb_table_note": (
        "Median effect and 5–95% range: across parameter sets. Best in: share of parameter "
        "sets in which the arm (the reference included) does best. Maximum regret: in the worst "
        "parameter set for the arm, how far it falls short of that set's best arm."
    ),
    "rb_fig_alt": "Effect per arm across parameter sets",
    "rb_fig_caption": (
        "Each dot is one parameter set: the arm's paired effect over the reference there. Boxes "
        "hold the middle half of the sets, whiskers reach the 5th and 95th percentiles."
    ),
    "rb_fig_title": "Paired effect in each parameter set (one dot per set)",
    "rb_fig_xlabel": "effect over {reference}",
    "rb_lose_h": "When does the best arm lose its place?",
    "rb_best_on": "On {noun},",
    "rb_best_rest": (
        "has the highest mean effect across parameter sets; another arm does better in {lost} "
        "of {sets} sets."
    ),
    "rb_replications": (
        "With {n} replication(s) per parameter set, an effect in one set still carries the "
        "model's randomness: small differences between arms within a set can be chance. More "
        "replications separate the two kinds of uncertainty better."
    ),
    "rb_prim": "Scenario discovery (PRIM, EMA Workbench) finds the parameter ranges where that "
    "happens:",
    "rb_box": (
        "Box {i} holds {coverage} of the sets in which {best} loses its place (coverage); "
        "{density} of the sets inside it are such sets (density; {base} over all sets); it "
        "holds {mass} of all sets."
    ),
    "rb_parameter": "Parameter",
    "rb_in_box": "Range in the box",
    "rb_all_sets": "Range over all sets",
    "rb_note_no_direction": "{label} has no better direction, so no arm is best.",
    "rb_note_always_best": "{best} is best in every parameter set: there is nothing to separate.",
    "rb_note_never_best": "{best} is best in no parameter set: there is nothing to separate.",
    "rb_note_not_numeric": "No uncertain parameter has numeric values to search for ranges.",
    "rb_note_no_box": "PRIM found no box that separates these parameter sets.",
    # method and caveats (HTML-free text; <b> headings come from the template)
    "m_crn_h": "Common random numbers.",
    "m_crn": (
        "Replication r uses the same random seed in every arm, so each arm meets the same "
        "firms, networks and luck as the reference. Arms are compared replication by "
        "replication (paired differences), which removes the noise the arms share."
    ),
    "m_intervals_h": "Intervals.",
    "m_intervals": (
        "95% confidence intervals are Student-t intervals of the mean paired difference over "
        "the replications. The unpaired (Welch) interval treats the arms as independent "
        "samples; it is wider whenever replications share noise, which is what pairing buys. "
        '"Better in" is the share of replications in which the arm beat the reference (lower '
        "is better for inequality and costs)."
    ),
    "m_holm_h": "Multiple comparisons.",
    "m_holm": (
        "The decision table tests every listed outcome for every arm; with many tests some "
        "look significant by chance. Its flags use Holm's step-down adjustment (statsmodels) "
        "over the whole table, which keeps the family-wise error rate at 5%."
    ),
    "m_cost_h": "Cost-effectiveness.",
    "m_cost": (
        "Mean gain divided by mean extra policy spending over the reference (paired by "
        "replication), per Rp 1 bn. Spending is what the policies actually spent, month by "
        "month, discounted to the start of the run at the experiment's discount_rate. The 95% "
        "interval is a paired bootstrap over the replications (each replication's gain and "
        "spend resampled together). Arms that spend no more than the reference have no ratio, "
        "and arms that spent less than 90% of their budget get none either: scaling their gain "
        "to Rp 1 bn would assume it grows with money they could not spend."
    ),
    "m_runs_h": "Runs.",
    "m_runs": (
        "{finished} finished runs, {failed} failed, {replications} replications per arm, "
        "experiment seed {seed}. Run seeds by replication: {seeds} (all in runs.parquet)."
    ),
    "m_rerun_h": "Rerun one run.",
    "m_rerun": (
        "reruns replication {replication} of the base scenario; add the arm's "
        "settings with --set path=value and its policies as listed in experiment.yaml. The "
        "same seed and settings give bit-identical results."
    ),
    "caveats": (
        "The informal economy is represented only coarsely: household and business money are "
        "separated by a fixed drawing rule, and unregistered credit, family labour and barter "
        "are not modelled in detail.\n"
        "Prices of inputs, data and outputs are fixed parameters or follow simple rules; the "
        "model has no price formation, inflation or exchange-rate effects.\n"
        "Feedback stays inside the regency: households spend what firms pay them, but prices, "
        "wages outside the MSME sector and national conditions do not respond to a policy.\n"
        "The mechanisms are translated from qualitative source studies (interviews and case "
        "studies); their strengths are assumptions from the parameter table, not estimates, so "
        "read the direction and relative size of effects rather than exact numbers.\n"
        "Policy costs are the budgets spent inside the model; administration, targeting errors "
        "and leakage outside the model are not counted.\n"
        "Intervals show the uncertainty from the model's randomness over replications only, not "
        "the uncertainty of the parameters themselves (see a sensitivity analysis, or declare "
        "uncertainties: in the experiment, for that)."
    ),
}
