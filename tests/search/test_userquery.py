"""The user query language: words, phrases, AND/OR/NOT, groups, field prefixes, and its errors."""

from __future__ import annotations

import pytest

from search.backend import QueryError
from search.userquery import (
    MAX_CLAUSES,
    MAX_DEPTH,
    And,
    Clause,
    Not,
    Or,
    Term,
    parse_query,
    parse_user_query,
    terms,
)


def test_words_phrases_and_exclusions() -> None:
    assert parse_query('head "virtual reality"  -glove -"eye tracking" +vr') == And(
        (
            Term("head"),
            Term("virtual reality", phrase=True),
            Not(Term("glove")),
            Not(Term("eye tracking", phrase=True)),
            Term("vr"),
        )
    )


def test_single_word_is_a_term() -> None:
    assert parse_query("display") == Term("display")


def test_hyphen_inside_a_word_is_not_negation() -> None:
    assert parse_query("head-mounted") == Term("head-mounted")


def test_chinese_quotes_and_fullwidth_minus() -> None:
    assert parse_query("“虚拟现实” －头盔") == And((Term("虚拟现实", phrase=True), Not(Term("头盔"))))


def test_lone_operators_and_blank() -> None:
    assert parse_query("  -  + ") is None
    assert parse_query("") is None


def test_control_characters_are_spaces() -> None:
    assert parse_query("a\x00b\u200bc") == And((Term("a"), Term("b"), Term("c")))


def test_or_binds_looser_than_and() -> None:
    assert parse_query("a b OR c AND d | e") == Or(
        (And((Term("a"), Term("b"))), And((Term("c"), Term("d"))), Term("e"))
    )


def test_lower_case_operators_are_words() -> None:
    assert parse_query("rock and roll or not") == And(
        (Term("rock"), Term("and"), Term("roll"), Term("or"), Term("not"))
    )


def test_groups_and_not() -> None:
    assert parse_query("NOT (a OR b) c") == And((Not(Or((Term("a"), Term("b")))), Term("c")))
    assert parse_query("-(a b)") == Not(And((Term("a"), Term("b"))))


def test_field_prefixes() -> None:
    assert parse_query('title:display abstract:"eye tracking" Claims:lens') == And(
        (
            Term("display", field="title"),
            Term("eye tracking", field="abstract", phrase=True),
            Term("lens", field="claims"),
        )
    )
    assert parse_query("title:(a OR b)") == Or((Term("a", field="title"), Term("b", field="title")))


def test_code_fields_normalize_and_take_a_prefix() -> None:
    assert parse_query("cpc:g02b27/01*") == Term("G02B27/01", field="cpc", prefix=True)
    assert parse_query('ipc:"G06F 3/01"') == Term("G06F3/01", field="ipc", phrase=True)
    assert parse_query('applicant:"Meta Platforms"') == Term("Meta Platforms", field="applicant", phrase=True)
    assert parse_query("ics:35.240* committee:SAC/TC28 id:CN111A") == And(
        (
            Term("35.240", field="ics", prefix=True),
            Term("SAC/TC28", field="committee"),
            Term("CN111A", field="id"),
        )
    )
    # In quotes the * is part of the value; on a text field it is punctuation.
    assert parse_query('id:"A*"') == Term("A*", field="id", phrase=True)
    assert parse_query("title:disp*") == Term("disp*", field="title")


def test_colon_after_a_number_is_not_a_field() -> None:
    assert parse_query("18039:2019") == Term("18039:2019")


def test_terms_lists_every_term() -> None:
    assert [t.text for t in terms(parse_query("a (b OR -c) title:d"))] == ["a", "b", "c", "d"]
    assert terms(None) == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"open', "unbalanced quote"),
        ('a "b c', "unbalanced quote"),
        ('-"x', "unbalanced quote"),
        ('""" ', "unbalanced quote"),
        ("(a b", r"unbalanced parentheses: '\(' is never closed"),
        ("((((", "unbalanced parentheses"),
        ("a)", r"unbalanced parentheses: '\)' without"),
        (")", "unbalanced parentheses"),
        ("title:(", "unbalanced parentheses"),
        ("()", "empty group"),
        ("a ( ) b", "empty group"),
        ("title:()", "empty group"),
        ("colour:red", "unknown field .colour.; the allowed fields are title:, abstract:, claims:"),
        ("title: display", "title: needs a word"),
        ("a OR", "OR needs"),
        ("OR a", "OR needs"),
        ("a | | b", "OR needs"),
        ("a AND", "AND needs"),
        ("AND a", "AND needs"),
        ("a NOT", "NOT .* needs"),
        ("title:(cpc:G02B)", "cannot be nested"),
        ("cpc:*", "cpc: needs a value before the \\*"),
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), "nested too deeply"),
        ("NOT " * (MAX_DEPTH + 1) + "a", "nested too deeply"),
        ("w " * (MAX_CLAUSES + 1), "too many words"),
    ],
)
def test_errors_say_what_is_wrong(q: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(q)


def test_deepest_allowed_nesting_parses() -> None:
    q = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_query(q) == Term("a")


def test_flat_form_for_simple_consumers() -> None:
    assert parse_user_query('head "virtual reality" -glove') == [
        Clause("head"), Clause("virtual reality", phrase=True), Clause("glove", negated=True)
    ]
    assert parse_user_query("") == []
    with pytest.raises(QueryError, match="only words"):
        parse_user_query("a OR b")
