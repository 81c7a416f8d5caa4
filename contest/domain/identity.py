"""Resident identity numbers (居民身份证号码) and privacy masking.

Validation uses python-stdnum's ``cn.ric`` parts: length, digits, the ISO 7064 MOD 11-2 check digit,
a real birth date (not in the future) and a region code that exists in stdnum's table of Chinese
administrative divisions. Unlike ``ric.validate`` it does not require the region code to have existed
in the birth year: IDs were first issued from 1985 on, so a worker born in 1970 in 柯城区 genuinely
holds 330802 although that code dates from 1985, and refusing him would be wrong. Spreadsheet software often turns an 18-digit ID into a number such as
``3.30802E+17`` or ``330802199001011234.0``; such values have lost digits and are refused with a
message saying so (:data:`LOST_DIGITS`, the same everywhere), never "repaired"; a valid ID ending in 000 is
flagged (:func:`probably_lost_digits`) for the uploader to confirm.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date
from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from contest.domain.errors import N_, DomainError

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d{17}[\dXx]\.0+$")


class InvalidResidentId(DomainError):
    pass


#: The one message for an ID that spreadsheet software has damaged (shown for number cells, scientific
#: notation, and IDs ending in 000 that fail their check digit or match nobody).
LOST_DIGITS = N_(
    "The resident ID number %(value)s was turned into a number by spreadsheet software and has lost "
    "digits; format the column as text and enter the ID again."
)


def lost_digits(value: object) -> InvalidResidentId:
    return InvalidResidentId(LOST_DIGITS, value=str(value))


def probably_lost_digits(resident_id: str) -> bool:
    """True for an 18-character ID ending in ``000``. Spreadsheet software keeps 15 significant digits, so an
    ID typed into a number cell comes back as its first 15 digits and ``000``; one in eleven such damaged IDs
    still passes the check digit. Genuine IDs can end in 000 too, so a valid one is only flagged: an import
    takes it once the uploader has confirmed it against the ID card."""
    return len(resident_id) == 18 and resident_id.endswith("000")


def normalise_resident_id(raw: object, *, number_cell: bool = False, today: date | None = None) -> str:
    """Return the canonical 18-character form of a resident ID or raise ``InvalidResidentId``.

    Accepts surrounding spaces, full-width digits and a lower-case check letter ``x``. ``number_cell`` says
    the value came from a spreadsheet cell holding a number: such a value is always refused with
    :data:`LOST_DIGITS`, whatever it looks like, as are scientific notation, a ``.0`` tail and an ID ending
    in 000 whose check digit fails. A birth date after ``today`` (the caller's clock, ``contest.clock.today()``;
    default: the system's date) is impossible.
    """
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip().replace(" ", "")
    if not text:
        raise InvalidResidentId(N_("The resident ID number is missing."))
    if number_cell or _SCIENTIFIC.match(text) or _FLOAT_TAIL.match(text) or isinstance(raw, float | int):
        raise lost_digits(text)
    text = text.upper()
    try:
        return _validate(text, today or date.today())
    except InvalidLength:
        raise InvalidResidentId(
            N_("The resident ID number must have 18 characters (%(count)d given)."), count=len(text)
        ) from None
    except InvalidChecksum:
        if probably_lost_digits(text):
            raise lost_digits(text) from None
        raise InvalidResidentId(N_("The resident ID number %(value)s has a wrong check digit."), value=text) from None
    except InvalidComponent:
        raise InvalidResidentId(
            N_("The resident ID number %(value)s has an impossible birth date or region code."), value=text
        ) from None
    except ValidationError:
        raise InvalidResidentId(
            N_("The resident ID number %(value)s may contain only digits and a final X."), value=text
        ) from None


def _validate(number: str, today: date) -> str:
    number = ric.compact(number)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    born = ric.get_birth_date(number)  # raises InvalidComponent for an impossible date
    if born > today or born.year < 1900:
        raise InvalidComponent()
    if not any(props for _part, props in _regions().info(number[:6])[1:]):
        raise InvalidComponent()
    return number


@lru_cache(maxsize=1)
def _regions():
    from stdnum import numdb

    return numdb.get("cn/loc")


def birth_date(resident_id: str) -> date:
    """The birth date written in an 18-character resident ID (characters 7–14, YYYYMMDD). Read directly: ranking
    10,000 entries asks for 10,000 ages, and stdnum's parser costs ten times as much; anything else (or an
    impossible date) goes to stdnum, which refuses it with its own error."""
    if len(resident_id) == 18 and resident_id[6:14].isascii() and resident_id[6:14].isdigit():
        try:
            return date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
        except ValueError:
            pass
    return ric.get_birth_date(resident_id)


def gender_code(resident_id: str) -> str:
    """``"M"`` or ``"F"``: the 17th character is odd for men and even for women."""
    return "M" if int(resident_id[16]) % 2 == 1 else "F"


def age_on(resident_id: str, on: date) -> int:
    """Age in completed years on ``on`` (a birthday on 29 February counts on 1 March in common years)."""
    born = birth_date(resident_id)
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)


def mask_resident_id(resident_id: str) -> str:
    """Show the first four and the last four characters: ``3308**********123X``."""
    if len(resident_id) <= 8:
        return "*" * len(resident_id)
    return resident_id[:4] + "*" * (len(resident_id) - 8) + resident_id[-4:]


def mask_name(name: str) -> str:
    """Mask a personal name for public pages: 张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    """138****5678 for an 11-digit mobile number."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def generate_resident_id(rng: random.Random, region: str, born: date, gender: str) -> str:
    """A valid resident ID for demo and test data (region is a six-digit administrative code)."""
    sequence = rng.randrange(0, 100)
    sex_digit = rng.choice("13579" if gender == "M" else "02468")
    body = f"{region}{born:%Y%m%d}{sequence:02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")
