"""Where each option takes effect, as its owner declares it, and the refusal of an option set elsewhere.

NOTE(options-apply): every option a scenario can set (an entry of a family's option tables, a
protocol or trust-model fault, a parameter of a family or of a trust model) says where it takes
effect: the families (ids or kinds, as properties name them) and the trust models it applies to,
and, where the rule is structural (`unbound_chain_id` acts only on a fork), what else the
configuration must have. The owner writes that next to the option (the attrs field's metadata, or a
table beside the parser); the core reads it to refuse an option set where it would do nothing, with
one line naming the file and the field, to say in `bridgeproof list` what applies where, and to run
every option against every family and trust model (tests/unit/test_option_combinations.py), which is
how a declaration that is too generous gets caught.

An option is *set* when its value differs from its `off` value (by default its attrs default, which
switches it off), so restating a default is accepted anywhere: the counterexample files restate
every trust parameter, defaults included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from bridgeproof.model.configuration import ConfigurationError

if TYPE_CHECKING:
    from bridgeproof.model.configuration import Configuration

OPTION = "option"
"""The attrs metadata key under which a field declares itself an option (a `Spec`)."""
RECORD = "record"
"""The attrs metadata key of a field holding a record of options (`rate_limit`, `amounts`)."""


class _Default:
    """The `off` of an option that is off at its attrs default (most are)."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()


@attrs.frozen
class Spec:
    """What an option declares: where it takes effect, what it needs there, and a value that sets it.

    `families` are family ids or kinds (empty: wherever its owner is used; a parameter's owner is its
    family or trust model). `trust_models` are trust-model ids (None: with any, or with none);
    `except_trust` excludes some. `needs` is the structural rule, a predicate over the configuration
    (family options) or over the owner's record (parameters), described by `needs_text`. `example`
    is a value that sets the option, and `context` what the example needs beside it, in the table
    form it is written in (the scenario's tables for a family option, the owner's table for a
    parameter): the combination test and the documentation use both.
    """

    doc: str = ""
    path: str | None = None
    families: tuple[str, ...] = ()
    trust_models: tuple[str, ...] | None = None
    except_trust: tuple[str, ...] = ()
    needs: Callable[[Any], bool] | None = None
    needs_text: str = ""
    why: str = ""
    example: Any = None
    context: Mapping[str, Any] = attrs.field(factory=dict)
    off: Any = DEFAULT
    within: Mapping[str, Any] = attrs.field(factory=dict)
    """The example of the record option this one is a field of (`rate_limit` for `rate_limit.delay`):
    set by the declarations' walker, since the field cannot be written without its record."""
    bounds: Mapping[str, int] = attrs.field(factory=dict)
    """Bounds the example needs to show its effect (`nonce_reuse` needs two signed claims and a third
    to forge): a fault that acts across several claims does nothing within one."""


def option(doc: str = "", **kwargs: Any) -> dict[str, Spec]:
    """An attrs field's metadata declaring it an option (`attrs.field(..., metadata=option(...))`)."""
    return {OPTION: Spec(doc=doc, **kwargs)}


@attrs.frozen
class Option:
    """One option of a family's tables, located: its dotted name, the field a refusal names, and how to
    read its value from the family's options record (None: consumed while parsing, never recorded)."""

    name: str
    field: str
    spec: Spec
    off: Any
    read: Callable[[Any], Any] | None = None

    def is_set(self, options: Any) -> bool:
        if self.read is None:
            return False
        value = self.read(options)
        return value is not None and value != self.off

    def refusal(self, family: Any, trust_id: str | None, cfg: Any = None) -> str | None:
        """Why this option does nothing in this configuration, or None if it takes effect there."""
        spec = self.spec
        if not family_fits(spec.families, family):
            return f"{self.name} applies to {where(spec.families)}, not to {family.id}{_because(spec.why)}"
        if not trust_fits(spec, trust_id):
            return (
                f"{self.name} applies to {where(spec.families)} {trust_phrase(spec)}, "
                f"not with {trust_id or 'no trust model'}{_because(spec.why)}"
            )
        if spec.needs is not None and cfg is not None and not spec.needs(cfg):
            return _needs(self.name, spec)
        return None


