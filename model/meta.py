"""What a counterexample file says about its configuration (`#meta`), written and read back.

A file restates everything needed to rebuild the configuration it was found in: the family and its
parameters, the trust model and its parameters, the family's options (in the scenario's own table
form, which the family reads and writes), and the bounds. Replay and re-checking start here.
"""

from __future__ import annotations

from typing import Any

import attrs

from bridgeproof.model import semantics
from bridgeproof.model.configuration import Bounds, Configuration
from bridgeproof.model.errors import BadInput, integer

BOUND_KEYS = ("depth", "messages", "supply", "loss_depth")


def describe(cfg: Configuration) -> dict[str, Any]:
    """The configuration as `#meta` fields."""
    out: dict[str, Any] = {"protocol": cfg.protocol.id, "semantics": semantics.VERSION}
    params = cfg.protocol.describe()
    if params:
        out["protocol_params"] = params
    out["trust"] = cfg.trust.id if cfg.trust is not None else None
    out["params"] = cfg.trust.describe() if cfg.trust is not None else {}
    out["bounds"] = attrs.asdict(cfg.bounds)
    out["options"] = cfg.protocol.options_table(cfg.options)
    return out


def configuration(meta: dict[str, Any], where: str) -> Configuration:
    """The configuration a file's `#meta` describes; every problem names its `#meta` field.

    A file is input like a scenario: the same limits (`model.scenarios.LIMITS`) and the same checks
    apply, so a hand-edited file cannot ask the replay for a million message ids or drop a fault it
    does not know without a word. Its parameters mean what they meant when it was written
    (`#meta.semantics`, model/semantics.py).
    """
    version = meta.get("semantics", 1)
    version = integer(version, where, "#meta.semantics", 1, semantics.VERSION)
    with semantics.reading(version):
        return _configuration(meta, where)


def _configuration(meta: dict[str, Any], where: str) -> Configuration:
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.scenarios import LIMITS, LOWS, check_limits, fit, relabel
    from bridgeproof.model.trust import TRUST_MODELS

    if not isinstance(meta.get("protocol"), str):
        raise BadInput(where, "#meta.protocol", "must be a protocol id")
    raw_params = meta.get("protocol_params", {})
    if not isinstance(raw_params, dict):
        raise BadInput(where, "#meta.protocol_params", "must be an object")
    PROTOCOLS.get(meta["protocol"], where, "#meta.protocol")
    family = PROTOCOLS.build(meta["protocol"], raw_params, where, "#meta.protocol_params", text=False)
    trust_id = meta.get("trust")
    if family.trust == "none" and trust_id is not None:
        raise BadInput(where, "#meta.trust", f"{family.id} has no claims for a trust model to judge: must be null")
    if family.trust != "none" and trust_id is None:
        raise BadInput(where, "#meta.trust", f"missing: {family.id} needs a trust model")
    bounds_raw = meta.get("bounds")
    if not isinstance(bounds_raw, dict):
        raise BadInput(where, "#meta.bounds", "must be an object")
    for key in bounds_raw:
        if key not in BOUND_KEYS:
            raise BadInput(where, f"#meta.bounds.{key}", f"unknown bound (known: {', '.join(BOUND_KEYS)})")
    bounds = {k: integer(v, where, f"#meta.bounds.{k}", LOWS[k], LIMITS[k]) for k, v in bounds_raw.items()}
    options_raw = meta.get("options", {})
    if not isinstance(options_raw, dict):
        raise BadInput(where, "#meta.options", "must be an object")
    check_limits(options_raw, where, "#meta.options.")
    options, adjust = family.parse_options(options_raw, where, "#meta.options.")
    trust = None
    if trust_id is not None:
        if not isinstance(trust_id, str):
            raise BadInput(where, "#meta.trust", "must be a trust model id")
        TRUST_MODELS.get(trust_id, where, "#meta.trust")
        params = meta.get("params")
        if not isinstance(params, dict):
            raise BadInput(where, "#meta.params", "must be an object of trust parameters")
        try:
            trust = TRUST_MODELS.build(trust_id, adjust(dict(params)), where, "#meta.params", text=False)
        except BadInput as e:
            raise relabel(e, params, options_raw, "#meta.params", "#meta.options.") from None
    cfg = Configuration(family, trust, Bounds(**bounds), options)
    params_fields = ("#meta.protocol_params", "#meta.params")
    fit(cfg, where, "#meta.protocol", "#meta.trust", "#meta.options.", options_raw, params_fields)
    return cfg
