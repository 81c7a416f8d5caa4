"""Forms of the bracket pages."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import ValidationError

from contest.commands import MAX_MATCH_SCORE, MAX_REASON, BracketSetup, MatchResult
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


class MatchResultForm(FlaskForm):
    """A match result on the tablet-sized match page → ``MatchResult`` (``command``). Field names are the
    API's (``brackets.js`` sends the same fields to ``PUT /api/v1/matches/<id>``). Each field's own problem is
    shown beside it; the service's refusals that name a field (``FieldError``) go there too
    (``contest.forms.place_refusal``). ``get`` gives the value a field shows after a refused post."""

    winner = StringField(_l("Winner"))
    home_score = StringField()
    away_score = StringField()
    kind = StringField(_l("How it ended"))
    version = HiddenField()
    reason = StringField(_l("Reason for the change (required)"))
    confirm = BooleanField(false_values=("", "0", "false"))

    def get(self, name: str, default: object = None) -> object:
        """What the field ``name`` shows: the text posted, else ``default``."""
        field = self._fields.get(name)
        if field is None or not field.raw_data:
            return default
        return field.data

    def validate_winner(self, field) -> None:
        if (field.data or "").strip() not in ("home", "away", "draw"):
            raise ValidationError(_l("Choose the winner."))

    def validate_kind(self, field) -> None:
        if (field.data or "normal") not in ("normal", "walkover", "retired"):
            raise ValidationError(_l("Unknown kind of result."))

    def validate_home_score(self, field) -> None:
        _check_score(field.data)

    def validate_away_score(self, field) -> None:
        _check_score(field.data)

    def validate_version(self, field) -> None:
        if (field.data or "").strip() and parse_plain_int(field.data.strip()) is None:
            raise ValidationError(_l("The version must be a whole number."))

    def validate_reason(self, field) -> None:
        if len((field.data or "").strip()) > MAX_REASON:
            raise ValidationError(_l("The reason is longer than %(limit)d characters.", limit=MAX_REASON))

    def command(self) -> MatchResult:
        """The typed result (call after ``validate``): empty scores are 0, an empty version is none."""
        version = (self.version.data or "").strip()
        return MatchResult(
            winner=self.winner.data.strip(), home_score=_score(self.home_score.data), away_score=_score(self.away_score.data),
            kind=self.kind.data or "normal", version=parse_plain_int(version) if version else None,
            reason=(self.reason.data or "").strip(), confirm=bool(self.confirm.data))


def _score(raw: str | None) -> int:
    raw = (raw or "").strip()
    return parse_plain_int(raw) if raw else 0


def _check_score(raw: str | None) -> None:
    raw = (raw or "").strip()
    if raw:
        value = parse_plain_int(raw)
        if value is None or value > MAX_MATCH_SCORE:
            raise ValidationError(_l("Scores are whole numbers from 0 to %(max)d.", max=MAX_MATCH_SCORE))


def _int(raw: str | None) -> int | None:
    """A number field read as before the form class: ``int()`` of the text, None when it is not one."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
