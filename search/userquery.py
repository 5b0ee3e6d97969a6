"""The user's query language, engine-agnostic: a pure parser from the search box to a small typed AST.

    query := or
    or    := and (("OR" | "|") and)*
    and   := unary (["AND"] unary)*            words side by side are ANDed
    unary := ("NOT" | "-") unary | "+" unary | atom
    atom  := "(" or ")" | [field ":"] (word | "phrase" | "(" or ")")

Operators are upper case (lower-case and/or/not are ordinary words). A trailing ``*`` on a code
field (``cpc:G02B27/01*``) matches every code starting with what comes before it. The engines turn
the AST into their own query objects; user text never reaches a query-string parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from search.backend import QueryError

# Curly, full-width and corner quotes all act as the ASCII double quote.
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\uff02\u300c\u300d\u300e\u300f", '"'))
_NEGATE = "-\uff0d\u2212"
_OR_BAR = "|\uff5c"
_WORD_END = set('"()') | set(_OR_BAR)
_FIELD = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
MAX_CLAUSES = 128
MAX_DEPTH = 10

FieldKind = Literal["text", "code"]
# Prefix the user types → (index field, kind). Text fields are analysed like the default search;
# code fields match whole values exactly (or by prefix with a trailing *).
FIELDS: dict[str, tuple[str, FieldKind]] = {
    "title": ("title", "text"),
    "abstract": ("abstract", "text"),
    "claims": ("claims", "text"),
    "applicant": ("applicants", "code"),
    "cpc": ("cpc", "code"),
    "ipc": ("ipc", "code"),
    "ics": ("ics", "code"),
    "committee": ("committee", "code"),
    "id": ("id", "code"),
}
_UPPER_CODES = {"cpc", "ipc"}  # stored upper case without spaces: 'G02B 27/01' → 'G02B27/01'


@dataclass(frozen=True)
class Term:
    """A word or phrase, in every text field or in one field (the user's prefix name)."""

    text: str
    field: str | None = None
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    """Documents not matching child."""

    child: Node


@dataclass(frozen=True)
class And:
    """Documents matching every child."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Documents matching at least one child."""

    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class _Token:
    """One lexical unit: an operator, a bracket, a field prefix, a word or a phrase."""

    kind: Literal["(", ")", "OR", "AND", "NOT", "+", "FIELD", "WORD", "PHRASE"]
    text: str = ""


def _clean(q: str) -> str:
    """Quotes unified; control and format characters replaced by spaces."""
    text = q.translate(_QUOTES)
    return "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in text)


def field_names() -> str:
    """The allowed field prefixes, for error messages and docs."""
    return ", ".join(f"{name}:" for name in FIELDS)


def _word_tokens(word: str) -> list[_Token]:
    """A bare word: an operator, a field prefix with its value, or a plain word."""
    if word in ("AND", "OR", "NOT"):
        return [_Token(word)]  # type: ignore[arg-type]
    match = _FIELD.fullmatch(word)
    if match is None:
        return [_Token("WORD", word)]
    name = match.group(1).lower()
    if name not in FIELDS:
        raise QueryError(f"unknown field {match.group(1)!r}; the allowed fields are {field_names()}")
    rest = match.group(2)
    return [_Token("FIELD", name), *([_Token("WORD", rest)] if rest else [])]


def _tokens(q: str) -> list[_Token]:
    """Split the query into tokens; raise QueryError for an unbalanced quote or an unknown field."""
    text = _clean(q)
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            out.append(_Token(char))  # type: ignore[arg-type]
            i += 1
        elif char in _OR_BAR:
            out.append(_Token("OR"))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError('unbalanced quote: close every phrase with "')
            out.append(_Token("PHRASE", text[i + 1 : end]))
            i = end + 1
        elif char in _NEGATE or char == "+":
            i += 1
            if i < n and not text[i].isspace():  # a lone "-" or "+" is punctuation, not an operator
                out.append(_Token("NOT" if char != "+" else "+"))
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _WORD_END:
                i += 1
            out.append(_Token("WORD", text[start:i]))
            out[-1:] = _word_tokens(out[-1].text)
            if out[-1].kind == "FIELD" and (i >= n or text[i] not in '"('):
                raise QueryError(
                    f"{out[-1].text}: needs a word, a \"phrase\" or a (group) right after the colon"
                )
    return out


def _code_term(field: str, text: str, phrase: bool) -> Term:
    """A code-field term: normalized, with a trailing * (outside quotes) meaning prefix."""
    prefix = not phrase and text.endswith("*")
    value = text.rstrip("*") if prefix else text
    value = value.strip()
    if field in _UPPER_CODES:
        value = "".join(value.split()).upper()
    if not value:
        raise QueryError(f"{field}: needs a value" + (" before the *" if prefix else ""))
    return Term(value, field=field, phrase=phrase, prefix=prefix)


class _Parser:
    """Recursive descent over the tokens, building the AST."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.terms = 0

    def peek(self) -> _Token | None:
        """The next token, or None at the end."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        """Consume and return the next token."""
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        """The whole query; None when it holds nothing (match everything)."""
        if not self.tokens:
            return None
        node = self.or_(0, None)
        token = self.peek()
        if token is not None:
            if token.kind == ")":
                raise QueryError("unbalanced parentheses: ')' without a matching '('")
            raise QueryError(f"unexpected {token.kind} in the query")  # pragma: no cover - defensive
        return node

    def or_(self, depth: int, field: str | None) -> Node:
        """and (OR and)*."""
        children = [self.and_(depth, field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                raise QueryError("OR needs a word, a phrase or a group on both sides")
            children.append(self.and_(depth, field))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self, depth: int, field: str | None) -> Node:
        """unary ([AND] unary)*."""
        token = self.peek()
        if token is not None and token.kind == ")":
            raise QueryError("unbalanced parentheses: ')' without a matching '('")
        if token is None or token.kind in ("OR", "AND"):
            what = "OR" if token is not None and token.kind == "OR" else "AND"
            raise QueryError(f"{what} needs a word, a phrase or a group on both sides")
        children = [self.unary(depth, field)]
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.take()
                following = self.peek()
                if following is None or following.kind in (")", "OR", "AND"):
                    raise QueryError("AND needs a word, a phrase or a group on both sides")
            children.append(self.unary(depth, field))
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self, depth: int, field: str | None) -> Node:
        """NOT unary | + unary | atom."""
        token = self.take()
        if token.kind in ("NOT", "+"):
            following = self.peek()
            if following is None or following.kind in (")", "OR", "AND"):
                name = "NOT (or -)" if token.kind == "NOT" else "+"
                raise QueryError(f"{name} needs a word, a phrase or a group after it")
            if depth + 1 > MAX_DEPTH:
                raise QueryError(f"the query is nested too deeply (at most {MAX_DEPTH} levels)")
            child = self.unary(depth + 1, field)
            return Not(child) if token.kind == "NOT" else child
        return self.atom(token, depth, field)

    def atom(self, token: _Token, depth: int, field: str | None) -> Node:
        """A group, a fielded atom, a word or a phrase."""
        if token.kind == "(":
            if depth + 1 > MAX_DEPTH:
                raise QueryError(f"the query is nested too deeply (at most {MAX_DEPTH} levels)")
            if (following := self.peek()) is not None and following.kind == ")":
                raise QueryError("empty group: '()' has nothing to search for")
            if following is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            node = self.or_(depth + 1, field)
            if self.peek() is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            self.take()
            return node
        if token.kind == "FIELD":
            if field is not None:
                raise QueryError(f"field prefixes cannot be nested ({token.text}: inside {field}:)")
            return self.atom(self.take(), depth, token.text)
        if token.kind in ("WORD", "PHRASE"):
            self.terms += 1
            if self.terms > MAX_CLAUSES:
                raise QueryError(f"too many words or phrases in the query (at most {MAX_CLAUSES})")
            phrase = token.kind == "PHRASE"
            if field is not None and FIELDS[field][1] == "code":
                return _code_term(field, token.text, phrase)
            return Term(token.text, field=field, phrase=phrase)
        if token.kind == ")":
            raise QueryError("unbalanced parentheses: ')' without a matching '('")
        raise QueryError(f"{token.kind} needs a word, a phrase or a group on both sides")


def parse_query(q: str) -> Node | None:
    """The query as an AST; None when there is nothing to search for. Raise QueryError when malformed."""
    return _Parser(_tokens(q)).parse()


def terms(node: Node | None) -> list[Term]:
    """Every term of a query, in order (negated ones too)."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.child)
    return [t for child in node.children for t in terms(child)]


@dataclass(frozen=True)
class Clause:
    """The flat form of one part of a simple query: a word or a phrase, required or excluded."""

    text: str
    phrase: bool = False
    negated: bool = False


def parse_user_query(q: str) -> list[Clause]:
    """A query of words, phrases and -exclusions only, as a flat list (for consumers without the AST)."""
    node = parse_query(q)
    children = () if node is None else node.children if isinstance(node, And) else (node,)
    out: list[Clause] = []
    for child in children:
        inner = child.child if isinstance(child, Not) else child
        if not isinstance(inner, Term) or inner.field is not None:
            raise QueryError('only words, "phrases" and -exclusions are supported here')
        out.append(Clause(inner.text, phrase=inner.phrase, negated=isinstance(child, Not)))
    return out
