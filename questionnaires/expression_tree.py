"""Syntax tree of the expression language: typed nodes that evaluate themselves, never raising.

Values of the wrong runtime type are treated as null, division by zero gives null, and
`and`/`or`/`not` treat null as false (docs/questionnaire-format.md, "Expressions").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Type(Enum):
    """Static type of a name or sub-expression.

    Names are declared with NUMBER, STRING, BOOL, LIST (of strings) or OPAQUE (usable only in
    answered()); NULL and NUMBER_LIST are the types of the literals `null` and `[1, 2]`.
    """

    NUMBER = "number"
    STRING = "string"
    BOOL = "true/false"
    LIST = "list"
    OPAQUE = "opaque"
    NULL = "null"
    NUMBER_LIST = "list of numbers"


# --- runtime helpers: coerce values, treat anything of the wrong type as null -------------------


def _number(value: object) -> int | float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # tuple: fast
        return value
    return None


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _sequence(value: object) -> tuple[object, ...] | None:
    if not isinstance(value, list | tuple):
        return None
    items = tuple(value)
    if all(isinstance(item, str) for item in items):
        return items
    if all(_number(item) is not None for item in items):
        return items
    return None


def _coerce(value: object, type_: Type) -> object:
    """Return `value` if it fits `type_`, else None (wrong runtime types count as null)."""
    if value is None or type_ is Type.OPAQUE:
        return value
    if type_ is Type.NUMBER:
        return _number(value)
    if type_ is Type.STRING:
        return value if isinstance(value, str) else None
    if type_ is Type.BOOL:
        return value if isinstance(value, bool) else None
    if type_ is Type.LIST:
        return _strings(value)
    if type_ is Type.NUMBER_LIST:
        items = _sequence(value)
        return items if items is not None and all(_number(i) is not None for i in items) else None
    return None


# --- syntax tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node of the syntax tree with its static type, column and depth."""

    type: Type
    column: int
    depth: int

    def evaluate(self, values: Mapping[str, object]) -> object:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Literal(Node):
    value: object

    def evaluate(self, values: Mapping[str, object]) -> object:
        return self.value


@dataclass(frozen=True)
class ListLiteral(Node):
    items: tuple[object, ...]
    columns: tuple[int, ...]

    def evaluate(self, values: Mapping[str, object]) -> object:
        return self.items


@dataclass(frozen=True)
class Name(Node):
    name: str

    def evaluate(self, values: Mapping[str, object]) -> object:
        return _coerce(values.get(self.name), self.type)


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def evaluate(self, values: Mapping[str, object]) -> object:
        return self.operand.evaluate(values) is not True


@dataclass(frozen=True)
class Negate(Node):
    operand: Node

    def evaluate(self, values: Mapping[str, object]) -> object:
        number = _number(self.operand.evaluate(values))
        return None if number is None else -number


@dataclass(frozen=True)
class BoolOp(Node):
    operator: str  # and, or
    operands: tuple[Node, ...]

    def evaluate(self, values: Mapping[str, object]) -> object:
        if self.operator == "and":
            return all(operand.evaluate(values) is True for operand in self.operands)
        return any(operand.evaluate(values) is True for operand in self.operands)


@dataclass(frozen=True)
class Arithmetic(Node):
    operator: str
    left: Node
    right: Node

    def evaluate(self, values: Mapping[str, object]) -> object:
        left = _number(self.left.evaluate(values))
        right = _number(self.right.evaluate(values))
        if left is None or right is None:
            return None
        try:
            if self.operator == "+":
                return left + right
            if self.operator == "-":
                return left - right
            if self.operator == "*":
                return left * right
            return None if right == 0 else left / right
        except (ArithmeticError, ValueError):
            return None


def _kind(value: object) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if _number(value) is not None:
        return "number"
    if isinstance(value, str):
        return "string"
    if _sequence(value) is not None:
        return "list"
    return None


@dataclass(frozen=True)
class Compare(Node):
    operator: str
    left: Node
    right: Node

    def evaluate(self, values: Mapping[str, object]) -> object:
        left = self.left.evaluate(values)
        right = self.right.evaluate(values)
        if self.operator in ("==", "!="):
            if self.left.type is Type.NULL or self.right.type is Type.NULL:
                same = left is None and right is None
            elif left is None or right is None:
                return False
            else:
                kind = _kind(left)
                same = kind is not None and kind == _kind(right)
                if same and kind == "list":
                    same = tuple(left) == tuple(right)  # type: ignore[arg-type]
                elif same:
                    same = left == right
            return same if self.operator == "==" else not same
        left_number, right_number = _number(left), _number(right)
        if left_number is None or right_number is None:
            return False
        if self.operator == "<":
            return left_number < right_number
        if self.operator == "<=":
            return left_number <= right_number
        if self.operator == ">":
            return left_number > right_number
        return left_number >= right_number


@dataclass(frozen=True)
class Membership(Node):
    negated: bool
    item: Node
    container: Node

    def evaluate(self, values: Mapping[str, object]) -> object:
        item = self.item.evaluate(values)
        container = _sequence(self.container.evaluate(values))
        kind = _kind(item)
        if item is None or container is None or kind not in ("string", "number"):
            return False
        # Equal values first: the kind of an element is looked at only where it could match.
        found = any(element == item and _kind(element) == kind for element in container)
        return found != self.negated


@dataclass(frozen=True)
class Call(Node):
    function: str
    arguments: tuple[Node, ...]

    def evaluate(self, values: Mapping[str, object]) -> object:
        first = self.arguments[0].evaluate(values)
        if self.function == "answered":
            return first is not None
        items = _strings(first)
        if self.function == "count":
            return None if items is None else len(items)
        wanted = _strings(self.arguments[1].evaluate(values))
        if items is None or wanted is None:
            return False
        return any(item in wanted for item in items)


@dataclass(frozen=True)
class Expression:
    """A parsed, type-checked expression; `names` are the names it uses."""

    text: str
    type: Type
    names: frozenset[str]
    root: Node = field(repr=False)

    def evaluate(self, values: Mapping[str, object]) -> object:
        """Compute the value; missing or ill-typed values are null. Never raises."""
        if not isinstance(values, Mapping):
            values = {}
        return self.root.evaluate(values)

    def holds(self, values: Mapping[str, object]) -> bool:
        """Return True only if the expression evaluates to true (null counts as false)."""
        return self.evaluate(values) is True
