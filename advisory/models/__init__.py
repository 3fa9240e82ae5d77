"""Typed SQLAlchemy 2.0 models: what was answered, decided and done, never the content texts.

One module per area; every model is importable from here, and importing this package registers
all tables on Base.metadata (Alembic and create_all rely on that).
"""

from advisory.models.accounts import AuditEvent, Role, RoleScope, ScopeKind, User
from advisory.models.assessments import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentDomain,
    AssessmentStatus,
)
from advisory.models.base import NAMING_CONVENTION, Base, UTCDateTime, utcnow
from advisory.models.catalogue import CatalogueEntry, SolutionEdit, SolutionReview
from advisory.models.directory import Municipality
from advisory.models.peers import (
    CooperationMessage,
    CooperationRequest,
    CooperationStatus,
    PeerConsent,
)
from advisory.models.plan import PlanItem, PlanStatus
from advisory.models.portfolio import InventorySummary
from advisory.models.review import AnswerReview, Evidence, Finding, ReviewRecord, StatusChange
from advisory.models.security import LoginSession, RateLimitWindow
from advisory.models.team import DomainAssignment, OneTimeToken, StaffMember
from advisory.models.training import (
    ParticipantStatus,
    SessionMunicipality,
    SessionParticipant,
    TrainingSession,
)

__all__ = [
    "NAMING_CONVENTION",
    "Answer",
    "AnswerChange",
    "AnswerReview",
    "Assessment",
    "AssessmentDomain",
    "AssessmentStatus",
    "AuditEvent",
    "Base",
    "CatalogueEntry",
    "CooperationMessage",
    "CooperationRequest",
    "CooperationStatus",
    "DomainAssignment",
    "Evidence",
    "Finding",
    "InventorySummary",
    "LoginSession",
    "Municipality",
    "OneTimeToken",
    "ParticipantStatus",
    "PeerConsent",
    "PlanItem",
    "PlanStatus",
    "RateLimitWindow",
    "ReviewRecord",
    "Role",
    "RoleScope",
    "ScopeKind",
    "SessionMunicipality",
    "SessionParticipant",
    "SolutionEdit",
    "SolutionReview",
    "StaffMember",
    "StatusChange",
    "TrainingSession",
    "UTCDateTime",
    "User",
    "utcnow",
]
