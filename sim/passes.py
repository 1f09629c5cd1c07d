"""Compiled passes of the month (market, adoption, households, outcomes, collaboration rules).

Each pass computes exactly what the column formulas named in its docstring compute, with the
same operations in the same order and precision (sums in row order, as ``np.bincount``), so
results stay bit-identical; tests/test_month_kernels.py checks each one byte for byte against
its formulas. The rule that calls a pass states the behaviour in its own words. A pass reads
and writes whole firm columns in one loop instead of a dozen NumPy passes with temporaries.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import jit


@jit
def contact_counts(t_indptr, t_indices, g_indptr, g_indices, n_groups, bits):
    """``(ties @ x, groups @ (groups.T @ x))`` in float32 for CSR matrices ``ties`` (n×n) and
    ``groups`` (n×G) whose entries are all 1, where column c of x (n×3) is bit c of ``bits``:
    integer counts (exact, as the float32 sums of ones are below 2²⁴)."""
    n = len(bits)
    by_ties = np.zeros((n, 3), dtype=np.float32)
    per_group = np.zeros((n_groups, 3), dtype=np.int64)
    by_groups = np.zeros((n, 3), dtype=np.float32)
    for i in range(n):
        c0 = c1 = c2 = 0
        for e in range(t_indptr[i], t_indptr[i + 1]):
            b = bits[t_indices[e]]
            c0, c1, c2 = c0 + (b & 1), c1 + ((b >> 1) & 1), c2 + ((b >> 2) & 1)
        by_ties[i, 0], by_ties[i, 1], by_ties[i, 2] = c0, c1, c2
        b = bits[i]
        for e in range(g_indptr[i], g_indptr[i + 1]):
            g = g_indices[e]
            per_group[g, 0] += b & 1
            per_group[g, 1] += (b >> 1) & 1
            per_group[g, 2] += (b >> 2) & 1
    for i in range(n):
        c0 = c1 = c2 = 0
        for e in range(g_indptr[i], g_indptr[i + 1]):
            g = g_indices[e]
            c0, c1, c2 = c0 + per_group[g, 0], c1 + per_group[g, 1], c2 + per_group[g, 2]
        by_groups[i, 0], by_groups[i, 1], by_groups[i, 2] = c0, c1, c2
    return by_ties, by_groups


@jit
def blended_shares(by_ties, by_groups, group_weight):
    """Per firm and adopter column c ≥ 1: (1 − w) × tie share + w × group share, each share
    = count[c] / max(count[0], 1) in float32, w = ``group_weight`` where the firm has living
    group co-members, else 0 (``digital_adoption.peer_shares``)."""
    n, k = by_ties.shape
    out = np.empty((n, k - 1))
    one = np.float32(1.0)
    for i in range(n):
        w = group_weight if by_groups[i, 0] > 0 else 0.0
        tie_living = max(by_ties[i, 0], one)
        group_living = max(by_groups[i, 0], one)
        for c in range(1, k):
            tie_share = np.float64(by_ties[i, c] / tie_living)
            group_share = np.float64(by_groups[i, c] / group_living)
            out[i, c - 1] = (1 - w) * tie_share + w * group_share
    return out


@jit
def shares_by_key(budget, weight, key, size):
    """``weight / bincount(key, weight)[key] × budget[key]`` (0 where a key has no weight)."""
    total = np.zeros(size)
    for i in range(len(key)):
        total[key[i]] += weight[i]
    out = np.empty(len(key))
    for i in range(len(key)):
        t = total[key[i]]
        out[i] = (weight[i] / t if t > 0 else 0.0) * budget[key[i]]
    return out


@jit
def pool_within_groups(demand, members, first, n_groups, share):
    """``market.share_within_groups`` with each member's first group ``first`` (−1: none):
    demand − moved + the member's equal part of its group's pool, moved = share × demand."""
    n = len(demand)
    pool, count = np.zeros(n_groups), np.zeros(n_groups)
    for i in range(n):
        ok = members[i] and first[i] >= 0
        g = first[i] if ok else 0
        pool[g] += share * demand[i] if ok else 0.0  # in row order, as np.bincount
        count[g] += np.float64(ok)
    out = np.empty(n)
    for i in range(n):  # each member's group and moved demand again: no whole-firm temporaries
        ok = members[i] and first[i] >= 0
        g = first[i] if ok else 0
        per_member = pool[g] / count[g] if count[g] > 0 else 0.0
        moved = share * demand[i] if ok else 0.0
        out[i] = demand[i] - moved + (per_member if ok else 0.0)
    return out


@jit
def online_weights_pass(a, first, group_boost, reach, quality, village, local, regency):
    """(a × boost × reach × local, a × boost × quality[village] × regency), boost = the first
    group's ``group_boost`` (1 without a group or without joint promotion), firm by firm."""
    n = len(a)
    w_local, w_regency = np.empty(n), np.empty(n)
    for i in range(n):
        boost = 1.0
        if len(group_boost) and first[i] >= 0:
            boost = group_boost[first[i]]
        w_local[i] = a[i] * boost * reach * np.float64(local[i])
        w_regency[i] = a[i] * boost * quality[village[i]] * np.float64(regency[i])
    return w_local, w_regency


