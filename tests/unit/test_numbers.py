"""Strict numbers (issue 12.7): what a person typed is read as a plain ASCII decimal or refused."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.domain.errors import DomainError
from contest.domain.numbers import parse_plain_decimal, parse_plain_int
from contest.domain.scoring import Criterion, check_mark

MEASURE = Criterion("m", D("20"), "measurement", name="尺寸精度")
HOSTILE = ["1_0", "１０", "١٠", "۱۰", "१०", "1e1", "1E1", "Infinity", "NaN", "-inf", "0x10", "1,5", "10\x00",
           "1 0", "²", "sNaN", "", " ", "+", ".", "1.2.3", "一"]


@pytest.mark.parametrize("text", HOSTILE)
def test_mark_refuses_everything_but_ascii_decimals(text):
    with pytest.raises(DomainError) as info:
        check_mark(text, MEASURE)
    assert "not a number" in info.value.message


@pytest.mark.parametrize(("text", "expected"), [("10", D("10.00")), (" 7.5 ", D("7.50")), (".5", D("0.50")),
                                                ("7.", D("7.00")), ("+3", D("3.00")), ("19.990", D("19.99"))])
def test_mark_accepts_ascii_decimals(text, expected):
    assert check_mark(text, MEASURE) == expected


def test_mark_still_refuses_three_places():
    with pytest.raises(DomainError, match="two decimal"):
        check_mark("1.234", MEASURE)


@given(st.text(max_size=12))
def test_parse_plain_decimal_accepts_only_the_ascii_grammar(text):
    value = parse_plain_decimal(text)
    if value is not None:
        assert all(ch in "0123456789.+- \t" for ch in text)
        assert value.is_finite()


@given(st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False))
def test_every_two_place_decimal_round_trips(value):
    assert check_mark(str(value), MEASURE) == value


@pytest.mark.parametrize("text", ["1_0", "１０", "٣", "²", "-1", "1.0", "", True, None, 1.0])
def test_parse_plain_int_refuses(text):
    assert parse_plain_int(text) is None


def test_parse_plain_int_accepts():
    assert parse_plain_int(" 12 ") == 12 and parse_plain_int(3) == 3
