"""The password policy (contest.domain.passwords)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.domain.errors import DomainError
from contest.domain.passwords import MIN_LENGTH, check_new_password

COMMON = frozenset({"password123", "qwertyuiop1"})


def refusal(password, username="zhangsan", forbidden=()):
    try:
        check_new_password(password, username, COMMON, forbidden)
    except DomainError as exc:
        return exc.message
    return None


def test_each_rule():
    assert refusal("Ab1!Ab1!A") and "at least" in refusal("Ab1!Ab1!A")
    assert "mix" in refusal("abcdefghijk")
    assert "username" in refusal("xZhangSan-2027")
    assert "common" in refusal("PASSWORD123")
    assert "demo" in refusal("Quzhou@2026", forbidden=("Quzhou@2026",))
    assert refusal("Quzhou@2026") is None
    assert refusal("gentle-river-42") is None


@given(st.text(min_size=MIN_LENGTH, max_size=40), st.from_regex(r"[a-z0-9_.]{3,12}", fullmatch=True))
def test_a_password_containing_the_username_is_always_refused(rest, username):
    cut = len(rest) // 2
    password = rest[:cut] + username.upper() + rest[cut:]
    assert refusal(password, username) is not None


@given(st.text(max_size=MIN_LENGTH - 1))
def test_short_passwords_are_always_refused(password):
    assert refusal(password) is not None


@pytest.mark.parametrize("username", ["", "ab"])
def test_very_short_usernames_are_not_searched_for(username):
    assert refusal("ab-gentle-river-42", username) is None