@jit
def serve_offline_pass(firms, offline_budget, churn, extra, unreached):
    """``market.serve_offline`` in three compiled passes over the firms, with the operations (and
    the row order of every sum) of its column formulas::

        asked = bincount(cell, extra_orders × alive)
        extra = extra_orders × alive × min(offline / asked if asked > offline else 1, 1)[cell]
        open = max(offline − bincount(cell, extra), 0)
        customers ×= (1 − churn × (1 − loyalty)) × alive
        held = bincount(cell, customers); customers ×= (open / held where held > open, held > 0)
        customers += share_of(open − min(held, open), a, cell)
        unreached = open − bincount(cell, customers)
    """
    extra_orders, customers, loyalty, alive, a, cell = firms
    size = len(offline_budget)
    asked, served, held, total_a = np.zeros(size), np.zeros(size), np.zeros(size), np.zeros(size)
    for i in range(len(cell)):
        extra[i] = extra_orders[i] * np.float64(alive[i])
        asked[cell[i]] += extra[i]
    scale = np.ones(size)
    for c in range(size):
        if asked[c] > offline_budget[c]:
            scale[c] = offline_budget[c] / asked[c]
    for i in range(len(cell)):
        c = cell[i]
        extra[i] = extra[i] * min(scale[c], 1.0)
        extra_orders[i] = 0.0
        served[c] += extra[i]
        customers[i] *= (1 - churn * (1 - loyalty[i])) * np.float64(alive[i])
        held[c] += customers[i]
        total_a[c] += a[i]
    open_budget, shrink = np.empty(size), np.ones(size)
    for c in range(size):
        open_budget[c] = max(offline_budget[c] - served[c], 0.0)
        if held[c] > open_budget[c] and held[c] > 0:  # budgets fell: every base shrinks alike
            shrink[c] = open_budget[c] / held[c]
        held[c] = min(held[c], open_budget[c])
        unreached[c] = 0.0
    for i in range(len(cell)):
        c = cell[i]
        customers[i] *= shrink[c]
        floating = open_budget[c] - held[c]
        customers[i] += (a[i] / total_a[c] if total_a[c] > 0 else 0.0) * floating
        unreached[c] += customers[i]
    for c in range(size):
        unreached[c] = open_budget[c] - unreached[c]


@jit
def sell_pass(given, out, served):
    """``market.sell``, firm by firm (compiled), in the order of operations of its formulas."""
    customers, extra, outside_offline, online, price, capacity, alive = given
    demand, online_demand, sales, revenue, revenue_1, revenue_2, revenue_3 = out
    for i in range(len(customers)):
        local = customers[i]
        demand[i] = local + extra[i] + outside_offline[i] + online[i]
        online_demand[i] = online[i]
        sales[i] = min(demand[i] / price[i], capacity[i]) * np.float64(alive[i])
        revenue_3[i], revenue_2[i], revenue_1[i] = revenue_2[i], revenue_1[i], revenue[i]
        revenue[i] = sales[i] * price[i]
        served[i] = revenue[i] / demand[i] if demand[i] > 0 else 0.0
        customers[i] -= (1 - served[i]) * local


