"""Every curated worst-case trace (`*.max_loss.itf.json`) reaches, on the reference implementation,
exactly the loss it records, and its split by chain adds up to it; one of them is taken on a fork."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridgeproof.model import corpus, itf
from bridgeproof.model.reference.world import World
from bridgeproof.model.replay import replay
from bridgeproof.properties.view import CONCRETE, concrete_view

REPO = Path(__file__).resolve().parents[2]
FILES = [p for p in corpus.curated(REPO / corpus.ROOT) if p.name.endswith(".max_loss.itf.json")]


def test_there_are_worst_case_traces_and_one_is_on_a_fork() -> None:
    assert FILES
    assert any(itf.load(p)["meta"].get("loss_by_chain", {}).get("fork", 0) > 0 for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reaches_the_recorded_loss(path: Path) -> None:
    document = itf.load(path)
    meta, cfg = document["meta"], document["config"]
    world = World(cfg)
    result = replay(document, world)
    assert result.ok, result.summary()
    view = concrete_view(cfg, world.observe())
    assert cfg.protocol.adversary_value(view, CONCRETE) == meta["max_loss"]
    assert cfg.protocol.loss_by_chain(view, CONCRETE) == meta["loss_by_chain"]
    assert sum(meta["loss_by_chain"].values()) == meta["max_loss"]
