"""Forms of the bracket pages."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from contest.commands import BracketSetup
from contest.domain.numbers import parse_plain_int

SWISS_TIE_BREAKS = 4


class BracketSetupForm(FlaskForm):
    """Drawing up a bracket: how seeds are set (and from which ranking, or by hand per competitor number), the
    format's options. Build it with ``for_entries`` so that each entry has its seed field (``seed-<number>``).

    The page keeps its own markup (radio buttons, drag-and-drop seed rows); ``get`` gives the value a field
    shows, and each field's ``errors`` are shown beside it."""

    seeding = StringField(_l("Seeds"))
    ranked_event_id = StringField(_l("Qualifying event or preliminary (for seeds by ranking)"))
    third_place = BooleanField(false_values=("", "0", "false"))
    grand_final_reset = BooleanField(false_values=("", "0", "false"))
    rounds = StringField(_l("Rounds (empty: enough to find a single winner)"))
    avoid_same_unit = BooleanField(false_values=("", "0", "false"))
    colours = BooleanField(false_values=("", "0", "false"))
    tie_break1 = StringField()
    tie_break2 = StringField()
    tie_break3 = StringField()
    tie_break4 = StringField()

    @classmethod
    def for_entries(cls, numbers: Iterable[int | None], **kwargs) -> BracketSetupForm:
        """The form with a seed field per numbered entry."""
        seeds = {f"seed_{n}": StringField(name=f"seed-{n}") for n in numbers if n is not None}
        form = type("BracketSetupFormOfEvent", (cls,), seeds)(**kwargs)
        form.seed_numbers = sorted(int(name[5:]) for name in seeds)
        return form

    def get(self, name: str, default: object = None) -> object:
        """What the field ``name`` shows ("1" for a ticked box, "" for an unticked one)."""
        field = self._fields.get(name.replace("-", "_"))
        if field is None:
            return default
        if isinstance(field, BooleanField):
            return "1" if field.data else ""
        if field.raw_data:  # posted: what was sent, an empty choice too
            return field.data
        return field.data if field.data not in (None, "") else default

    def seed_field(self, number: int):
        return self._fields.get(f"seed_{number}")

    def validate(self, extra_validators=None) -> bool:
        """Besides the fields' own checks: with seeds by hand, each seed typed is a whole number."""
        valid = super().validate(extra_validators)
        if (self.seeding.data or "") == "manual":
            for number in getattr(self, "seed_numbers", []):
                field = self.seed_field(number)
                raw = (field.data or "").strip()
                if raw and parse_plain_int(raw) is None:
                    field.errors = [*field.errors, _l("Seeds must be whole numbers (competitor number %(number)s).", number=number)]
                    valid = False
        return valid

    def command(self) -> BracketSetup:
        manual = None
        if self.seeding.data == "manual":
            manual = {}
            for number in getattr(self, "seed_numbers", []):
                raw = (self.seed_field(number).data or "").strip()
                if raw:
                    manual[number] = parse_plain_int(raw)
        return BracketSetup(
            seeding=self.seeding.data if self.seeding.raw_data else "draw",
            ranked_event_id=_int(self.ranked_event_id.data),
            manual_seeds=manual,
            third_place=bool(self.third_place.data),
            grand_final_reset=bool(self.grand_final_reset.data),
            rounds=_int(self.rounds.data),
            avoid_same_unit=bool(self.avoid_same_unit.data),
            colours=bool(self.colours.data),
            tie_breakers=tuple(v for v in (self[f"tie_break{i}"].data or "" for i in range(1, SWISS_TIE_BREAKS + 1)) if v),
        )


def _int(raw: str | None) -> int | None:
    """A number field read as before the form class: ``int()`` of the text, None when it is not one."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
