"""An independent oracle: breadth-first search over the reference implementation's reachable states.

No Z3 here. From the initial World, every action with every argument from small finite domains
is tried; a refused action is no edge. The reachable states form a networkx DiGraph (node: the
observed state, edge: the action), explored level by level, so the first level with a violating
state is the length of the shortest counterexample among these arguments. On bounds small enough
to enumerate, this must agree with BMC on the verdict and on that length.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import attrs
import networkx as nx

from bridgeproof.model.reference import Revert, World
from bridgeproof.model.system import System
from bridgeproof.properties import Property
from bridgeproof.properties.view import CONCRETE


@attrs.frozen
class Exploration:
    verdict: str  # "violated" | "bounded" | "witnessed" | "vacuous"
    depth: int
    states: int
    edges: int
    path: tuple[tuple[str, dict[str, Any]], ...] = ()


def _key(observed: dict[str, Any]) -> str:
    return json.dumps(observed, sort_keys=True, default=str)


def domains(system: System) -> dict[str, list[Any]]:
    """Small argument domains that still contain the shortest attacks: every value of an index
    argument, and for the others the values the family names (`Family.explore`: amounts of one
    unit and at each limit, waits at each window and deadline, ...), else 1."""
    table: dict[str, list[Any]] = dict(system.protocol.explore(system.config))
    for action in system.config.actions:
        for arg in action.args:
            if arg.domain is not None:
                table[arg.name] = list(arg.domain.values)
            table.setdefault(arg.name, [1])
    return table


def moves(system: System, world: World, table: dict[str, list[Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for action in world.available_actions():
        combos: list[dict[str, Any]] = [{}]
        for name in system.arg_names(action):
            combos = [c | {name: v} for c in combos for v in table[name]]
        yield from ((action, c) for c in combos)


def successors(system: System, world: World, table: dict[str, list[Any]]) -> Iterator[tuple[str, dict[str, Any], World]]:
    """Every (action, args, next world). The world is consumed: a refused action leaves it as it
    was (the reference reverts), so it is copied only after a step that succeeds."""
    base = copy.deepcopy(world)
    current = world
    for action, args in list(moves(system, base, table)):
        try:
            current.apply(action, dict(args))
        except Revert:
            continue
        yield action, args, current
        current = copy.deepcopy(base)


def explore(
    system: System, props: list[Property], depth: int, world: World, max_states: int | None = None
) -> dict[str, Exploration]:
    """BFS to `depth` over the reference, once for several properties: a safety property looks for
    the first level with a violating state, a witness for the first level where it holds.

    With `max_states`, a level that would grow the graph past it is abandoned: the search is then
    exhaustive only to the last complete level, which is the depth every result reports."""
    graph = nx.DiGraph()
    start = world.observe()
    root = _key(start)
    graph.add_node(root)
    found: dict[str, Exploration] = {}

    def check(observed: dict[str, Any], key: str, level: int) -> None:
        view = system.concrete_view(observed)
        for prop in props:
            if prop.name in found:
                continue
            holds = bool(prop.holds(view, CONCRETE))
            if holds if prop.kind == "witness" else not holds:
                path = nx.shortest_path(graph, root, key)
                steps = tuple((graph.edges[u, v]["action"], graph.edges[u, v]["args"]) for u, v in zip(path, path[1:]))
                verdict = "witnessed" if prop.kind == "witness" else "violated"
                found[prop.name] = Exploration(verdict, level, graph.number_of_nodes(), graph.number_of_edges(), steps)

    check(start, root, 0)
    table = domains(system)
    frontier: list[tuple[World, str]] = [(world, root)]
    complete = depth
    for level in range(1, depth + 1):
        if len(found) == len(props):
            break
        nxt: list[tuple[World, str]] = []
        before = dict(found)
        for here, key in frontier:
            for action, args, child in successors(system, here, table):
                observed = child.observe()
                ckey = _key(observed)
                new = ckey not in graph
                graph.add_edge(key, ckey, action=action, args=args)
                if new:
                    check(observed, ckey, level)
                    nxt.append((child, ckey))
                if max_states is not None and graph.number_of_nodes() > max_states:
                    break
            else:
                continue
            complete = level - 1
            found = before  # the level is incomplete: what it found may not be the shortest
            break
        else:
            frontier = nxt
            if not frontier:
                break
            continue
        break
    for prop in props:
        if prop.name not in found:
            verdict = "vacuous" if prop.kind == "witness" else "bounded"
            found[prop.name] = Exploration(verdict, complete, graph.number_of_nodes(), graph.number_of_edges())
    return found


def reachable(system: System, world: World, depth: int, table: dict[str, list[Any]] | None = None) -> nx.DiGraph:
    """Every state the reference reaches within `depth` steps, with `depth` as each node's level."""
    table = table or domains(system)
    graph = nx.DiGraph()
    start = world.observe()
    graph.add_node(_key(start), level=0, observed=start)
    frontier: list[tuple[World, str]] = [(world, _key(start))]
    for level in range(1, depth + 1):
        nxt: list[tuple[World, str]] = []
        for here, key in frontier:
            for action, args, child in successors(system, here, table):
                observed = child.observe()
                ckey = _key(observed)
                if ckey not in graph:
                    graph.add_node(ckey, level=level, observed=observed)
                    nxt.append((child, ckey))
                graph.add_edge(key, ckey, action=action, args=args)
        frontier = nxt
    return graph


def max_value(system: System, world: World, depth: int, table: dict[str, list[Any]]) -> int:
    """The adversary's largest gain over every state reachable within `depth` (brute force)."""
    graph = reachable(system, world, depth, table)
    return max(
        system.protocol.adversary_value(system.concrete_view(data["observed"]), CONCRETE) for _, data in graph.nodes(data=True)
    )
