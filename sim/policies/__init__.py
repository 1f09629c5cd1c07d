"""Policies: public interventions with a start, an end, a budget, a unit cost and a target.

The base class, targeting and registration are in :mod:`sim.policies.base`; the built-in
policies live in ``digital``, ``finance`` and ``collaboration`` and register themselves when
``sim.catalogue`` imports them. See docs/policies.md.
"""

from sim.policies.base import Policy, Target, policy_rows, register, target_mask

__all__ = ["Policy", "Target", "policy_rows", "register", "target_mask"]
