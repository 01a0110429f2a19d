"""The `fields=` parser (GRAPH_API.md §1.7): `a,b,edge.limit(10).after(X){x,y{z}}`, `picture.type(large)`.

`parse_fields(text) -> tuple[FieldSel, ...]`. Each `FieldSel` has a `name`, its `.modifier(...)` values
(`sel.modifier("limit")`) and `children` (None when there were no braces). Rendering a node from a
selection lives in `graph_sandbox.nodes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_sandbox.errors import GraphError

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class FieldSel:
    """One requested field: name, dot-modifiers and (for objects/edges) nested selections."""

    name: str
    modifiers: dict[str, str] = field(default_factory=dict, hash=False)
    children: tuple[FieldSel, ...] | None = None

    def modifier(self, name: str) -> str | None:
        """The argument of `.name(arg)`, if given."""
        return self.modifiers.get(name)

    def child_names(self) -> list[str]:
        """Names of the nested selections (empty when there are none)."""
        return [child.name for child in self.children or ()]


def _syntax_error(text: str, pos: int, expected: str) -> GraphError:
    found = text[pos] if pos < len(text) else "end of string"
    message = f'Syntax error "Expected {expected} instead of "{found}"." at character {pos}: {text}'
    return GraphError(100, message)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _syntax_error(self.text, self.pos, f'"{char}"')
        self.pos += 1

    def name(self) -> str:
        self.peek()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _NAME_CHARS:
            self.pos += 1
        if start == self.pos:
            raise _syntax_error(self.text, self.pos, "a field name")
        return self.text[start : self.pos]

    def argument(self) -> str:
        self.expect("(")
        depth, start = 1, self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                value = self.text[start : self.pos].strip()
                self.pos += 1
                return value
            self.pos += 1
        raise _syntax_error(self.text, self.pos, '")"')

    def item(self) -> FieldSel:
        name = self.name()
        modifiers: dict[str, str] = {}
        while self.peek() == ".":
            self.pos += 1
            key = self.name()
            modifiers[key] = self.argument()
        children = None
        if self.peek() == "{":
            self.pos += 1
            children = self.items(closing="}")
            self.expect("}")
        return FieldSel(name, modifiers, children)

    def items(self, closing: str) -> tuple[FieldSel, ...]:
        result = [self.item()]
        while self.peek() == ",":
            self.pos += 1
            if self.peek() in (closing, ""):
                break  # a trailing comma is tolerated, as Meta does
            result.append(self.item())
        return tuple(result)


def parse_fields(text: str) -> tuple[FieldSel, ...]:
    """Parse a `fields=` value into selections; raise GraphError(100) on bad syntax."""
    parser = _Parser(text)
    if parser.peek() == "":
        return ()
    result = parser.items(closing="")
    if parser.peek() != "":
        raise _syntax_error(text, parser.pos, "end of string")
    return result


def fields_of(names: str) -> tuple[FieldSel, ...]:
    """Shorthand for building selections in code: `fields_of("id,name")`."""
    return parse_fields(names)


def format_fields(selections: tuple[FieldSel, ...]) -> str:
    """Serialize selections back to `fields=` syntax (used to build paging URLs of expanded edges)."""
    parts = []
    for sel in selections:
        text = sel.name + "".join(f".{key}({value})" for key, value in sel.modifiers.items())
        if sel.children is not None:
            text += "{" + format_fields(sel.children) + "}"
        parts.append(text)
    return ",".join(parts)
