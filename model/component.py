"""The contract every extension meets: a protocol family, a trust model or a feature (clock, blocks, ...).

NOTE(two-halves): a component declares its state and actions once (`model/declarations.py`) and
gives both halves of their meaning in one place: the symbolic half as Z3 cases for the solver, the
concrete half as contracts and handlers for the reference implementation. The halves share the
declarations and nothing else: no guard or effect is written once for both. Conformance tests
compare them.

Every method has a default that does nothing, so a component overrides only what it owns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bridgeproof.model.declarations import Action, Domain, Field, Var

if TYPE_CHECKING:
    import z3

    from bridgeproof.model.configuration import Configuration
    from bridgeproof.model.symbolic import Case, StepArgs, SymState

Handler = Callable[..., None]
"""A concrete action: called with the deployment and the action's arguments by name; it raises
`Revert` to refuse (the driver then restores the deployment, as a reverted transaction would)."""


class Component:
    """One extension's declarations and both halves of its semantics, for a given configuration."""

    # --- declarations ----------------------------------------------------------------------------
    def domains(self, cfg: Configuration) -> tuple[Domain, ...]:
        """Index sets this component introduces (users, ids, chains, ...)."""
        return ()

    def vars(self, cfg: Configuration) -> tuple[Var, ...]:
        """ITF variables this component introduces, in order."""
        return ()

    def fields(self, cfg: Configuration) -> tuple[Field, ...]:
        """State fields. A `fixed` field is a placeholder another component may bring to life."""
        return ()

    def actions(self, cfg: Configuration) -> tuple[Action, ...]:
        """Actions this component adds to the configuration."""
        return ()

    def judges(self, cfg: Configuration) -> dict[str, Any]:
        """Trust models this component decides with besides the configuration's own (a governance
        path's), by label: the provers pin their parameters and name their assumptions `label.name`,
        as they do the configuration's."""
        return {}

    def initial(self, cfg: Configuration) -> dict[str, int | bool]:
        """Initial values that differ from the fields' defaults, by symbolic key."""
        return {}

    # --- symbolic half ---------------------------------------------------------------------------
    def cases(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[Case]:
        """The branches of this component's actions at one step."""
        return []

    def urgency(self, s: SymState, a: StepArgs, cfg: Configuration) -> list[z3.BoolRef]:
        """What must still hold for `wait(a.seconds)`: an honest party's deadline it may not pass."""
        return []

    def lemmas(self, s: SymState, cfg: Configuration) -> dict[str, z3.BoolRef]:
        """Strengthening invariants this component guarantees (induction checks each per action)."""
        return {}

    # --- concrete half ---------------------------------------------------------------------------
    def install(self, deployment: Any, cfg: Configuration) -> None:
        """Deploy this component's contracts into the deployment the family created."""

    def handlers(self, cfg: Configuration) -> dict[str, Handler]:
        """The concrete action of each declared action name."""
        return {}

    def read(self, deployment: Any, cfg: Configuration) -> dict[str, Any]:
        """Concrete values of this component's live fields, by field name: a value, or for an indexed
        field a mapping from index value to value (absent keys read as the default)."""
        return {}

    def check_wait(self, deployment: Any, seconds: int, cfg: Configuration) -> None:
        """Revert when `seconds` may not pass now (the concrete half of `urgency`)."""
