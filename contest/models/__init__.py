"""SQLAlchemy models, one module per aggregate. Models never commit: services own transactions."""

from contest.models.audit import AuditLog
from contest.models.base import utcnow
from contest.models.org import Organisation, OrgLevel
from contest.models.user import ApiToken, Gender, Role, SkillLevel, User, UserRole, WorkerProfile

__all__ = [
    "ApiToken",
    "AuditLog",
    "Gender",
    "Organisation",
    "OrgLevel",
    "Role",
    "SkillLevel",
    "User",
    "UserRole",
    "WorkerProfile",
    "utcnow",
]
