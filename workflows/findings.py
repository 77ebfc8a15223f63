"""Findings and the rule registry: each problem in what staff typed, as data (frictionless-style).

Every check declares the findings it can yield with ``@declares(Rule(...))`` right above its
logic: a stable code, the severity, the Indonesian problem and fix (``str.format`` templates), the
tab and column it concerns and an example. ``RULES`` collects the declarations (complete once
``workflows.validate`` is imported); ``make_finding`` builds a finding from its rule alone, so a
code's severity and wording live in one place, and ``docs/findings.md`` is generated from the
same declarations (``python -m workflows.sheet_docs``). Code branches on ``code``, never on text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from string import Formatter
from typing import Literal, TypeVar

from .labels import STATUS_REJECTED, STATUS_WARNING

Severity = Literal["error", "warning"]
STATUS_FOR_SEVERITY = {"error": STATUS_REJECTED, "warning": STATUS_WARNING}


@dataclass(frozen=True, slots=True)
class Finding:
    workbook: str  # the workbook's label (unit name or file name)
    tab: str  # tab name as in sheets_schema (e.g. "Realisasi")
    row: int | None  # the row number the user sees (header = 1); None for a whole-tab problem
    column: str | None  # column name as in sheets_schema; None for a whole-row or whole-tab problem
    value: str | None  # the cell's value as text, as the user typed it
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    """One kind of finding, declared beside the check that yields it.

    ``problem`` and ``fix`` are joined into the message; their fields are ``column``, ``value``,
    ``tab`` and whatever the check passes. ``example`` holds ``make_finding`` arguments (``row``,
    ``value``, the template's own fields; ``tab``/``column`` default to the declared ones) for the
    generated docs. What the rule concerns: a ``tab`` and/or ``column`` (None: any), or every
    column of the schema ``column_types`` (a cell that does not parse as that type); ``scope``
    says it in words where those cannot, and the docs prefer it.
    """

    code: str
    severity: Severity
    problem: str
    fix: str
    example: Mapping[str, object] = field(default_factory=dict)
    tab: str | None = None
    column: str | None = None
    column_types: tuple[str, ...] = ()
    scope: str = ""
    check: str = ""  # where the check that yields it lives, "path.py::name"; set by ``declares``

    @cached_property
    def fields(self) -> frozenset[str]:
        """The template fields of the message (besides ``column``, ``value`` and ``tab``)."""
        template = f"{self.problem} {self.fix}"
        named = {name for _, name, _, _ in Formatter().parse(template) if name}
        return frozenset(named - {"column", "value", "tab"})

    def message(self, **fields: object) -> str:
        """The problem and how to fix it, as one Indonesian text starting with a capital."""
        body = f"{self.problem} {self.fix}".format(**fields)
        return body[:1].upper() + body[1:]

    def example_arguments(self) -> dict[str, object]:
        """``make_finding`` keyword arguments that show this rule on its example."""
        return {"tab": self.tab or "", "column": self.column, **self.example}


RULES: dict[str, Rule] = {}
_Check = TypeVar("_Check", bound=Callable)


def declares(*rules: Rule) -> Callable[[_Check], _Check]:
    """Register ``rules`` as the findings the decorated check yields; the check is unchanged."""

    def register(check: _Check) -> _Check:
        for rule in rules:
            if rule.code in RULES:
                raise ValueError(f"finding code {rule.code!r} is declared twice")
            where = f"{check.__module__.replace('.', '/')}.py::{check.__qualname__}"
            RULES[rule.code] = replace(rule, check=where)
        return check

    return register


def make_finding(
    code: str,
    *,
    workbook: str,
    tab: str,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    **params: object,
) -> Finding:
    """A finding of a declared rule: the message says where (tab, row) and what to type instead.

    The severity is the rule's own, never the caller's: ``KeyError`` for a code no check
    declares, ``TypeError`` for a parameter its message does not use.
    """
    rule = RULES[code]
    unused = set(params) - rule.fields
    if unused:
        raise TypeError(f"finding {code!r} has no field {', '.join(sorted(unused))}")
    body = rule.message(column=column or "", value=value or "", tab=tab, **params)
    where = f"Tab {tab}" if tab else f"Workbook {workbook}"
    where += f" baris {row}" if row is not None else ""
    return Finding(workbook, tab, row, column, value, rule.severity, code, f"{where}: {body}")