@jit
def unserved_pass(demand, outside_demand, from_regency, served, cell, sector, n_cells, n_sectors):
    """``bincount(cell, (1 − served) × max(demand − outside − from_regency, 0))`` and
    ``bincount(sector, (1 − served) × from_regency)`` in one pass."""
    short_local, short_regency = np.zeros(n_cells), np.zeros(n_sectors)
    for i in range(len(demand)):
        local_orders = max(demand[i] - outside_demand[i] - from_regency[i], 0.0)
        short_local[cell[i]] += (1 - served[i]) * local_orders
        short_regency[sector[i]] += (1 - served[i]) * from_regency[i]
    return short_local, short_regency


@jit
def revenue_loss_pass(revenue, revenue_1, revenue_2, revenue_3, alive, age_months):
    """Share of living firms older than 3 months with revenue < 0.9 × (r₁ + r₂ + r₃) / 3."""
    known = lost = 0
    for i in range(len(revenue)):
        if alive[i] and age_months[i] > 3:
            known += 1
            lost += revenue[i] < 0.9 * ((revenue_1[i] + revenue_2[i] + revenue_3[i]) / 3)
    return lost / known if known else 0.0


@jit
def owner_income_pass(drawings, poor, alive, other_nonpoor, other_poor, factor):
    """drawings + (other income by poverty) × factor × alive, firm by firm (compiled)."""
    out = np.empty(len(drawings))
    for i in range(len(drawings)):
        other = other_poor if poor[i] else other_nonpoor
        out[i] = drawings[i] + other * factor * np.float64(alive[i])
    return out


@jit
def village_income_pass(village, owners, poor, drawings, wages, n_villages):
    """Per village, in one pass and in row order (as ``np.bincount``): poor and non-poor owners'
    household income, wages, and owners' other income (income − drawings)."""
    poor_owners, nonpoor_owners = np.zeros(n_villages), np.zeros(n_villages)
    paid, other = np.zeros(n_villages), np.zeros(n_villages)
    for i in range(len(village)):
        v = village[i]
        poor_owners[v] += owners[i] * np.float64(poor[i])
        nonpoor_owners[v] += owners[i] * np.float64(not poor[i])
        paid[v] += wages[i]
        other[v] += owners[i] - drawings[i]
    return poor_owners, nonpoor_owners, paid, other


@jit
def partner_month_pass(given, out, factor, coordination_idr, gain_rate, outside_fixed, review):
    """``partnering``'s monthly gain and review, firm by firm, with its column formulas::

        paired = alive & (partner ≥ 0); other = partner where paired, else 0
        gain = min(gain_rate × fit × min(customers, customers[other]),
                   input_cost + outside_fixed × fixed_cost + data_cost)
               − coordination_idr × factor[village]   (× 1 without ``factor``), 0 unless paired
        total += gain; extra_cost −= gain; months += paired
        losing = paired & (months % review = 0) & (total + total[other] < 0)

    Writes ``gain`` (the partner_gain column) and returns the losing rows."""
    alive, partner, fit, customers, input_cost, fixed_cost, data_cost, village = given
    gain, total, extra_cost, months = out
    n = len(alive)
    for i in range(n):
        paired = alive[i] and partner[i] >= 0
        other = partner[i] if paired else 0
        base = np.minimum(customers[i], customers[other])
        coordination = coordination_idr * (factor[village[i]] if len(factor) else 1.0)
        paid_outside = input_cost[i] + outside_fixed * fixed_cost[i] + data_cost[i]
        saving = np.minimum(gain_rate * fit[i] * base, paid_outside)
        gain[i] = saving - coordination if paired else 0.0
        total[i] += gain[i]
        extra_cost[i] -= gain[i]
        months[i] += paired
    losing = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if alive[i] and partner[i] >= 0 and months[i] % review == 0:
            losing[i] = total[i] + total[partner[i]] < 0
    return np.flatnonzero(losing)


