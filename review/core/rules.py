"""Rules as data: the strict schema of a rule, and the loader that compiles them.

Rules live in ``rules/<domain>.yaml``. The loader refuses, naming the rule and the field:
a duplicate id, an id whose section is not among its citations, a citation missing from the
policy catalog, a domain that disagrees with its file or its section, an unknown fact field
or standard, a value of the wrong type, and a message template naming a field the fact does
not have.
"""

import hashlib
import re
import string
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import RuleError
from . import conditions
from .domains import Domain
from .facts import FACT_KINDS
from .policy import Severity
from .safeyaml import load_file
from .standards import Standards

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "rules"
ID_PATTERN = re.compile(
    r"^(GEN|DATA|SEC|ACC|OSS|PRIV|AI|TECH|PROC)-(\d{3})-[a-z0-9]+(-[a-z0-9]+)*$"
)
_PREFIX_DOMAIN = {
    "GEN": "general",
    "DATA": "data",
    "SEC": "security",
    "ACC": "accessibility",
    "OSS": "open_source",
    "PRIV": "privacy",
    "AI": "ai",
    "TECH": "technology",
    "PROC": "procurement",
}


class Effect(BaseModel):
    """What a rule decides besides a finding: the review tier or a required sign-off."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    tier: Literal[1, 2, 3] | None = None
    signoff: Domain | None = None


class RuleSpec(BaseModel):
    """One rule as a policy owner writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str
    severity: Severity
    citations: list[str] = Field(min_length=1)
    title: str = Field(min_length=5)
    message: str = Field(min_length=5)
    remediation: str = Field(min_length=5)
    waivable: bool
    when: dict[str, Any]
    effect: Effect | None = None
    retired: bool = False
    notes: str | None = None


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    domain: Domain
    rules: list[RuleSpec]


@dataclass(frozen=True)
class Rule:
    """A compiled rule: its metadata, its fact kind and its condition in both forms."""

    spec: RuleSpec
    domain: str
    kind: str
    node: conditions.Node
    durable: dict[str, Any]
    evidence_fields: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def phase(self) -> int:
        """Tier rules run first: every other rule may read the tier they decide."""
        return 1 if self.spec.effect and self.spec.effect.tier else 2

    def matches(self, fact: dict[str, Any]) -> bool:
        return fact["kind"] == self.kind and conditions.holds(self.node, fact)


@dataclass(frozen=True)
class RuleBook:
    """Every active rule of one rules directory compiled against one standards set."""

    rules: tuple[Rule, ...]
    standards: Standards
    digest: str

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @property
    def version(self) -> str:
        return self.digest[:12]


def _template_fields(template: str, where: str) -> list[str]:
    if "__" in template:
        raise RuleError(f"{where} may not use '__'")
    names = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RuleError(f"{where} is not a valid template ({exc})") from None
    for _, name, _, _ in parsed:
        if name is not None:
            if not name:
                raise RuleError(f"{where} uses an empty placeholder {{}}")
            names.append(name)
    return names


def _check_template(
    template: str, where: str, kind: str, field_types: dict[str, Any], standards: Standards
) -> None:
    for name in _template_fields(template, where):
        root = name.split(".")[0].split("[")[0]
        if root == "std":
            try:
                standards.value(name.split(".", 1)[1])
            except (KeyError, IndexError):
                raise RuleError(f"{where} refers to unknown standard {name!r}") from None
        elif root not in field_types and root != "subject":
            raise RuleError(f"{where} names {{{root}}}, which is not a field of {kind} facts")


