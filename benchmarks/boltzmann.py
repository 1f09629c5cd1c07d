"""The reference: Mesa's simplest example, the non-spatial Boltzmann wealth model.

Each agent with wealth > 0 gives one unit to a random other agent; agents act in random order
(``model.agents.shuffle_do("step")``); the recipient is drawn from a cached list of agents.
"""

from __future__ import annotations

import mesa


class MoneyAgent(mesa.Agent):
    def __init__(self, model: BoltzmannModel):
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        if self.wealth > 0:
            other = self.random.choice(self.model.agent_list)
            other.wealth += 1
            self.wealth -= 1


class BoltzmannModel(mesa.Model):
    def __init__(self, n: int, seed: int = 1):
        super().__init__(seed=seed)
        for _ in range(n):
            MoneyAgent(self)
        self.agent_list = list(self.agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")
