"""A run of the system: the states, and the action that led to each state after the first."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Trace:
    """`states[0]` is initial; `steps[i]` takes `states[i]` to `states[i+1]`."""

    steps: tuple[Any, ...]  # model.system.Step
    states: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.steps)
