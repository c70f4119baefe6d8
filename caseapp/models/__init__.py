"""SQLAlchemy models: typed, no commits, no Flask imports."""

from caseapp.models.audit import AuditEvent
from caseapp.models.base import Base
from caseapp.models.case import (
    Case,
    CaseDuplicate,
    CaseRight,
    Document,
    DomesticRemedy,
    KekCanary,
    OtherProcedure,
    ReferenceCounter,
    UnusedRemedy,
    Victim,
)
from caseapp.models.case_team import CaseTeamMember
from caseapp.models.committee import (
    CalendarFeed,
    CaseDeadline,
    Communication,
    FollowUpAssessment,
    FollowUpSubmission,
    InterimMeasure,
    MediaCoverage,
    PublicityAction,
)
from caseapp.models.keys import DataKey
from caseapp.models.message import Message
from caseapp.models.notification import Notification, NotificationPreference
from caseapp.models.organisation import Organisation
from caseapp.models.rate_limit import RateLimitCounter
from caseapp.models.register import CovenantStatus, StateParty, StatePartyChange
from caseapp.models.screening import CaseEvent, ScreeningVersion
from caseapp.models.session import UserSession
from caseapp.models.token import ApiToken
from caseapp.models.user import LoginFailure, Passkey, RecoveryCode, SetupToken, User

__all__ = [
    "ApiToken", "AuditEvent", "Base", "CalendarFeed", "Communication", "FollowUpAssessment", "FollowUpSubmission",
    "InterimMeasure", "MediaCoverage", "PublicityAction", "Case", "CaseDeadline", "CaseDuplicate", "CaseEvent",
    "CaseTeamMember",
    "CaseRight",
    "CovenantStatus", "DataKey",
    "Document", "DomesticRemedy", "KekCanary", "Message",
    "Notification", "NotificationPreference", "OtherProcedure", "UnusedRemedy", "ReferenceCounter",
    "RateLimitCounter", "ScreeningVersion", "Victim", "LoginFailure", "Organisation", "Passkey", "RecoveryCode",
    "SetupToken", "StateParty", "StatePartyChange", "User", "UserSession",
]
