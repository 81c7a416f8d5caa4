"""Translated display names for enumerations."""

from flask_babel import lazy_gettext as _l

from contest.models import OrgLevel, Role, SkillLevel
from contest.models.user import Gender

LEVEL_LABELS = {
    OrgLevel.CITY: _l("City"),
    OrgLevel.COUNTY: _l("County/district"),
    OrgLevel.ENTERPRISE: _l("Enterprise"),
    OrgLevel.TEAM: _l("Team"),
}
ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.JUDGE: _l("Judge"),
    Role.WORKER: _l("Worker"),
}
SKILL_LABELS = {
    SkillLevel.NONE: _l("None"),
    SkillLevel.LEVEL5: _l("Level 5 / junior worker"),
    SkillLevel.LEVEL4: _l("Level 4 / intermediate worker"),
    SkillLevel.LEVEL3: _l("Level 3 / senior worker"),
    SkillLevel.LEVEL2: _l("Level 2 / technician"),
    SkillLevel.LEVEL1: _l("Level 1 / senior technician"),
}
GENDER_LABELS = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}

from contest.domain.contests import Aggregation, ContestKind, ContestStatus, CriterionKind, EventKind  # noqa: E402
from contest.domain.nominations import NominationStatus  # noqa: E402
from contest.domain.scoring_types import SCORING_TYPES  # noqa: E402

KIND_LABELS = {
    ContestKind.SKILLS: _l("Vocational skills contest"),
    ContestKind.MERIT: _l("Merit contest"),
    ContestKind.SAFETY: _l("Safety Cup"),
    ContestKind.INNOVATION: _l("Innovation contest"),
    ContestKind.SPORTS: _l("Workers' skills games"),
    ContestKind.DATA: _l("Data mining contest"),
}
STATUS_LABELS = {
    ContestStatus.DRAFT: _l("Draft"),
    ContestStatus.OPEN: _l("Registration open"),
    ContestStatus.CLOSED: _l("Registration closed"),
    ContestStatus.RUNNING: _l("Running"),
    ContestStatus.SCORED: _l("Scored"),
    ContestStatus.PUBLISHED: _l("Published for notice"),
    ContestStatus.FINAL: _l("Final"),
}
STATUS_COLOURS = {
    ContestStatus.DRAFT: "secondary", ContestStatus.OPEN: "success", ContestStatus.CLOSED: "warning",
    ContestStatus.RUNNING: "primary", ContestStatus.SCORED: "info", ContestStatus.PUBLISHED: "info", ContestStatus.FINAL: "dark",
}
TRANSITION_LABELS = {
    "open": _l("Open registration"),
    "close": _l("Close registration"),
    "reopen": _l("Reopen registration"),
    "start": _l("Start the contest"),
}
EVENT_KIND_LABELS = {EventKind.INDIVIDUAL: _l("Individual event"), EventKind.TEAM: _l("Team event"), EventKind.UNIT: _l("Unit event")}
AGGREGATION_LABELS = {
    Aggregation.MEAN: _l("Mean"),
    Aggregation.TRIMMED_MEAN: _l("Mean without the highest and lowest mark"),
    Aggregation.MEDIAN: _l("Median"),
}
# Every kind of mark, named by its scoring type (the registry holds the msgids).
CRITERION_KIND_LABELS = {CriterionKind(kind.name): _l(kind.label) for kind in SCORING_TYPES.values()}
NOMINATION_STATUS_LABELS = {
    NominationStatus.PENDING: _l("Waiting for approval"),
    NominationStatus.CONFIRMED: _l("Confirmed"),
    NominationStatus.REJECTED: _l("Rejected"),
    NominationStatus.WITHDRAWN: _l("Withdrawn"),
}
NOMINATION_STATUS_COLOURS = {
    NominationStatus.PENDING: "warning", NominationStatus.CONFIRMED: "success",
    NominationStatus.REJECTED: "danger", NominationStatus.WITHDRAWN: "secondary",
}
STEP_LABELS = {
    "submit": _l("Submitted"),
    "import": _l("Imported"),
    "approve": _l("Approved"),
    "confirm": _l("Confirmed by the host"),
    "reject": _l("Rejected"),
    "withdraw": _l("Withdrawn"),
    "promote": _l("Promoted from a preliminary"),
    "carry": _l("Carried forward from an earlier period"),
}
BRACKET_LABELS = {
    "single_elimination": _l("Single elimination"),
    "double_elimination": _l("Double elimination"),
    "round_robin": _l("Round robin"),
    "swiss": _l("Swiss rounds"),
}
PART_LABELS = {
    "W": _l("Winners' bracket"),
    "L": _l("Losers' bracket"),
    "GF": _l("Grand final"),
    "3P": _l("Third-place match"),
    "RR": _l("Round robin"),
    "SW": _l("Swiss rounds"),
}
SWISS_TIE_BREAK_LABELS = {  # FIDE C.07 names; the order is the event's choice
    "buchholz_cut1": _l("Buchholz Cut-1 (without the weakest opponent)"),
    "buchholz": _l("Buchholz (sum of the opponents' points)"),
    "median_buchholz": _l("Median-Buchholz (without the strongest and the weakest opponent)"),
    "sonneborn_berger": _l("Sonneborn-Berger (points won against each opponent × its points)"),
}
SEEDING_LABELS = {
    "draw": _l("By the draw of competitor numbers"),
    "ranking": _l("By the ranking of a qualifying event or preliminary"),
    "manual": _l("By hand"),
}
MATCH_KIND_LABELS = {
    "normal": _l("Played to the end"),
    "walkover": _l("Walk-over (the other side did not appear)"),
    "retired": _l("Retirement (the other side gave up during the match)"),
}

from contest.domain.draw import ALGORITHM as DRAW_ALGORITHM  # noqa: E402

# Plain-language names of draw algorithms (the technical name stays in the record, for reproduction).
DRAW_METHOD_LABELS = {DRAW_ALGORITHM: _l("Random draw (reproducible)")}

OBJECTION_STATUS_LABELS = {"open": _l("Awaiting the host's answer"), "upheld": _l("Upheld"), "dismissed": _l("Dismissed")}
OBJECTION_STATUS_COLOURS = {"open": "warning", "upheld": "success", "dismissed": "secondary"}

# what a scoring flag (domain.scoring.Flag.code) asks the chief judge to check, shown on the criterion concerned
FLAG_LABELS = {
    "judgement_spread": _l("Judges' marks differ by more than 1: check this judgement."),
    "measurement_conflict": _l("The judges measured different values: check the measurement."),
    "no_marks": _l("Nobody has marked this criterion; it counts as 0."),
}
