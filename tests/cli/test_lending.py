"""The lending family end to end: synth finds the safe liquidation threshold of the closed form.

SEMANTICS.md, "Family `lending`", Closed form: with the band D = V * H // 3600 (bps the market may move
from the last oracle report before the next) and n compounded falls between the last healthy report
and the liquidation's completion (n = 1 hub-locally; 1 + ceil(L / H) when the seize travels L
seconds), no bad debt arises iff (10000 - D)^n * 10000 >= LT * (10000 + b) * 10000^(n-1). The largest
safe threshold is derived here on paper, from the parameters alone (not from the model's code), and
`synth --breaking lt_bps` must return exactly one more, confirmed on both sides: violated there,
proved one step below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgeproof.model.cli import main

BPS = 10_000
START_BELOW = 15


def lt_max(volatility: int, heartbeat: int, bonus: int, liquidation: str, latency: int) -> int:
    """The closed form, written out: the largest liquidation threshold with no bad debt."""
    band = volatility * heartbeat // 3600
    falls = 1 if liquidation == "hub_local" else 1 + (latency + heartbeat - 1) // heartbeat
    return (BPS - band) ** falls * BPS // ((BPS + bonus) * BPS ** (falls - 1))


# (name, parameters, LT_max on paper as a number, BMC depth)
# The depth covers the shortest attack at LT_max + 1 with the LTV below LT_max: 11 steps hub-locally
# (borrow at the report P0, the market to the lowest healthy p_o, its report, one band down, the
# report, liquidate), 14 with a seize in flight (one band more, then the delivery).
# The numbers in the third column are the closed form worked by hand; the test also recomputes them.
# The search starts at the LTV (lt_bps < ltv_bps is refused), which the test puts START_BELOW under the
# hand-worked LT_max: synth gallops up 1, 2, 4, 8, 16 from there and bisects, so the answer does not
# depend on the start, only the cost does (from 15 below, the only violated probe is the answer's).
# A borrow up to that LTV against a stale report still reaches the boundary position.
POINTS = [
    # Aave v3 WETH bonus 5 %, Chainlink ETH/USD heartbeat 1 h, 10 %/h stress (estimate): 9000 * 10^4 // 10500.
    pytest.param("hub-default", {"liquidation": "hub_local"}, 8571, 12, id="hub-local-D1000-b500"),
    # The same with a 900 s seize: n = 2, 9000^2 * 10^4 // (10500 * 10^4).
    pytest.param("cross-default", {"liquidation": "cross_chain", "latency": 900}, 7714, 14, id="cross-chain-L900"),
    # A 20 %/h crash: D = 2000, 8000 * 10^4 // 10500.
    pytest.param(
        "hub-crash",
        {"liquidation": "hub_local", "volatility": 2000},
        7619,
        12,
        id="hub-local-D2000",
        marks=pytest.mark.slow,
    ),
    # E-mode-like bonus 1 % at 5 %/h: D = 500, 9500 * 10^4 // 10100.
    pytest.param(
        "hub-calm",
        {"liquidation": "hub_local", "volatility": 500, "bonus_bps": 100},
        9405,
        12,
        id="hub-local-D500-b100",
        marks=pytest.mark.slow,
    ),
    # A half-hour heartbeat halves the band (D = 1000 * 1800 // 3600 = 500); bonus 7.5 %: 9500 * 10^4 // 10750.
    pytest.param(
        "hub-half-hour",
        {"liquidation": "hub_local", "heartbeat": 1800, "bonus_bps": 750},
        8837,
        12,
        id="hub-local-H1800-b750",
        marks=pytest.mark.slow,
    ),
    # A seize that takes a whole heartbeat (L = H = 3600, n = 2), bonus 10 %: 9000^2 * 10^4 // (11000 * 10^4).
    pytest.param(
        "cross-hour",
        {"liquidation": "cross_chain", "latency": 3600, "bonus_bps": 1000},
        7363,
        15,
        id="cross-chain-L3600-b1000",
        marks=pytest.mark.slow,
    ),
    # An instant seize (L = 0) is hub-local again: n = 1 + ceil(0 / 3600) = 1.
    pytest.param(
        "cross-instant",
        {"liquidation": "cross_chain", "latency": 0},
        8571,
        12,
        id="cross-chain-L0",
        marks=pytest.mark.slow,
    ),
]


@pytest.mark.parametrize(("name", "params", "on_paper", "depth"), POINTS)
def test_synth_finds_the_closed_form_threshold(
    name: str,
    params: dict[str, object],
    on_paper: int,
    depth: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """synth's smallest breaking lt_bps is LT_max + 1; it is violated there and proved at LT_max."""
    full = {"volatility": 1000, "heartbeat": 3600, "bonus_bps": 500, "latency": 900} | params
    expected = lt_max(full["volatility"], full["heartbeat"], full["bonus_bps"], full["liquidation"], full["latency"])  # type: ignore[arg-type]
    assert expected == on_paper, f"{name}: the hand-worked LT_max {on_paper} disagrees with the formula ({expected})"
    ltv = on_paper - START_BELOW
    monkeypatch.chdir(tmp_path)
    args = ["synth", "--protocol", "lending", "--param", f"ltv_bps={ltv}"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    code = main(
        [*args, "--breaking", "lt_bps", "--low", str(ltv), "--property", "no_bad_debt", "--depth", str(depth), "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert out["value"] == on_paper + 1, out["probes"]
    assert out["confirmed"] is True
    assert (out["at"]["verdict"], out["beyond"]["verdict"]) == ("violated", "proved")
    assert out["at"]["scenario"].endswith(f"lt_bps{on_paper + 1}")
    assert out["beyond"]["scenario"].endswith(f"lt_bps{on_paper}")


def test_the_closed_form_is_what_the_family_reports() -> None:
    """`Lending.max_safe_lt()` (what the scenarios cite) is the hand-derived closed form at every point."""
    from bridgeproof.model.protocols.lending import Lending

    for point in POINTS:
        _, params, on_paper, _ = point.values
        assert Lending(ltv_bps=0, **params).max_safe_lt() == on_paper, point.id  # type: ignore[arg-type]


def synth(args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    monkeypatch.chdir(tmp_path)
    code = main(["synth", "--protocol", "lending", *args, "--property", "no_bad_debt", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    return out  # type: ignore[no-any-return]


def params(values: dict[str, object]) -> list[str]:
    return [arg for key, value in values.items() for arg in ("--param", f"{key}={value}")]


def safe(falls: int, band: int, bonus: int, lt: int) -> bool:
    """The closed form's inequality: n falls of the band, then the bonus, still cover the debt at LT."""
    return (BPS - band) ** falls * BPS >= lt * (BPS + bonus) * BPS ** (falls - 1)


def lag_breaking(volatility: int, heartbeat: int, bonus: int, lt: int) -> int:
    """The smallest latency with bad debt: n = 1 + ceil(L / H) grows by one just past each multiple of
    H, so the answer is m * H + 1 for the largest m whose n = 1 + m falls the margin still covers."""
    band = volatility * heartbeat // 3600
    m = 0
    while safe(m + 2, band, bonus, lt):
        m += 1
    return m * heartbeat + 1


# (parameters, the smallest breaking latency on paper, BMC depth, where the search starts)
# The depth covers the attack with n falls: 14 steps for n = 2, 16 for n = 3.
LAGS = [
    # LT 78 %, Aave's bonus, 10 %/h: n = 1 is safe (8571 >= 7800), n = 2 is not (7714): any lag breaks it.
    pytest.param({"lt_bps": 7800, "ltv_bps": 7800}, 1, 14, 0, id="LT7800-any-lag"),
    # LT 70 %: n = 2 safe (7714), n = 3 not (9000^3 * 10^4 // (10500 * 10^8) = 6942): one heartbeat of lag.
    pytest.param({"lt_bps": 7000, "ltv_bps": 7000}, 3601, 18, 3590, id="LT7000-one-heartbeat", marks=pytest.mark.slow),
    # A half-hour heartbeat at 20 %/h (D = 2000 * 1800 // 3600 = 1000), LT 70 %: as above, one heartbeat, 1801.
    pytest.param(
        {"lt_bps": 7000, "ltv_bps": 7000, "heartbeat": 1800, "volatility": 2000}, 1801, 18, 1790, id="H1800-one-heartbeat", marks=pytest.mark.slow
    ),
]


@pytest.mark.parametrize(("values", "on_paper", "depth", "low"), LAGS)
def test_synth_finds_the_longest_tolerable_lag(
    values: dict[str, int], on_paper: int, depth: int, low: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The largest safe seize latency for a margin is one less than synth's smallest breaking latency,
    which is the closed form's m * H + 1, violated there and proved one second less."""
    full = {"volatility": 1000, "heartbeat": 3600, "bonus_bps": 500} | values
    assert lag_breaking(full["volatility"], full["heartbeat"], full["bonus_bps"], full["lt_bps"]) == on_paper
    out = synth(
        [*params({"liquidation": "cross_chain", **values}), "--breaking", "latency", "--low", str(low), "--depth", str(depth)],
        monkeypatch,
        tmp_path,
        capsys,
    )
    assert out["value"] == on_paper, out["probes"]
    assert out["confirmed"] is True
    assert (out["at"]["verdict"], out["beyond"]["verdict"]) == ("violated", "proved")


def heartbeat_breaking(volatility: int, bonus: int, lt: int) -> int:
    """The smallest heartbeat (oracle staleness) with bad debt hub-locally: the band D = V * H // 3600
    may reach D_max = 10000 - ceil(LT * (10000 + b) / 10000) and no further, so the longest safe
    heartbeat is the largest H with V * H // 3600 <= D_max, and the answer is one more."""
    d_max = BPS - -(-lt * (BPS + bonus) // BPS)
    return ((d_max + 1) * 3600 - 1) // volatility + 1


# (parameters, the smallest breaking heartbeat on paper, where the search starts)
HEARTBEATS = [
    # Aave v3 WETH (LT 83 %, bonus 5 %), 10 %/h: D_max = 10000 - 8715 = 1285, H_max = 4629 s.
    pytest.param({"volatility": 1000, "bonus_bps": 500, "lt_bps": 8300}, 4630, 4600, id="aave-weth-V1000"),
    # E-mode-like (LT 93 %, bonus 1 %), 5 %/h: D_max = 10000 - 9393 = 607, H_max = 4377 s.
    pytest.param({"volatility": 500, "bonus_bps": 100, "lt_bps": 9300}, 4378, 4350, id="emode-V500"),
    # LT 70 %, bonus 5 %, 20 %/h: D_max = 10000 - 7350 = 2650, H_max = 4771 s.
    pytest.param({"volatility": 2000, "bonus_bps": 500, "lt_bps": 7000}, 4772, 4750, id="LT7000-V2000", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("values", "on_paper", "low"), HEARTBEATS)
def test_synth_finds_the_longest_safe_staleness(
    values: dict[str, int], on_paper: int, low: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The staleness bound a feed must keep (its heartbeat) for a hub-local margin: synth's smallest
    breaking heartbeat is the closed form's, violated there and proved one second less."""
    assert heartbeat_breaking(values["volatility"], values["bonus_bps"], values["lt_bps"]) == on_paper
    full = {"liquidation": "hub_local", "ltv_bps": values["lt_bps"], **values}
    out = synth([*params(full), "--breaking", "heartbeat", "--low", str(low), "--depth", "12"], monkeypatch, tmp_path, capsys)
    assert out["value"] == on_paper, out["probes"]
    assert out["confirmed"] is True
    assert (out["at"]["verdict"], out["beyond"]["verdict"]) == ("violated", "proved")
