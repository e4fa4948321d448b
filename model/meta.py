"""What a counterexample file says about its configuration (`#meta`), written and read back.

A file restates everything needed to rebuild the configuration it was found in: the family and its
parameters, the trust model and its parameters, the family's options (in the scenario's own table
form, which the family reads and writes), and the bounds. Replay and re-checking start here.
"""

from __future__ import annotations

from typing import Any

import attrs

from model.configuration import Bounds, Configuration
from model.errors import BadInput

BOUND_KEYS = ("depth", "messages", "supply", "loss_depth")


def describe(cfg: Configuration) -> dict[str, Any]:
    """The configuration as `#meta` fields."""
    out: dict[str, Any] = {"protocol": cfg.protocol.id}
    params = cfg.protocol.describe()
    if params:
        out["protocol_params"] = params
    out["trust"] = cfg.trust.id if cfg.trust is not None else None
    out["params"] = cfg.trust.describe() if cfg.trust is not None else {}
    out["bounds"] = attrs.asdict(cfg.bounds)
    out["options"] = cfg.protocol.options_table(cfg.options)
    return out


def configuration(meta: dict[str, Any], where: str) -> Configuration:
    """The configuration a file's `#meta` describes; every problem names its `#meta` field."""
    from model.protocols import PROTOCOLS
    from model.reference.world import check
    from model.trust import TRUST_MODELS

    if not isinstance(meta.get("protocol"), str):
        raise BadInput(where, "#meta.protocol", "must be a protocol id")
    raw_params = meta.get("protocol_params", {})
    if not isinstance(raw_params, dict):
        raise BadInput(where, "#meta.protocol_params", "must be an object")
    family = PROTOCOLS.build(meta["protocol"], raw_params, where, "#meta.protocol")
    trust = None
    if meta.get("trust") is not None:
        if not isinstance(meta["trust"], str):
            raise BadInput(where, "#meta.trust", "must be a trust model id")
        if not isinstance(meta.get("params"), dict):
            raise BadInput(where, "#meta.params", "must be an object of trust parameters")
        trust = TRUST_MODELS.build(meta["trust"], meta["params"], where, "#meta.params")
    bounds_raw = meta.get("bounds")
    if not isinstance(bounds_raw, dict):
        raise BadInput(where, "#meta.bounds", "must be an object")
    bounds: dict[str, int] = {}
    for key in BOUND_KEYS:
        if key in bounds_raw:
            value = bounds_raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < (0 if key in ("depth", "loss_depth") else 1):
                raise BadInput(where, f"#meta.bounds.{key}", f"expected a positive integer, got {value!r}")
            bounds[key] = value
    options_raw = meta.get("options", {})
    if not isinstance(options_raw, dict):
        raise BadInput(where, "#meta.options", "must be an object")
    options, _adjust = family.parse_options(options_raw, where, "#meta.options.")
    cfg = Configuration(family, trust, Bounds(**bounds), options)
    try:
        check(cfg)
    except ValueError as e:
        raise BadInput(where, "#meta", str(e)) from None
    return cfg
