"""The bad-input corpus: every entry is a command line that must end with exit code 2 and one line on stderr.

The line is `bridgeproof: <where>: <field>: <why>`; an entry names the `where` (a file, or "command line")
and the `field` it expects. Paths are relative to a copy of `data/`, the working directory of every run.
Scenario files are `data/scenarios/<name>.toml` (run by `verify`), counterexample files
`data/itf/<name>.itf.json` (run by `show`, some by `replay` too). Entries marked slow are close
cousins of a default one (another wrong type, another bound); they run with `-m slow`.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    argv: tuple[str, ...]
    where: str
    field: str
    slow: bool = False

    @property
    def command(self) -> str:
        return self.argv[0] if self.argv else "(none)"

    @property
    def id(self) -> str:
        return " ".join(self.argv)[:160]


CL = "command line"

# --- scenario files: `verify FILE` (file name -> the field the line must name) ---------------------
SCENARIOS: dict[str, str] = {
    "timeout-inf": "timeout",
    "timeout-nan": "timeout",
    "timeout-negative": "timeout",
    "timeout-zero": "timeout",
    "timeout-string": "timeout",
    "timeout-bool": "timeout",
    "timeout-huge": "timeout",
    "seed-string": "seed",
    "seed-negative": "seed",
    "seed-float": "seed",
    "seed-huge": "seed",
    "description-table": "description",
    "source-number": "source",
    "unknown-top-key": "colour",
    "name-300": "name",
    "name-nul": "name",
    "name-slash": "name",
    "name-dotdot": "name",
    "name-dot": "name",
    "name-empty": "name",
    "name-newline": "name",
    "name-integer": "name",
    "name-backslash": "name",
    "variant-name-dotdot": "variants",
    "variant-name-slash": "variants",
    "variant-name-300": "variants",
    "variant-name-nul": "variants",
    "messages-huge": "bounds.messages",
    "messages-65": "bounds.messages",
    "depth-huge": "bounds.depth",
    "depth-1001": "bounds.depth",
    "supply-huge": "bounds.supply",
    "supply-2-128": "bounds.supply",
    "loss-depth-huge": "bounds.loss_depth",
    "depth-negative": "bounds.depth",
    "messages-zero": "bounds.messages",
    "supply-zero": "bounds.supply",
    "depth-float": "bounds.depth",
    "depth-string": "bounds.depth",
    "depth-bool": "bounds.depth",
    "messages-inf": "bounds.messages",
    "bounds-not-table": "bounds",
    "bounds-unknown-key": "bounds.width",
    "htlc-messages": "bounds.messages",
    "htlc-supply": "bounds.supply",
    "liquidity-loss-depth": "bounds.loss_depth",
    "decimals-1000": "amounts.home_decimals",
    "decimals-78": "amounts.remote_decimals",
    "wire-decimals-1000": "amounts.wire_decimals",
    "decimals-negative": "amounts.home_decimals",
    "decimals-string": "amounts.home_decimals",
    "amounts-vm-unknown": "amounts.remote_vm",
    "amounts-policy-unknown": "amounts.policy",
    "amounts-unknown-key": "amounts.scale",
    "amounts-not-table": "amounts",
    "defences-unknown-key": "defences.moat",
    "defences-not-table": "defences",
    "rate-limit-capacity-zero": "defences.rate_limit.capacity",
    "rate-limit-mode": "defences.rate_limit.mode",
    "rate-limit-unknown-key": "defences.rate_limit.burst",
    "rate-limit-not-table": "defences.rate_limit",
    "pause-no-reaction": "defences.pause.reaction",
    "pause-unknown-key": "defences.pause.who",
    "per-tx-limit-zero": "defences.per_tx_limit",
    "finality-string": "defences.finality",
    "second-verifier-not-table": "defences.second_verifier",
    "second-verifier-unknown-model": "defences.second_verifier",
    "adversary-unknown-key": "adversary.bribes",
    "adversary-forks-string": "adversary.forks",
    "adversary-reorg-negative": "adversary.reorg",
    "adversary-funds-float": "adversary.funds",
    "faults-unknown": "faults",
    "faults-not-list": "faults",
    "faults-mixed-types": "faults",
    "burn-mint-unbound-chain-id": "faults",
    "burn-mint-forks": "adversary.forks",
    "htlc-trust": "trust",
    "htlc-faults-table": "faults",
    "htlc-defences": "defences",
    "liquidity-amounts": "amounts",
    "liquidity-light-client": "trust",
    "lock-mint-no-trust": "trust",
    "empty-file": "protocol",
    "protocol-unknown": "protocol",
    "protocol-integer": "protocol",
    "protocol-table-no-model": "protocol.model",
    "protocol-table-unknown-model": "protocol.model",
    "protocol-unknown-param": "protocol.colour",
    "htlc-contract-unknown": "protocol.contract",
    "htlc-margin-negative": "protocol.margin",
    "htlc-tb-string": "protocol.t_b",
    "htlc-fault-unknown": "protocol.faults",
    "htlc-adversary-unknown": "protocol.adversary",
    "liquidity-bundles-zero": "protocol.bundles",
    "liquidity-bundles-huge": "protocol.bundles",
    "liquidity-relayer-string": "protocol.adversary_relayer",
    "trust-not-table": "trust",
    "trust-no-model": "trust.model",
    "trust-unknown-model": "trust.model",
    "trust-unknown-param": "trust.colour",
    "trust-k-string": "trust.k",
    "trust-k-float": "trust.k",
    "trust-k-above-n": "trust.k",
    "trust-missing-param": "trust.k",
    "trust-fault-unknown": "trust.faults",
    "trust-faults-not-list": "trust.faults",
    "trust-zk-bug-string": "trust.soundness_bug",
    "aggregate-verifiers-not-list": "trust.verifiers",
    "aggregate-verifier-no-model": "trust.verifiers[0]",
    "aggregate-m-too-big": "trust.m",
    "optimistic-window-zero": "trust.window",
    "expect-missing": "expect",
    "expect-empty": "expect",
    "expect-not-table": "expect",
    "expect-unknown-property": "expect.no_such_property",
    "expect-other-family": "expect.supply_conservation",
    "expect-bad-verdict": "expect.supply_conservation",
    "expect-witness-verdict-for-safety": "expect.supply_conservation",
    "expect-safety-verdict-for-witness": "expect.can_complete_transfer",
    "expect-verdict-integer": "expect.supply_conservation",
    "expect-max-loss-negative": "expect.max_loss",
    "expect-max-loss-string": "expect.max_loss",
    "expect-max-loss-htlc": "expect.max_loss",
    "variants-not-table": "variants",
    "variant-not-table": "variants.v",
    "variant-no-expect": "variants.v.expect",
    "variant-unknown-key": "variants.v.colour",
    "variant-name-key": "variants.v.name",
    "variant-protocol-model": "variants.v.protocol.model",
    "variant-protocol-unknown-param": "variants.v.protocol.colour",
    "variant-trust-bad-value": "variants.v.trust.k",
    "variant-trust-not-table": "variants.v.trust",
    "variant-bounds-huge": "variants.v.bounds.messages",
    "variant-bounds-unknown": "variants.v.bounds.width",
    "variant-expect-unknown-property": "variants.v.expect.nope",
    "variant-expect-bad-verdict": "variants.v.expect.supply_conservation",
    "variant-expect-not-table": "variants.v.expect",
    "variant-burn-mint-fault": "variants.v.faults",
    "variant-htlc-trust": "variants.v.trust",
    "variant-defences-unknown": "variants.v.defences.moat",
    "not-utf8": "file",
    "invalid-toml": "file",
    "duplicate-key": "file",
}

SLOW_SCENARIOS = {
    "timeout-negative", "timeout-zero", "timeout-bool", "timeout-huge", "seed-negative", "seed-float", "source-number",
    "name-dot", "name-integer", "name-backslash", "variant-name-300", "messages-65", "depth-1001", "supply-2-128",
    "depth-negative", "messages-zero", "supply-zero", "depth-float", "depth-bool", "messages-inf", "bounds-not-table",
    "decimals-78", "decimals-negative", "decimals-string", "amounts-policy-unknown", "amounts-not-table",
    "defences-not-table", "rate-limit-mode", "rate-limit-unknown-key", "rate-limit-not-table", "pause-unknown-key",
    "finality-string", "second-verifier-not-table", "adversary-reorg-negative", "adversary-funds-float",
    "faults-not-list", "faults-mixed-types", "htlc-defences", "liquidity-amounts", "protocol-integer",
    "protocol-table-no-model", "htlc-margin-negative", "htlc-adversary-unknown", "liquidity-relayer-string",
    "liquidity-bundles-zero", "trust-not-table", "trust-k-float", "trust-missing-param", "trust-faults-not-list",
    "trust-zk-bug-string", "aggregate-verifier-no-model", "aggregate-m-too-big", "optimistic-window-zero",
    "expect-empty", "expect-not-table", "expect-safety-verdict-for-witness", "expect-verdict-integer",
    "expect-max-loss-string", "variant-not-table", "variant-name-key", "variant-trust-not-table",
    "variant-expect-not-table", "variant-defences-unknown", "variant-bounds-unknown", "duplicate-key",
    "htlc-supply", "amounts-unknown-key", "trust-no-model", "expect-max-loss-negative", "variant-expect-bad-verdict",
}

# --- counterexample files: `show FILE` (and `replay FILE` where marked) ----------------------------
ITF: dict[str, str] = {
    "not-json": "file",
    "truncated": "file",
    "empty": "file",
    "not-utf8": "file",
    "top-level-list": "file",
    "top-level-string": "file",
    "vars-missing": "vars",
    "vars-not-list": "vars",
    "vars-numbers": "vars",
    "vars-missing-one": "vars",
    "states-missing": "states",
    "states-not-list": "states",
    "states-empty": "states",
    "state-not-object": "states[0]",
    "state-missing-var": "states[1].escrow",
    "states-one-short": "states",
    "meta-missing": "#meta",
    "meta-not-object": "#meta",
    "meta-protocol-missing": "#meta.protocol",
    "meta-protocol-unknown": "#meta.protocol",
    "meta-protocol-number": "#meta.protocol",
    "meta-protocol-params-string": "#meta.protocol_params",
    "meta-protocol-params-unknown": "#meta.protocol_params.colour",
    "meta-protocol-params-bad-value": "#meta.protocol_params.margin",
    "meta-protocol-params-unknown-fault": "#meta.protocol_params.faults",
    "meta-trust-unknown": "#meta.trust",
    "meta-trust-number": "#meta.trust",
    "meta-trust-missing-value": "#meta.trust",
    "meta-trust-for-htlc": "#meta.trust",
    "meta-params-string": "#meta.params",
    "meta-params-string-value": "#meta.params.compromised",
    "meta-params-unknown": "#meta.params.colour",
    "meta-params-out-of-range": "#meta.params.compromised",
    "meta-params-unknown-fault": "#meta.params.faults",
    "meta-options-unknown-fault": "#meta.options.faults",
    "meta-options-not-object": "#meta.options",
    "meta-options-unknown-table": "#meta.options.moat",
    "meta-options-bad-decimals": "#meta.options.amounts.home_decimals",
    "meta-options-faults-number": "#meta.options.faults",
    "meta-bounds-missing": "#meta.bounds",
    "meta-bounds-not-object": "#meta.bounds",
    "meta-bounds-messages-string": "#meta.bounds.messages",
    "meta-bounds-messages-huge": "#meta.bounds.messages",
    "meta-bounds-depth-huge": "#meta.bounds.depth",
    "meta-bounds-supply-huge": "#meta.bounds.supply",
    "meta-bounds-unknown": "#meta.bounds.width",
    "meta-bounds-float": "#meta.bounds.depth",
    "meta-property-missing": "#meta.property",
    "meta-property-unknown": "#meta.property",
    "meta-property-other-family": "#meta.property",
    "meta-property-number": "#meta.property",
    "meta-expect-unknown": "#meta.expect",
    "meta-expect-list": "#meta.expect",
    "meta-vocabulary-unknown": "#meta.vocabulary",
    "meta-vocabulary-zero": "#meta.vocabulary",
    "meta-vocabulary-string": "#meta.vocabulary",
    "meta-steps-missing": "#meta.steps",
    "meta-steps-not-list": "#meta.steps",
    "meta-step-not-object": "#meta.steps[0]",
    "meta-step-args-not-object": "#meta.steps[0]",
    "meta-step-unknown-action": "#meta.steps[0].action",
    "meta-step-unknown-arg": "#meta.steps[0].args.colour",
    "meta-step-arg-string": "#meta.steps[0].args.amount",
    "meta-step-arg-unknown-user": "#meta.steps[0].args.user",
    "meta-step-arg-bool": "#meta.steps[0].args.amount",
    "meta-step-action-number": "#meta.steps[0]",
    "meta-refused-at-string": "#meta.refused_at",
    "meta-max-loss-bound-string": "#meta.max_loss_bound",
    "fixed-step-bad-args": "#meta.steps[0].args.amount",
    "loop-string": "loop",
    "loop-out-of-range": "loop",
    "loop-negative": "loop",
    "loop-bool": "loop",
    "loop-float": "loop",
    "bigint-letters": "states[0].escrow",
    "bigint-number": "states[0].escrow",
    "bigint-empty": "states[0].escrow",
    "bigint-huge": "states[0].escrow",
    "plain-number": "states[0].escrow",
    "float-number": "states[0].escrow",
    "null-value": "states[0].escrow",
    "set-number": "states[0].escrow",
    "tup-string": "states[0].escrow",
    "map-not-pairs": "states[0].balance_home",
    "map-number": "states[0].balance_home",
    "map-record-key": "states[0].balance_home",
    "string-for-integer": "states[0].escrow",
    "bool-for-integer": "states[0].escrow",
    "record-for-integer": "states[0].escrow",
    "map-for-record": "states[0].secret.revealed",
    "integer-for-map": "states[0].balance_home",
    "unknown-key-in-map": "states[0].balance_home",
    "string-in-map": "states[0].balance_home",
    "folder": "file",
}
SLOW_ITF = {
    "top-level-string", "vars-not-list", "vars-numbers", "states-not-list", "states-empty", "meta-not-object",
    "meta-protocol-missing", "meta-protocol-number", "meta-protocol-params-string", "meta-protocol-params-bad-value",
    "meta-trust-number", "meta-params-string", "meta-params-unknown", "meta-params-out-of-range",
    "meta-options-not-object", "meta-options-unknown-table", "meta-options-faults-number", "meta-bounds-missing",
    "meta-bounds-not-object", "meta-bounds-messages-string", "meta-bounds-float", "meta-property-missing",
    "meta-property-number", "meta-expect-list", "meta-vocabulary-zero", "meta-vocabulary-string", "meta-steps-missing",
    "meta-step-args-not-object", "meta-step-arg-bool", "meta-step-action-number", "loop-negative", "loop-bool",
    "loop-float", "bigint-number", "bigint-empty", "plain-number", "float-number", "null-value", "map-number",
    "bool-for-integer", "record-for-integer", "empty", "vars-missing-one", "meta-bounds-depth-huge",
}
REPLAYED = (
    "truncated", "meta-trust-unknown", "meta-options-unknown-fault", "meta-bounds-messages-huge",
    "meta-property-unknown", "meta-max-loss-bound-string", "meta-refused-at-string", "set-number",
    "string-for-integer", "map-for-record", "folder",
)
SLOW_REPLAYED = (
    "meta-params-unknown-fault", "meta-protocol-params-unknown-fault", "fixed-step-bad-args", "loop-out-of-range",
    "unknown-key-in-map",
)

# --- command lines: (argv, where, field) -----------------------------------------------------------
LOCK = ("--protocol", "lock_mint", "--trust", "multisig", "--param", "k=5", "--param", "n=9")
HTLC = ("--protocol", "htlc", "--param", "delta=10800")
CHECK = ("check", *LOCK, "--property", "supply_conservation")
SYNTH = ("synth", "--protocol", "lock_mint", "--trust", "multisig", "--param", "n=9", "--param", "f=4")
SYNTH_K = (*SYNTH, "--minimal", "k")
INBOX_FILE = "corpus/_inbox/lock_mint/custodian/supply_conservation/broken.itf.json"
Command = tuple[tuple[str, ...], str, str]

COMMANDS: list[Command] = [
    # check
    (("check", "--protocol", "teleporter", "--property", "atomicity"), CL, "--protocol"),
    (("check", "--protocol", "lock_mint", "--trust", "notary", "--property", "supply_conservation"), CL, "--trust"),
    (("check", *LOCK, "--property", "no_such_property"), CL, "--property"),
    (("check", *LOCK, "--property", "atomicity"), CL, "--property"),
    (("check", *HTLC, "--property", "supply_conservation"), CL, "--property"),
    ((*CHECK, "--param", "colour=red"), CL, "--param.colour"),
    (("check", *HTLC, "--param", "k=5", "--property", "atomicity"), CL, "--param.k"),
    ((*CHECK, "--depth", "-1"), CL, "--depth"),
    ((*CHECK, "--depth", "1000000000"), CL, "--depth"),
    ((*CHECK, "--messages", "5000000"), CL, "--messages"),
    ((*CHECK, "--supply", str(10**40)), CL, "--supply"),
    ((*CHECK, "--depth", "twelve"), CL, "--depth"),
    ((*CHECK, "--timeout", "inf"), CL, "--timeout"),
    ((*CHECK, "--timeout", "nan"), CL, "--timeout"),
    ((*CHECK, "--seed", str(2**40)), CL, "--seed"),
    (("check", "--protocol", "lock_mint", "--trust", "multisig", "--param", "k=five", "--param", "n=9",
      "--property", "supply_conservation"), CL, "--param.k"),
    ((*CHECK, "--param", "faults=teleport"), CL, "--param.faults"),
    ((*CHECK, "--param", "k"), CL, "--param"),
    (("check", *HTLC, "--trust", "multisig", "--property", "atomicity"), CL, "--trust"),
    (("check", "--protocol", "lock_mint", "--property", "supply_conservation"), CL, "--trust"),
    (("check", "--protocol", "liquidity", "--trust", "light_client", "--param", "confirmations=3",
      "--property", "lp_solvency"), CL, "--trust"),
    (("check", "--protocol", "htlc", "--param", "contract=paper", "--property", "atomicity"), CL, "--param.contract"),
    (("check", "--protocol", "liquidity", "--trust", "optimistic", "--param", "window=7200",
      "--param", "bundles=1000000", "--property", "lp_solvency"), CL, "--param.bundles"),
    (("check", "--property", "supply_conservation"), CL, "--protocol"),
    ((*CHECK, "--corpus", "not-a-folder"), CL, "--corpus"),
    # synth
    (("synth", "--protocol", "lock_mint", "--trust", "multisgi", "--param", "n=9", "--minimal", "k"), CL, "--trust"),
    ((*SYNTH, "--minimal", "kk"), CL, "--minimal"),
    (("synth", "--protocol", "lock_mint", "--trust", "multisig", "--param", "nn=9", "--minimal", "k"), CL,
     "--param.nn"),
    ((*SYNTH, "--param", "k=5", "--minimal", "k"), CL, "--param.k"),
    ((*SYNTH_K, "--property", "atomicity"), CL, "--property"),
    (("synth", "--protocol", "lock_mint", "--param", "n=9", "--minimal", "k"), CL, "--trust"),
    (("synth", "--protocol", "htlc", "--minimal", "contract", "--property", "atomicity"), CL, "--minimal"),
    ((*SYNTH, "--minimal", "faults"), CL, "--minimal"),
    ((*SYNTH_K, "--messages", "5000000"), CL, "--messages"),
    ((*SYNTH_K, "--supply", str(2**130)), CL, "--supply"),
    ((*SYNTH_K, "--low", str(2**41)), CL, "--low"),
    ((*SYNTH_K, "--param", "f=x"), CL, "--param.f"),
    (SYNTH, CL, "--minimal/--breaking"),
    # verify
    (("verify", "nowhere.toml"), "nowhere.toml", "path"),
    (("verify", "empty"), "empty", "path"),
    (("verify", "dup"), "dup/two.toml", "name"),
    (("verify", "folder-with-bad"), "folder-with-bad/b-bad.toml", "trust.k"),
    (("verify", "scenarios/timeout-inf.toml", "-j", "-1"), CL, "--jobs"),
    (("verify", "dup/one.toml", "--corpus", "not-a-folder"), CL, "--corpus"),
    # show, replay, curate, list, no command
    (("show", "nowhere.itf.json"), "nowhere.itf.json", "file"),
    (("show",), CL, "file"),
    (("replay", "nowhere.itf.json"), "nowhere.itf.json", "file"),
    (("replay", "--corpus", "not-a-folder"), CL, "--corpus"),
    (("replay", "--corpus", "empty"), "empty", "files"),
    (("curate", "--corpus", "corpus"), INBOX_FILE, "file"),
    (("curate", "--corpus", "not-a-folder"), CL, "--corpus"),
    (("list", "--colour"), CL, "--colour"),
    (("teleport",), CL, "command"),
]
SLOW_COMMANDS: list[Command] = [
    (("check", *HTLC, "--param", "colour=red", "--property", "atomicity"), CL, "--param.colour"),
    ((*CHECK, "--messages", "0"), CL, "--messages"),
    ((*CHECK, "--supply", "0"), CL, "--supply"),
    ((*CHECK, "--messages", "2.5"), CL, "--messages"),
    ((*CHECK, "--timeout", "-1"), CL, "--timeout"),
    ((*CHECK, "--seed", "-1"), CL, "--seed"),
    ((*CHECK, "--engine", "magic"), CL, "--engine"),
    (("check", "--protocol", "lock_mint", "--trust", "multisig", "--param", "k=5", "--param", "n=9.0",
      "--property", "supply_conservation"), CL, "--param.n"),
    ((*CHECK, "--param", "=5"), CL, "--param"),
    (("check", *LOCK), CL, "--property"),
    ((*CHECK, "--colour", "red"), CL, "--colour"),
    ((*SYNTH, "--breaking", "kk"), CL, "--breaking"),
    (("synth", "--protocol", "teleporter", "--minimal", "k"), CL, "--protocol"),
    ((*SYNTH_K, "--property", "nope"), CL, "--property"),
    (("synth", "--protocol", "htlc", "--trust", "multisig", "--minimal", "margin", "--property", "atomicity"), CL,
     "--trust"),
    ((*SYNTH_K, "--depth", "-3"), CL, "--depth"),
    ((*SYNTH_K, "--low", "-1"), CL, "--low"),
    (("verify", "scenarios/timeout-inf.toml", "-j", "many"), CL, "--jobs"),
    (("verify", "dup/one.toml", "--prove"), CL, "--prove"),
    (("show", "itf/not-json.itf.json", "itf/empty.itf.json"), CL, "itf/empty.itf.json"),
    (("curate", "extra"), CL, "extra"),
    (("list", "protocols"), CL, "protocols"),
    ((), CL, "command"),
]


def cases() -> list[Case]:
    out = [
        Case(("verify", f"scenarios/{name}.toml", "-j", "1"), f"scenarios/{name}.toml", field, name in SLOW_SCENARIOS)
        for name, field in SCENARIOS.items()
    ]
    out += [
        Case(("show", f"itf/{name}.itf.json"), f"itf/{name}.itf.json", field, name in SLOW_ITF)
        for name, field in ITF.items()
    ]
    out += [
        Case(("replay", f"itf/{name}.itf.json"), f"itf/{name}.itf.json", ITF[name], name in SLOW_REPLAYED)
        for name in (*REPLAYED, *SLOW_REPLAYED)
    ]
    out += [Case(argv, where, field) for argv, where, field in COMMANDS]
    out += [Case(argv, where, field, True) for argv, where, field in SLOW_COMMANDS]
    return out


DIRS = ("empty", "itf/folder.itf.json")
"""Folders the data cannot hold (git keeps no empty folder): made in the working directory first."""