class OptionRefused(ConfigurationError):
    """An option set where it does nothing; `field` is where the scenario wrote it (its table path)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _because(why: str) -> str:
    return f" ({why})" if why else ""


def _needs(name: str, spec: Spec) -> str:
    return f"{name} takes effect only with {spec.needs_text}; set that too, or drop {name}{_because(spec.why)}"


def family_fits(families: tuple[str, ...], family: Any) -> bool:
    return not families or bool({family.id, *family.kinds} & set(families))


def trust_fits(spec: Spec, trust_id: str | None) -> bool:
    if trust_id in spec.except_trust:
        return False
    return spec.trust_models is None or trust_id in spec.trust_models


def where(families: tuple[str, ...]) -> str:
    """Families named by id or kind, with the registered ids each kind stands for."""
    from bridgeproof.model.protocols import PROTOCOLS

    if not families:
        return "every family"
    ids = sorted({ident for ident, cls in PROTOCOLS.items() if {ident, *cls.kinds} & set(families)})
    return ", ".join(ids) if ids else ", ".join(families)


def trust_phrase(spec: Spec) -> str:
    if spec.trust_models is not None:
        return f"with {', '.join(spec.trust_models) or 'no trust model'}"
    if spec.except_trust:
        return f"with any trust model but {', '.join(spec.except_trust)}"
    return "with any trust model"


def nest(path: str, value: Any) -> dict[str, Any]:
    """`a.b.c`, value -> {a: {b: {c: value}}}."""
    head, _, rest = path.partition(".")
    return {head: nest(rest, value) if rest else value}


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merged key by key; two lists (of faults) are joined."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


def lookup(table: Mapping[str, Any], path: str) -> Any:
    node: Any = table
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


# --- collecting the declarations ------------------------------------------------------------------


def record_options(
    cls: type, prefix: str = "", inherited: Spec | None = None, getter: Callable[[Any], Any] = lambda o: o
) -> Iterator[Option]:
    """The options declared on the fields of an attrs record (recursively through `RECORD` fields).

    A field inside a record option (`rate_limit.delay`) applies where the record does, needs what it
    needs, and is written inside the record's example (`within`).
    """
    for a in attrs.fields(cls):
        spec: Spec | None = a.metadata.get(OPTION)
        path = f"{prefix}{(spec.path if spec and spec.path else a.name)}"
        read = _reader(getter, a.name)
        if spec is not None:
            spec = _inherit(spec, inherited, prefix)
            off = spec.off if spec.off is not DEFAULT else (None if a.default is attrs.NOTHING else _default(a))
            yield Option(path, path, spec, off, read)
        sub = a.metadata.get(RECORD)
        if sub is not None:
            yield from record_options(sub, f"{path}.", spec or inherited, read)


def _reader(getter: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def read(options: Any) -> Any:
        parent = getter(options)
        return None if parent is None else getattr(parent, name)

    return read


def _default(a: Any) -> Any:
    default = a.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return None if default.takes_self else default.factory()
    return default


def _inherit(spec: Spec, parent: Spec | None, prefix: str) -> Spec:
    if parent is None:
        return spec
    needs = spec.needs
    if parent.needs is not None:
        own, outer = spec.needs, parent.needs
        needs = outer if own is None else (lambda cfg: outer(cfg) and own(cfg))
    within = dict(parent.within)
    if parent.example is not None:
        within = merge(within, nest(prefix.rstrip("."), parent.example))
    return attrs.evolve(
        spec,
        families=spec.families or parent.families,
        trust_models=spec.trust_models if spec.trust_models is not None else parent.trust_models,
        except_trust=spec.except_trust or parent.except_trust,
        needs=needs,
        needs_text=" and ".join(t for t in (parent.needs_text, spec.needs_text) if t),
        within=within,
    )


def fault_options(field: str, faults: Mapping[str, Spec], read: Callable[[Any], Any]) -> Iterator[Option]:
    """One option per fault of a `faults` list: set when the list names it."""
    for name, spec in sorted(faults.items()):
        example = spec.example if spec.example is not None else [name]
        yield Option(name, field, attrs.evolve(spec, example=example), False, lambda o, n=name: n in read(o))


def param_options(cls: type) -> Iterator[tuple[str, Spec, Any]]:
    """A family's or trust model's parameters: (name, declaration, off value), internal ones left out."""
    for a in attrs.fields(cls):
        if a.metadata.get("internal") or not a.metadata.get("param", True):
            continue
        spec = a.metadata.get(OPTION) or Spec()
        off = spec.off if spec.off is not DEFAULT else (attrs.NOTHING if a.default is attrs.NOTHING else _default(a))
        yield a.name, spec, off


def param_refusal(instance: Any) -> tuple[str, str] | None:
    """(parameter, why) for the first parameter of a family or trust model that is set where its
    declaration says it does nothing; the registry refuses it with the table's field."""
    for name, spec, off in param_options(type(instance)):
        value = getattr(instance, name)
        if spec.needs is None or value == off:
            continue
        if not spec.needs(instance):
            return name, _needs(name, spec)
    return None


