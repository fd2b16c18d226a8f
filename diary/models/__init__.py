"""Typed SQLAlchemy models, one module per domain; import them from here."""

from diary.models.audit import AuditEvent, Throttle
from diary.models.care import Checkin, Course, CourseChangeRequest, CourseRevision, PregnancyTest
from diary.models.clinic import Appointment, ChartImage, FlagAck, RosterSummary, Share
from diary.models.entry import SUNBURN_CHOICES, SYMPTOMS, Entry, EntryRevision, SafetyAlert
from diary.models.photo import Photo
from diary.models.session import RecoveryCode, UserSession
from diary.models.user import Role, User

__all__ = [
    "SUNBURN_CHOICES",
    "SYMPTOMS",
    "Appointment",
    "AuditEvent",
    "ChartImage",
    "Checkin",
    "Course",
    "CourseChangeRequest",
    "CourseRevision",
    "Entry",
    "EntryRevision",
    "FlagAck",
    "Photo",
    "PregnancyTest",
    "RecoveryCode",
    "Role",
    "RosterSummary",
    "SafetyAlert",
    "Share",
    "Throttle",
    "User",
    "UserSession",
]