def _compile(
    spec: RuleSpec, file_domain: str, standards: Standards, predicates: dict[str, Any]
) -> Rule:
    where = f"rule {spec.id}"
    match = ID_PATTERN.match(spec.id)
    if not match:
        raise RuleError(
            f"{where}: id must look like SEC-004-incident-window (section prefix, three-digit "
            "section number, lower-case words)"
        )
    prefix, number = match.group(1), int(match.group(2))
    own_section = f"{prefix}-{number}"
    if _PREFIX_DOMAIN[prefix] != file_domain:
        raise RuleError(
            f"{where}: id prefix {prefix} belongs to domain {_PREFIX_DOMAIN[prefix]!r}, but the "
            f"rule is in the {file_domain!r} file"
        )
    for citation in spec.citations:
        if citation not in standards.section_index:
            raise RuleError(f"{where}: cites {citation!r}, which is not a section of the policy")
    if own_section not in spec.citations:
        raise RuleError(
            f"{where}: id names section {own_section} but citations are {spec.citations}"
        )
    when = dict(spec.when)
    kind = when.pop("fact", None)
    if kind not in FACT_KINDS:
        raise RuleError(
            f"{where}: when.fact must be one of {', '.join(sorted(FACT_KINDS))}; got {kind!r}"
        )
    fact_cls = FACT_KINDS[kind]
    field_types = fact_cls.field_types()
    if not when:
        raise RuleError(f"{where}: when has no condition besides fact")
    node = conditions.parse(
        when, fields=field_types, resolve=standards.value, predicates=predicates, where=where
    )
    for text in ("message", "title", "remediation"):  # the same placeholders in each
        _check_template(getattr(spec, text), f"{where}: {text}", kind, field_types, standards)
    branches = conditions.branch_count(node)
    if branches > conditions.MAX_RULE_BRANCHES:
        raise RuleError(
            f"{where}: condition expands to {branches} alternatives in durable_rules (limit "
            f"{conditions.MAX_RULE_BRANCHES}); split the rule or simplify negations"
        )
    expression = {"$and": [{"kind": kind}, conditions.to_durable(node)]}
    return Rule(
        spec=spec,
        domain=file_domain,
        kind=kind,
        node=node,
        durable={"all": [{"m": expression}]},
        evidence_fields=tuple(conditions.fields_of(node)),
    )


def _describe(exc: ValidationError, source: Path, raw: Any) -> list[str]:
    """Every schema problem of one rule file, each naming the rule by its id (``rule
    SEC-004-incident-window: waiveable: unknown field``), not by its position (``rules.0``)."""
    rules = raw.get("rules") if isinstance(raw, dict) else None
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            item = rules[loc[1]] if isinstance(rules, list) else None
            rule_id = item.get("id") if isinstance(item, dict) else None
            loc = [f"rule {rule_id or f'number {loc[1] + 1} (no id)'}", *loc[2:]]
        where = ": ".join([str(loc[0]), ".".join(str(p) for p in loc[1:])] if loc[1:] else
                          [str(p) for p in loc])  # fmt: skip
        problem = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{source}: {where}: {problem}")
    return problems


def _load_files(
    files: list[Path], standards: Standards, predicates: dict[str, Any], digest: Any
) -> tuple[list[Rule], list[str]]:
    """Every file's compiled rules, and every problem found, each naming file and rule."""
    rules: list[Rule] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        raw = load_file(path, what="rule file")
        try:
            content = RuleFile.model_validate(raw)
        except ValidationError as exc:
            problems += _describe(exc, path, raw)
            continue
        if path.stem != content.domain:
            problems.append(f"{path}: file name must be the domain name ({content.domain}.yaml)")
        for spec in content.rules:
            if spec.id in seen:
                problems.append(
                    f"{path}: rule {spec.id}: id is used twice ({seen[spec.id].name} and "
                    f"{path.name})"
                )
                continue
            seen[spec.id] = path
            if spec.retired:
                continue
            try:
                rules.append(_compile(spec, content.domain, standards, predicates))
            except RuleError as exc:
                problems.append(f"{path}: {exc}")
    return rules, problems


def load_rules(standards: Standards, directory: Path | None = None) -> RuleBook:
    """Load, check and compile every rule file in ``directory``."""
    directory = directory or DEFAULT_DIR
    digest = hashlib.sha256()
    predicates_path = directory / "predicates.yaml"
    predicates: dict[str, Any] = {}
    if predicates_path.exists():
        raw = load_file(predicates_path, what="predicates file")
        digest.update(predicates_path.read_bytes())
        if not isinstance(raw, dict) or set(raw) != {"predicates"}:
            raise RuleError(f"{predicates_path}: expected one top-level key 'predicates'")
        predicates = dict(raw["predicates"] or {})
    files = sorted(p for p in directory.glob("*.yaml") if p.name != "predicates.yaml")
    if not files:
        raise RuleError(f"{directory}: no rule files (*.yaml)")
    rules, problems = _load_files(files, standards, predicates, digest)
    if problems:  # every problem of every file, so a policy owner fixes them in one pass
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise RuleError(f"{directory}: {count}:\n" + "\n".join(f"  {p}" for p in problems))
    digest.update(b"standards\0" + standards.content_digest.encode())
    return RuleBook(rules=tuple(rules), standards=standards, digest=digest.hexdigest())