# --- the refusal, derived for every configuration ----------------------------------------------------


def check(cfg: Configuration) -> None:
    """Refuse (OptionRefused) the first option of the family's tables set where it does nothing."""
    family = cfg.protocol
    trust_id = cfg.trust.id if cfg.trust is not None else None
    for opt in family.declared_options():
        if opt.is_set(cfg.options):
            why = opt.refusal(family, trust_id, cfg)
            if why is not None:
                raise OptionRefused(opt.field, why)


def check_written(family: Any, trust_id: str | None, tables: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, why) for an option the parser consumes without recording it (a second verifier, which
    wraps the trust table) written where it does nothing; None if there is none."""
    for opt in family.declared_options():
        if opt.read is None and lookup(tables, opt.field) is not None:
            why = opt.refusal(family, trust_id)
            if why is not None:
                return opt.field, why
    return None


def table_owners(table: str) -> list[str]:
    """The registered families that read a scenario option table (`defences`)."""
    from bridgeproof.model.protocols import PROTOCOLS

    return [ident for ident, cls in PROTOCOLS.items() if table in cls.option_tables]


def param_owners(registry: Any, name: str) -> list[str]:
    """The members of a registry (families or trust models) that have a parameter of this name."""
    return [ident for ident, cls in registry.items() if any(n == name for n, _, _ in param_options(cls))]


def fault_owners(name: str) -> list[str]:
    """Every registered family and trust model that models a fault of this name."""
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.trust import TRUST_MODELS

    out = [ident for ident, cls in PROTOCOLS.items() if name in cls.fault_names()]
    return out + [ident for ident, cls in TRUST_MODELS.items() if name in cls.supported_faults]


def elsewhere(fault: str, owner: str) -> str:
    """`; X applies to A, B` for a fault that other families or trust models model, else ''."""
    owners = [o for o in fault_owners(fault) if o != owner]
    return f"; {fault} applies to {', '.join(owners)}" if owners else ""


# --- the catalogue: what applies where, as data ------------------------------------------------------


@attrs.frozen
class Entry:
    """One option of any owner, for `bridgeproof list`, the documentation and the combination test.

    `table` is where it is written: `options` (the scenario's own tables), `protocol` or `trust`;
    `path` is its place in that table and `example` a value that sets it there; `context` is what the
    example needs beside it, in the same table.
    """

    name: str
    table: str
    path: str
    owner: str
    families: tuple[str, ...]
    trust_models: tuple[str, ...] | None
    needs: str
    example: Any
    context: Mapping[str, Any]
    doc: str = ""
    within: Mapping[str, Any] = attrs.field(factory=dict)
    """What the option cannot be written without (its record's example), in the scenario's tables."""
    bounds: Mapping[str, int] = attrs.field(factory=dict)
    """Bounds the example needs to show its effect (Spec.bounds)."""

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}" if self.table != "options" else self.name

    def applies_to(self) -> str:
        """One line: the families, the trust models and the structural rule."""
        trust = "any trust model" if self.trust_models is None else (", ".join(self.trust_models) or "no trust model")
        text = f"{', '.join(self.families)}; {trust}"
        return f"{text}; needs {self.needs}" if self.needs else text


def catalogue() -> list[Entry]:
    """Every option of every registered family and trust model, with where it applies."""
    from bridgeproof.model.protocols import PROTOCOLS
    from bridgeproof.model.trust import TRUST_MODELS

    out: list[Entry] = []
    trust_ids = [ident for ident, _ in TRUST_MODELS.items()]
    for ident, cls in PROTOCOLS.items():
        for opt in cls.declared_options():
            if any(e.table == "options" and e.name == opt.name for e in out):
                continue  # shared by several families (the message bridges)
            spec, table = opt.spec, opt.field.split(".")[0]
            readers = [i for i, c in PROTOCOLS.items() if table in c.option_tables and family_fits(spec.families, c)]
            limited = spec.trust_models is not None or bool(spec.except_trust)
            trusts = tuple(t for t in trust_ids if trust_fits(spec, t)) if limited else None
            out.append(_entry(opt.name, "options", opt.field, ident, tuple(readers), trusts, spec))
        own: tuple[str, ...] | None = () if cls.trust == "none" else None
        for name, spec, _ in param_options(cls):
            if name == "faults":
                for fault in sorted(cls.fault_names()):
                    out.append(_entry(fault, "protocol", "faults", ident, (ident,), own, Spec(example=[fault])))
            else:
                out.append(_entry(name, "protocol", name, ident, (ident,), own, spec))
    for ident, cls in TRUST_MODELS.items():
        judged = tuple(i for i, c in PROTOCOLS.items() if c.trust != "none" and judges(cls, c))
        for name, spec, _ in param_options(cls):
            out.append(_entry(name, "trust", name, ident, judged, (ident,), spec))
        for fault in sorted(cls.supported_faults):
            spec = Spec(
                doc=cls.fault_notes.get(fault, ""),
                example=[fault],
                context=cls.fault_context.get(fault, {}),
                bounds=cls.fault_bounds.get(fault, {}),
            )
            out.append(_entry(fault, "trust", "faults", ident, judged, (ident,), spec))
    return out


def _entry(
    name: str, table: str, path: str, owner: str, families: tuple[str, ...], trusts: tuple[str, ...] | None, spec: Spec
) -> Entry:
    return Entry(
        name=name,
        table=table,
        path=path,
        owner=owner,
        families=families,
        trust_models=trusts,
        needs=spec.needs_text,
        example=spec.example,
        context=spec.context,
        doc=spec.doc,
        within=spec.within,
        bounds=spec.bounds,
    )


def judges(trust_cls: type, family_cls: type) -> bool:
    """Whether a trust model can stand behind a family's claims, as far as the classes say (an
    aggregate's subjects depend on its verifiers: it is counted as judging any family)."""
    subjects = getattr(trust_cls, "subjects", None)
    if isinstance(subjects, frozenset) and not subjects & set(family_cls.kinds):  # type: ignore[attr-defined]
        return False
    return bool(family_cls.judged_by(trust_cls))  # type: ignore[attr-defined]


def listing() -> dict[str, dict[str, Any]]:
    """What `bridgeproof list --json` can print of the catalogue: by label, where each option applies."""
    return {
        e.label: {
            "table": e.table,
            "path": e.path,
            "families": list(e.families),
            "trust_models": None if e.trust_models is None else list(e.trust_models),
            "needs": e.needs,
            "example": e.example,
            "applies_to": e.applies_to(),
        }
        for e in catalogue()
    }
