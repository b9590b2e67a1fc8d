"""The monitors' boolean expressions: ``&``, ``|``, ``!`` and parentheses over trigger names."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any

_TOKEN = re.compile(r"\s*(?:([A-Za-z][\w.\-]*)|(.))")


class BoolExpError(ValueError):
    """An expression that does not parse or names an unknown trigger."""


Node = tuple[Any, ...]


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.strip()):
        name, symbol = match.groups()
        if name:
            tokens.append(name)
        elif symbol and symbol.strip():
            if symbol not in "&|!()":
                raise BoolExpError(f"unexpected {symbol!r}")
            tokens.append(symbol)
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], names: set[str]) -> None:
        self.tokens = tokens
        self.names = names
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise BoolExpError("unexpected end")
        self.at += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while self.peek() == "|":
            self.take()
            node = ("|", node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek() == "&":
            self.take()
            node = ("&", node, self.factor())
        return node

    def factor(self) -> Node:
        token = self.take()
        if token == "!":
            return ("!", self.factor())
        if token == "(":
            node = self.expression()
            if self.take() != ")":
                raise BoolExpError("missing )")
            return node
        if token in "&|)":
            raise BoolExpError(f"unexpected {token!r}")
        if token not in self.names:
            raise BoolExpError(f"unknown trigger {token!r}")
        return ("name", token)


def parse_boolexp(text: str, names: set[str]) -> Node:
    """Parse ``text`` whose operands must be in ``names``."""
    parser = _Parser(_tokens(text), names)
    node = parser.expression()
    if parser.peek() is not None:
        raise BoolExpError(f"unexpected {parser.peek()!r}")
    return node


def evaluate(node: Node, values: Mapping[str, bool]) -> bool:
    """Evaluate a parsed expression."""
    operator = node[0]
    if operator == "name":
        return bool(values.get(str(node[1]), False))
    if operator == "!":
        return not evaluate(node[1], values)
    left = evaluate(node[1], values)
    right = evaluate(node[2], values)
    return left and right if operator == "&" else left or right
