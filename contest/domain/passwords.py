"""The password policy (pure): what a new password must not be.

A new password is refused, in this order, when it
1. has fewer than ``MIN_LENGTH`` (10) characters;
2. consists of letters only or digits only;
3. contains the account's username (ignoring case; usernames shorter than 3 characters are not checked);
4. is on the list of common passwords (compared in lower case; the list ships with the app,
   ``contest/common_passwords.txt``);
5. equals one of the ``forbidden`` passwords (the demo password, outside the demo).
"""

from __future__ import annotations

from collections.abc import Collection

from contest.domain.errors import N_, DomainError

MIN_LENGTH = 10
MAX_LENGTH = 128
DEMO_PASSWORD = "Quzhou@2026"  # the one password of the seeded demo accounts (``contest.seed``); refused outside the demo


def check_new_password(password: str, username: str, common: Collection[str], forbidden: Collection[str] = ()) -> None:
    """Raise ``DomainError`` with the first rule ``password`` breaks (see the module docstring)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(N_("The password must have at least %(count)d characters."), count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise DomainError(N_("The password may have at most %(count)d characters."), count=MAX_LENGTH)
    if password.isdigit() or password.isalpha():
        raise DomainError(N_("The password must mix letters with digits or symbols."))
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        raise DomainError(N_("The password must not contain your username."))
    if password.lower() in common:
        raise DomainError(N_("This password is one of the most common ones and easy to guess; choose another."))
    if password in forbidden:
        raise DomainError(N_("This is the published demo password; choose your own."))
