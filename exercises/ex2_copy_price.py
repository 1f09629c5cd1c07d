"""Exercise 2: firms copy the price of their most profitable neighbour (docs/exercises.md).

Each month, after the accounts (finance), a living firm looks at its living contacts in the same
sector; if the most profitable of them earned more than the firm did this month, the firm sets
its price to that contact's price. Check it: msme-sim check-exercise 2
"""

from sim.rules import mechanism, per_firm

mechanism("price_imitation", after="finance")


@per_firm("price_imitation", "copy_best")
def copy_best(firm, rng):
    """One firm: copy the price of the most profitable contact that earns more."""
    # state = firm.model.state: every firm's columns (state.profit[rows], state.price[rows], ...)
    # ties = firm.model.net.ties_csr: the firm's contacts are ties[firm.row].indices
    # TODO: keep the living contacts in the firm's sector, find the most profitable one and, if
    # its profit is higher than firm.profit, set firm.price to its price.
