"""Run seeds and run identities of an experiment (common random numbers).

Replication ``r`` of an experiment with seed ``S`` runs with

    numpy.random.SeedSequence(S, spawn_key=(r,)).generate_state(1)[0]

in EVERY arm and design point, so arm-vs-baseline differences are paired on the same simulated
firms, networks and shocks. This is the seed ``SeedSequence(S).spawn(n)[r]`` would give, but it
needs no list of the other replications. Inside a run each phase draws from its own stream keyed
by this seed and the phase name (``sim.model.phase_stream``), so a policy switched on in one arm
does not reshuffle the draws of unrelated phases.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np


def replication_seed(experiment_seed: int, replication: int) -> int:
    """The run seed of replication ``replication``: the same in every arm and design point."""
    seq = np.random.SeedSequence(experiment_seed, spawn_key=(replication,))
    return int(seq.generate_state(1)[0])


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def config_hash(resolved: dict[str, Any]) -> str:
    """A stable hash (16 hex digits) of a resolved scenario.

    Plugin files count by their content, not their location, so moving the project does not
    change the hash while editing a plugin does.
    """
    data = dict(resolved)
    data["plugins"] = [
        _digest(Path(p).read_text(encoding="utf-8")) if Path(p).is_file() else p
        for p in resolved.get("plugins", [])
    ]
    return _digest(data)[:16]


def run_id(prefix: str, config: str, seed: int) -> str:
    """``<prefix>-<hash>``: a readable prefix, then 10 hex digits of sha256 of (config, seed)."""
    return f"{prefix}-{_digest({'config': config, 'seed': int(seed)})[:10]}"
