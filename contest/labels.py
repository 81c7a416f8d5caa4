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
