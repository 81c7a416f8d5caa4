"""SQLAlchemy models, one module per aggregate. Models never commit: services own transactions.

Imports: domain (enums, value types), other models, ``contest.extensions`` (``db``). Imported by: services,
policy/loaders, the CLI and seed; views read them but never write.
"""

from contest.models.audit import AuditLog
from contest.models.base import utcnow
from contest.models.bracket import BracketPlan, Match, MatchAudit
from contest.models.certificate import Certificate
from contest.models.contest import Component, Contest, Criterion, Event
from contest.models.document import CertificateDocument
from contest.models.judging import IdempotencyRecord, JudgeAssignment, Score, ScoreAudit, SignOff
from contest.models.notification import Notification
from contest.models.org import Organisation, OrgLevel
from contest.models.portal import Announcement, Attachment, Target
from contest.models.registration import AwardPlace, Draw, Nomination, NominationMember, NominationStep, Quota
from contest.models.results import EventResult, EventResultNote, Objection, Publication
from contest.models.safety import EvidenceFile, SelfAssessment
from contest.models.user import ApiToken, Gender, LoginSession, Role, SkillLevel, User, UserRole, WorkerProfile

__all__ = [
    "EvidenceFile",
    "SelfAssessment",
    "Announcement",
    "Attachment",
    "Target",
    "BracketPlan",
    "Match",
    "MatchAudit",
    "Certificate",
    "CertificateDocument",
    "EventResult",
    "EventResultNote",
    "Notification",
    "Objection",
    "Publication",
    "IdempotencyRecord",
    "JudgeAssignment",
    "Score",
    "ScoreAudit",
    "SignOff",
    "Component",
    "Contest",
    "Criterion",
    "Draw",
    "Event",
    "Nomination",
    "NominationMember",
    "NominationStep",
    "Quota",
    "AwardPlace",
    "ApiToken",
    "AuditLog",
    "Gender",
    "LoginSession",
    "Organisation",
    "OrgLevel",
    "Role",
    "SkillLevel",
    "User",
    "UserRole",
    "WorkerProfile",
    "utcnow",
]
