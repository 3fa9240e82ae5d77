"""A small, safe expression language for show_if conditions, gates and recommendation rules.

`parse(text, names, options=...)` tokenizes, parses (recursive descent) and type-checks an
expression against the names the caller declares; `Expression.evaluate(values)` (in
expression_tree) computes it with the null semantics of docs/questionnaire-format.md and never
raises. Nothing here calls eval.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from questionnaires.errors import ExpressionError
from questionnaires.expression_tree import (
    Arithmetic,
    BoolOp,
    Call,
    Compare,
    Expression,
    ListLiteral,
    Literal,
    Membership,
    Name,
    Negate,
    Node,
    Not,
    Type,
)

MAX_LENGTH = 4000
MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 30


KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
FUNCTIONS = ("answered", "count", "contains_any")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<number>[0-9]+(?:\.[0-9]+)?)
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    |(?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE | re.ASCII,
)
_MISTAKES = {
    "=": "use '==' to compare",
    "!": "use 'not' or '!='",
    "&": "use 'and'",
    "|": "use 'or'",
}


@dataclass(frozen=True)
class Token:
    """A token with its 1-based column; kind is number, string, name, keyword, op or end."""

    kind: str
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; raise ExpressionError at the first character that fits none."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        column = position + 1
        if match is None:
            char = text[position]
            if char in "'\"":
                raise ExpressionError("unterminated string", column, text, f"close it with {char}")
            hint = _MISTAKES.get(char, "")
            raise ExpressionError(f"unexpected character {char!r}", column, text, hint)
        kind = match.lastgroup or "space"
        word = match.group()
        position = match.end()
        if kind == "space":
            continue
        if kind == "number" and len(word) > MAX_NUMBER_DIGITS:
            raise ExpressionError("number is too long", column, text)
        if kind == "name" and word in KEYWORDS:
            kind = "keyword"
        tokens.append(Token(kind, word, column))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


# --- parser -------------------------------------------------------------------------------------

_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_DESCRIBE = {
    Type.NUMBER: "a number",
    Type.STRING: "a string",
    Type.BOOL: "true/false",
    Type.LIST: "a list",
    Type.OPAQUE: "a value for answered() only",
    Type.NULL: "null",
    Type.NUMBER_LIST: "a list of numbers",
}


def _suggest(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


class _Parser:
    def __init__(
        self, text: str, names: Mapping[str, Type], options: Mapping[str, frozenset[str]]
    ) -> None:
        self.text = text
        self.names = names
        self.options = options
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0
        self.used: set[str] = set()

    # helpers
    def error(self, reason: str, column: int, hint: str = "") -> ExpressionError:
        return ExpressionError(reason, column, self.text, hint)

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text in texts)

    def advance(self) -> Token:
        token = self.current
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, text: str) -> Token:
        if self.at("op", text):
            return self.advance()
        raise self.unexpected(f"expected {text!r}")

    def unexpected(self, hint: str = "") -> ExpressionError:
        token = self.current
        if token.kind == "end":
            return self.error("unexpected end of expression", token.column, hint)
        return self.error(f"unexpected {token.text!r}", token.column, hint)

    def enter(self, column: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error(f"expression is nested more than {MAX_DEPTH} levels deep", column)

    def depth(self, *children: Node) -> int:
        depth = 1 + max((child.depth for child in children), default=0)
        if depth > MAX_DEPTH:
            raise self.error(
                f"expression is nested more than {MAX_DEPTH} levels deep",
                children[0].column,
                "split it into simpler conditions",
            )
        return depth

    def require(self, node: Node, wanted: tuple[Type, ...], role: str) -> None:
        if node.type in wanted:
            return
        if node.type is Type.OPAQUE:
            what = repr(node.name) if isinstance(node, Name) else role
            raise self.error(
                f"{what} can only be used inside answered(...)",
                node.column,
                "it is a matrix question or another value without a type",
            )
        if isinstance(node, Name):
            role = f"{role} ({node.name})"
        expected = " or ".join(_DESCRIBE[t] for t in wanted)
        raise self.error(f"{role} must be {expected}, not {_DESCRIBE[node.type]}", node.column)

    # grammar
    def parse(self) -> Expression:
        root = self.expression()
        if not self.at("end"):
            raise self.unexpected("expected an operator or the end")
        return Expression(self.text, root.type, frozenset(self.used), root)

    def expression(self) -> Node:
        self.enter(self.current.column)
        node = self.boolean("or")
        self.nesting -= 1
        return node

    def boolean(self, operator: str) -> Node:
        parse_operand = self.not_ if operator == "and" else lambda: self.boolean("and")
        first = parse_operand()
        operands = [first]
        while self.at("keyword", operator):
            self.advance()
            operands.append(parse_operand())
        if len(operands) == 1:
            return first
        for side, operand in enumerate(operands):
            self.require(operand, (Type.BOOL,), f"operand {side + 1} of '{operator}'")
        return BoolOp(Type.BOOL, first.column, self.depth(*operands), operator, tuple(operands))

    def not_(self) -> Node:
        if self.at("keyword", "not"):
            token = self.advance()
            self.enter(token.column)
            operand = self.not_()
            self.nesting -= 1
            self.require(operand, (Type.BOOL,), "the operand of 'not'")
            return Not(Type.BOOL, token.column, self.depth(operand), operand)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.additive()
        token = self.current
        if token.kind == "op" and token.text in _COMPARISONS:
            self.advance()
            node = self.compare(token, left, self.additive())
        elif self.at("keyword", "in") or (
            self.at("keyword", "not") and self.tokens[self.index + 1].text == "in"
        ):
            negated = self.advance().text == "not"
            if negated:
                self.advance()
            node = self.membership(token, negated, left, self.additive())
        else:
            return left
        after = self.current
        if (after.kind == "op" and after.text in _COMPARISONS) or self.at("keyword", "in"):
            raise self.error(
                f"comparisons cannot be chained ({after.text!r})",
                after.column,
                "join them with 'and'",
            )
        return node

    def compare(self, token: Token, left: Node, right: Node) -> Node:
        operator = token.text
        if operator in ("==", "!="):
            for side in (left, right):
                self.require(
                    side, tuple(t for t in Type if t is not Type.OPAQUE), "a compared value"
                )
            if Type.NULL not in (left.type, right.type) and left.type is not right.type:
                raise self.error(
                    f"cannot compare {_DESCRIBE[left.type]} with {_DESCRIBE[right.type]}",
                    token.column,
                )
            self.check_options(left, right)
            self.check_options(right, left)
        else:
            if Type.NULL in (left.type, right.type):
                raise self.error(
                    f"'{operator}' with null is always false", token.column, "use '== null'"
                )
            self.require(left, (Type.NUMBER,), f"the left side of '{operator}'")
            self.require(right, (Type.NUMBER,), f"the right side of '{operator}'")
        return Compare(Type.BOOL, left.column, self.depth(left, right), operator, left, right)

    def membership(self, token: Token, negated: bool, item: Node, container: Node) -> Node:
        self.require(container, (Type.LIST, Type.NUMBER_LIST), "the right side of 'in'")
        wanted = Type.STRING if container.type is Type.LIST else Type.NUMBER
        self.require(item, (wanted,), "the left side of 'in'")
        self.check_options(item, container)
        self.check_options(container, item)
        depth = self.depth(item, container)
        return Membership(Type.BOOL, item.column, depth, negated, item, container)

    def check_options(self, name: Node, literal: Node) -> None:
        """Check string literals compared with a name against the name's option ids."""
        if not isinstance(name, Name) or name.name not in self.options:
            return
        allowed = self.options[name.name]
        if isinstance(literal, Literal) and isinstance(literal.value, str):
            pairs: list[tuple[object, int]] = [(literal.value, literal.column)]
        elif isinstance(literal, ListLiteral):
            pairs = list(zip(literal.items, literal.columns, strict=True))
        else:
            return
        for value, column in pairs:
            if isinstance(value, str) and value not in allowed:
                hint = _suggest(value, allowed) or f"options are {', '.join(sorted(allowed))}"
                raise self.error(f"{value!r} is not an option of {name.name!r}", column, hint)

    def additive(self) -> Node:
        node = self.term()
        while self.at("op", "+", "-"):
            operator = self.advance()
            node = self.arithmetic(operator, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.at("op", "*", "/"):
            operator = self.advance()
            node = self.arithmetic(operator, node, self.unary())
        return node

    def arithmetic(self, token: Token, left: Node, right: Node) -> Node:
        self.require(left, (Type.NUMBER,), f"the left side of '{token.text}'")
        self.require(right, (Type.NUMBER,), f"the right side of '{token.text}'")
        depth = self.depth(left, right)
        return Arithmetic(Type.NUMBER, left.column, depth, token.text, left, right)

    def unary(self) -> Node:
        if self.at("op", "-"):
            token = self.advance()
            self.enter(token.column)
            operand = self.unary()
            self.nesting -= 1
            self.require(operand, (Type.NUMBER,), "the operand of '-'")
            if isinstance(operand, Literal) and isinstance(operand.value, int | float):
                return Literal(Type.NUMBER, token.column, 1, -operand.value)
            return Negate(Type.NUMBER, token.column, self.depth(operand), operand)
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(Type.NUMBER, token.column, 1, _number_value(token.text))
        if token.kind == "string":
            self.advance()
            return Literal(Type.STRING, token.column, 1, token.text[1:-1])
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            self.advance()
            if token.text == "null":
                return Literal(Type.NULL, token.column, 1, None)
            return Literal(Type.BOOL, token.column, 1, token.text == "true")
        if self.at("op", "("):
            self.advance()
            node = self.expression()
            self.expect(")")
            return node
        if self.at("op", "["):
            return self.list_literal()
        if token.kind == "name":
            self.advance()
            if self.at("op", "("):
                return self.call(token)
            return self.name(token)
        raise self.unexpected("expected a value, a name or '('")

    def list_literal(self) -> Node:
        start = self.advance()
        items: list[object] = []
        columns: list[int] = []
        types: set[Type] = set()
        while not self.at("op", "]"):
            element = self.list_element()
            types.add(element.type)
            items.append(element.value)
            columns.append(element.column)
            if not self.at("op", "]"):
                self.expect(",")
        self.advance()
        if len(types) > 1:
            raise self.error("a list cannot mix strings and numbers", start.column)
        type_ = Type.NUMBER_LIST if types == {Type.NUMBER} else Type.LIST
        return ListLiteral(type_, start.column, 1, tuple(items), tuple(columns))

    def list_element(self) -> Literal:
        """Read a string or an (optionally negative) number; lists hold literals only."""
        token = self.current
        sign = -1 if self.at("op", "-") else 1
        if sign < 0:
            self.advance()
        value = self.current
        if value.kind == "number":
            self.advance()
            return Literal(Type.NUMBER, token.column, 1, sign * _number_value(value.text))
        if value.kind == "string" and sign > 0:
            self.advance()
            return Literal(Type.STRING, token.column, 1, value.text[1:-1])
        if value.kind == "end":
            raise self.unexpected("close the list with ']'")
        raise self.error(
            "list elements must be strings or numbers", value.column, "write ['a', 'b']"
        )

    def name(self, token: Token) -> Node:
        if token.text not in self.names:
            candidates = [*self.names, "true", "false", "null"]
            hint = _suggest(token.text, candidates)
            raise self.error(f"unknown name {token.text!r}", token.column, hint)
        self.used.add(token.text)
        return Name(self.names[token.text], token.column, 1, token.text)

    def call(self, token: Token) -> Node:
        function = token.text
        if function not in FUNCTIONS:
            hint = _suggest(function, FUNCTIONS) or f"functions are {', '.join(FUNCTIONS)}"
            raise self.error(f"unknown function {function!r}", token.column, hint)
        self.advance()
        arguments: list[Node] = []
        while not self.at("op", ")"):
            arguments.append(self.expression())
            if not self.at("op", ")"):
                self.expect(",")
        self.advance()
        arity = 2 if function == "contains_any" else 1
        if len(arguments) != arity:
            raise self.error(
                f"{function}() takes {arity} argument{'s' if arity > 1 else ''}, "
                f"got {len(arguments)}",
                token.column,
            )
        if function == "answered":
            if not isinstance(arguments[0], Name):
                raise self.error(
                    "answered() takes a question id", arguments[0].column, "write answered(x.y)"
                )
            result = Type.BOOL
        elif function == "count":
            self.require(arguments[0], (Type.LIST,), "the argument of count()")
            result = Type.NUMBER
        else:
            self.require(arguments[0], (Type.LIST,), "the first argument of contains_any()")
            self.require(arguments[1], (Type.LIST,), "the second argument of contains_any()")
            self.check_options(arguments[0], arguments[1])
            result = Type.BOOL
        return Call(result, token.column, self.depth(*arguments), function, tuple(arguments))


def _number_value(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def parse(
    text: str,
    names: Mapping[str, Type],
    *,
    options: Mapping[str, frozenset[str]] | None = None,
) -> Expression:
    """Parse and type-check `text` against the declared `names`; raise ExpressionError if wrong.

    `options` maps a name to its option ids: string literals compared with that name must be one.
    """
    if not isinstance(text, str):
        raise ExpressionError("an expression must be a string", 1, "", "put it in quotes")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters", 1, text)
    if not text.strip():
        raise ExpressionError("expression is empty", 1, text)
    return _Parser(text, names, options or {}).parse()
