"""The liquidity family end to end: the attacks the scenarios expect, as the corpus keeps them."""

from __future__ import annotations

from pathlib import Path

from bridgeproof.model import itf
from bridgeproof.model.replay import replay

CORPUS = Path(__file__).resolve().parents[2] / "counterexamples" / "liquidity" / "optimistic"


def test_a_late_fill_and_a_refund_is_the_shortest_attack_on_an_unchecked_deadline() -> None:
    """With the deadline unchecked, the shortest way to pay a depositor twice: a fill after the deadline,
    then the refund that the dataworker's rules still allow (a late fill does not count as a fill)."""
    document = itf.load(CORPUS / "user_made_whole" / "fill-deadline-unchecked.itf.json")
    actions = [step["action"] for step in document["meta"]["steps"]]
    assert actions[0] == "deposit" and actions[-1] == "refund"
    fill = actions.index("fill")
    last = document["states"][-1]
    assert last["fills"][0]["filled_at"] > last["deposits"][0]["deadline"], "the fill came after the deadline"
    assert last["settled"][0]["refunded"] == 1 and last["fills"][0]["recipient"] == "alice"
    assert fill < len(actions) - 1
    result = replay(document)
    assert result.ok and not result.holds_at_end, result.summary()


def test_the_checked_deadline_refuses_the_late_fill() -> None:
    document = itf.load(CORPUS / "user_made_whole" / "fill-deadline-unchecked--deadline-checked.fixed.itf.json")
    result = replay(document)
    assert result.ok and result.refused_at is not None
    assert document["meta"]["steps"][result.refused_at - 1]["action"] == "fill"


def test_a_bundle_repaying_a_fill_that_never_happened_drains_the_pool_without_a_disputer() -> None:
    document = itf.load(CORPUS / "lp_solvency" / "across-bundles.itf.json")
    last = document["states"][-1]
    executed = [b for b in last["bundles"].values() if b["executed"] and b["kind"] == "repay"]
    assert executed and all(b["deposit"] not in last["fills"] for b in executed), "no fill behind the repayment"
    assert replay(document).ok