@jit
def group_sums_pass(sector, village, alive, revenue, founder, n_sectors, n_villages):
    """Per sector and per village, in row order (as ``np.bincount``): living firms, revenue ×
    alive, founders, and founders alive (``sim.groups.measure``), rows (living, revenue,
    founders, survivors) of a 4 × groups array for each family."""
    by_sector, by_village = np.zeros((4, n_sectors)), np.zeros((4, n_villages))
    for i in range(len(sector)):
        a = np.float64(alive[i])
        r = revenue[i] * a
        f = np.float64(founder[i])
        fa = np.float64(founder[i] and alive[i])
        s, v = sector[i], village[i]
        by_sector[0, s] += a
        by_sector[1, s] += r
        by_sector[2, s] += f
        by_sector[3, s] += fa
        by_village[0, v] += a
        by_village[1, v] += r
        by_village[2, v] += f
        by_village[3, v] += fa
    return by_sector, by_village


@jit
def growth_pass(given, out, settings, micro_max, small_max):
    """``growth.invest_near_capacity``'s column formulas firm by firm (in place); returns the
    spending column and the count of firms that graduated::

        traded = alive & (age ≥ 2); used = sales / capacity (1 where capacity ≤ 0)
        utilisation += memory × (min(used, 1) − utilisation) × traded
        spend = share × (cash − buffer) where alive, utilisation > threshold, cash > buffer
                and price > 0, buffer = buffer_months × (input_cost + fixed_cost)
        base' = (base × (1 − depreciation) + spend / (capital_months × price or 1)) × alive
        capacity = base' where capacity ≥ base, else capacity × base' / base (0 if base ≤ 0)
        cash −= spend; revenue_12m += (12 revenue − revenue_12m) / 12 × traded
        size class (``growth.size_class``: the limits in order) of living firms 13 months or older
    """
    alive, age, sales, price, input_cost, fixed_cost, revenue = given
    utilisation, capacity, base, cash, revenue_12m, size_class, graduated = out
    memory, threshold, buffer_months, share, capital_months, depreciation = settings
    n = len(alive)
    spend = np.empty(n)
    kept = 1.0 - depreciation
    moved = 0
    for i in range(n):
        traded = np.float64(alive[i] and age[i] >= 2)
        used = sales[i] / capacity[i] if capacity[i] > 0 else 1.0
        utilisation[i] += memory * (np.minimum(used, 1.0) - utilisation[i]) * traded
        buffer = buffer_months * (input_cost[i] + fixed_cost[i])
        investing = alive[i] and utilisation[i] > threshold and cash[i] > buffer and price[i] > 0
        spend[i] = share * (cash[i] - buffer) if investing else 0.0
        added = spend[i] / (capital_months * (price[i] if price[i] > 0 else 1.0))
        old_base = base[i]
        base[i] = (old_base * kept + added) * np.float64(alive[i])
        ratio = base[i] / old_base if old_base > 0 else 0.0
        capacity[i] = base[i] if capacity[i] >= old_base else capacity[i] * ratio
        cash[i] -= spend[i]
        revenue_12m[i] += (12.0 * revenue[i] - revenue_12m[i]) / 12.0 * traded
        if alive[i] and age[i] >= 13:
            r = revenue_12m[i]  # NaN sorts last, as in np.searchsorted
            new_class = 2 if (r != r or small_max < r) else (1 if micro_max < r else 0)
            if alive[i] and size_class[i] == 0 and new_class > 0 and not graduated[i]:
                graduated[i] = True
                moved += 1
            size_class[i] = new_class
    return spend, moved


