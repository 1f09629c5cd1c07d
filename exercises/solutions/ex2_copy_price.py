"""Exercise 2, a solution: firms copy the price of their most profitable neighbour."""

import numpy as np

from sim.rules import mechanism, per_firm

mechanism("price_imitation", after="finance")


@per_firm("price_imitation", "copy_best")
def copy_best(firm, rng):
    """One firm: copy the price of the most profitable contact that earns more."""
    state = firm.model.state
    ties = firm.model.net.ties_csr
    contacts = ties[firm.row].indices
    contacts = contacts[state.alive[contacts] & (state.sector[contacts] == firm.sector)]
    if len(contacts) == 0:
        return
    best = contacts[np.argmax(state.profit[contacts])]
    if state.profit[best] > firm.profit:
        firm.price = float(state.price[best])
