"""The user query language: words, phrases, exclusions."""

from __future__ import annotations

import pytest

from search.backend import QueryError
from search.userquery import MAX_CLAUSES, Clause, parse_user_query


def test_words_phrases_and_exclusions() -> None:
    assert parse_user_query('head "virtual reality"  -glove -"eye tracking" +vr') == [
        Clause("head"),
        Clause("virtual reality", phrase=True),
        Clause("glove", negated=True),
        Clause("eye tracking", phrase=True, negated=True),
        Clause("vr"),
    ]


def test_hyphen_inside_a_word_is_not_negation() -> None:
    assert parse_user_query("head-mounted") == [Clause("head-mounted")]


def test_chinese_quotes_and_fullwidth_minus() -> None:
    expected = [Clause("虚拟现实", phrase=True), Clause("头盔", negated=True)]
    assert parse_user_query("“虚拟现实” －头盔") == expected


def test_lone_operators_and_blank() -> None:
    assert parse_user_query("  -  + ") == []
    assert parse_user_query("") == []


def test_control_characters_are_spaces() -> None:
    assert parse_user_query("a\x00b\u200bc") == [Clause("a"), Clause("b"), Clause("c")]


@pytest.mark.parametrize("q", ['"open', 'a "b c', '-"x', '""" '])
def test_unbalanced_quote(q: str) -> None:
    with pytest.raises(QueryError):
        parse_user_query(q)


def test_too_many_clauses() -> None:
    with pytest.raises(QueryError):
        parse_user_query("w " * (MAX_CLAUSES + 1))