@jit
def cocreation_pass(given, out, settings, fill_utilisation):
    """``co_creation.involve_customers`` after the decision, firm by firm (in place)::

        cocreating = alive & (level ≥ 1) & member & (cocreating | (draw < adopt_rate × literacy))
        unmet = max(demand − revenue, 0) / demand (0 where demand ≤ 0)
        loyalty = clip(loyalty + (loyalty_gain × saturation × (1 − loyalty)
                                  − (penalty × intensity) × unmet where cocreating), 0, 1)
        orders = intensity × word_of_mouth × loyalty × customers where cocreating
        orders = min(orders, max(fill × capacity × price − demand, 0)) (fill_utilisation ≥ 0)
        extra_orders += orders

    ``saturation`` = 1 − exp(−intensity), computed by NumPy."""
    alive, level, member, draws, literacy, demand, revenue, customers, capacity, price = given
    cocreating, loyalty, orders, extra_orders = out
    adopt_rate, loyalty_gain, saturation, unmet_penalty, intensity, word_of_mouth = settings
    for i in range(len(alive)):
        digital = alive[i] and level[i] >= 1 and member[i]
        c = digital and (cocreating[i] or draws[i] < adopt_rate * literacy[i])
        cocreating[i] = c
        unmet = np.maximum(demand[i] - revenue[i], 0.0) / demand[i] if demand[i] > 0 else 0.0
        gain = loyalty_gain * saturation * (1 - loyalty[i])
        loss = unmet_penalty * intensity * unmet
        loyalty[i] = np.minimum(np.maximum(loyalty[i] + (gain - loss if c else 0.0), 0.0), 1.0)
        o = intensity * word_of_mouth * loyalty[i] * customers[i] if c else 0.0
        if fill_utilisation >= 0:
            o = np.minimum(
                o, np.maximum(fill_utilisation * capacity[i] * price[i] - demand[i], 0.0)
            )
        orders[i] = o
        extra_orders[i] += o


@jit
def members_per_group(indptr, indices, n_groups, first, second):
    """``(groups.T @ first, groups.T @ second)`` in float64 for a firm×group CSR matrix whose
    entries are all 1 and boolean ``first``, ``second``: integer counts (exact)."""
    count_first, count_second = np.zeros(n_groups), np.zeros(n_groups)
    for i in range(len(indptr) - 1):
        if first[i] or second[i]:
            for e in range(indptr[i], indptr[i + 1]):
                count_first[indices[e]] += first[i]
                count_second[indices[e]] += second[i]
    return count_first, count_second


@jit
def pool_orders_pass(given, group, min_trust):
    """``bulk_purchasing``'s committed orders and joiners, firm by firm::

        commit = max(min((customers + online_demand) / price, capacity), 0) × unit_cost × alive
        join = member & alive & (group ≥ 0) & (trust ≥ min_trust) & (commit > 0) & (cash ≥ commit)

    Returns the joining rows and their commitments."""
    customers, online_demand, price, capacity, unit_cost, alive, member, trust, cash = given
    n = len(alive)
    rows, commit = np.empty(n, dtype=np.int64), np.empty(n)
    k = 0
    for i in range(n):
        units = np.minimum((customers[i] + online_demand[i]) / price[i], capacity[i])
        c = np.maximum(units, 0.0) * unit_cost[i] * np.float64(alive[i])
        ok = member[i] and alive[i] and group[i] >= 0 and trust[i] >= min_trust and c > 0
        if ok and cash[i] >= c:
            rows[k], commit[k] = i, c
            k += 1
    return rows[:k].copy(), commit[:k].copy()


@jit
def partner_search_pass(alive, partner, indptr, draws, search_rate, full_search_ties):
    """``partnering``'s opening, firm by firm: the rows whose partnership ends because either
    side is dead, ``(partner ≥ 0) & (~alive | ~alive[max(partner, 0)])``, and then (those
    partnerships dissolved) the searching firms, ``alive & (partner < 0) & (draw < rate)``,
    rate = search_rate × min(degree / full_search_ties, 1)."""
    n = len(alive)
    gone = []  # (row, its partner) before any partnership is dissolved
    for i in range(n):
        p = partner[i]
        if p >= 0 and (not alive[i] or not alive[max(p, 0)]):
            gone.append((i, p))
    for row, _ in gone:  # dissolve (``partnering._dissolve``): both sides become free
        partner[row] = -1
    for _, other in gone:
        partner[other] = -1
    searching = np.empty(n, dtype=np.bool_)
    for i in range(n):
        degree = indptr[i + 1] - indptr[i]
        rate = search_rate * np.minimum(degree / full_search_ties, 1.0)
        searching[i] = alive[i] and partner[i] < 0 and draws[i] < rate
    return searching
