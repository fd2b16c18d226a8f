"""Typed SQLAlchemy models, one module per domain; import them from here."""

from diary.models.audit import AuditEvent, Throttle
from diary.models.care import Checkin, Course, CourseChangeRequest, CourseRevision, PregnancyTest
from diary.models.clinic import Appointment, ChartImage, FlagAck, RosterSummary, Share
from diary.models.entry import SUNBURN_CHOICES, SYMPTOMS, Entry, EntryRevision, SafetyAlert
from diary.models.photo import Photo
from diary.models.reminder import (
    REMINDER_KINDS,
    CalendarFeed,
    PushSubscription,
    ReminderPreference,
    ReminderSend,
    ReminderSettings,
)
from diary.models.session import RecoveryCode, UserSession
from diary.models.user import Role, User

__all__ = [
    "REMINDER_KINDS",
    "SUNBURN_CHOICES",
    "SYMPTOMS",
    "Appointment",
    "AuditEvent",
    "CalendarFeed",
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
    "PushSubscription",
    "RecoveryCode",
    "ReminderPreference",
    "ReminderSend",
    "ReminderSettings",
    "Role",
    "RosterSummary",
    "SafetyAlert",
    "Share",
    "Throttle",
    "User",
    "UserSession",
]
