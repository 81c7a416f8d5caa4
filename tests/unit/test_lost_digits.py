"""Resident IDs that lost digits in a spreadsheet (issue 12.9): one message, number cells always refused,
valid IDs ending in 000 flagged."""

from datetime import date, timedelta

import pytest
from stdnum.cn import ric

from contest.domain.identity import LOST_DIGITS, InvalidResidentId, normalise_resident_id, probably_lost_digits


def id_ending_000(valid: bool = True) -> str:
    """A resident ID whose sequence ends in 00 and sex digit is 0; its check digit 0 (valid) or not."""
    day = date(1990, 5, 17)
    while True:
        body = f"330802{day:%Y%m%d}100"
        if (ric.calc_check_digit(body + "0") == "0") == valid:
            return body + "0"
        day += timedelta(days=1)


VALID_000 = id_ending_000(valid=True)
DAMAGED_000 = id_ending_000(valid=False)


@pytest.mark.parametrize("raw", ["3.30802E+17", "330802199005171786.0", 3.30802199005171e17, 330802199005171786])
def test_numbers_have_lost_digits(raw):
    with pytest.raises(InvalidResidentId) as info:
        normalise_resident_id(raw)
    assert info.value.message == LOST_DIGITS


def test_a_number_cell_is_refused_whatever_it_shows():
    with pytest.raises(InvalidResidentId) as info:
        normalise_resident_id("330802199005171786", number_cell=True)
    assert info.value.message == LOST_DIGITS


def test_an_id_ending_in_000_with_a_wrong_check_digit_has_lost_digits_not_a_wrong_check_digit():
    with pytest.raises(InvalidResidentId) as info:
        normalise_resident_id(DAMAGED_000)
    assert info.value.message == LOST_DIGITS and info.value.params["value"] == DAMAGED_000


def test_a_valid_id_ending_in_000_is_accepted_but_flagged():
    assert normalise_resident_id(VALID_000) == VALID_000
    assert probably_lost_digits(VALID_000)
    assert not probably_lost_digits("330802199005171786")
