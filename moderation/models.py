"""The app's models, for Django to find: each lives with the part of the app it belongs to.

Core modules import their models from there (`moderation.items.models`, …); this module also
loads the image kind's, which only the app's wiring (this file, apps.py, admin.py, urls.py,
tasks.py) may do.
"""

from __future__ import annotations

from moderation.access import (
    MODERATORS_GROUP,
    REVIEW_PERMISSION,
    SENIOR_MODERATORS_GROUP,
    SENIOR_PERMISSION,
    ModerationAccess,
    UserPreference,
)
from moderation.appeals.models import Appeal, AppealState
from moderation.images.models import ImageUpload
from moderation.items.models import AnalysedItem, AuditEvent, AuditSubject, DecidedBy, ItemStatus
from moderation.policy.models import CategoryKind, Policy, PolicyBand, validate_band
from moderation.qa.models import QaCursor, QaSample, QaVerdict
from moderation.review.models import (
    BulkAction,
    BulkEntry,
    BulkState,
    ModeratorPreference,
    ReviewItem,
    ReviewQueueCount,
    ReviewSkip,
)

__all__ = [
    "MODERATORS_GROUP",
    "REVIEW_PERMISSION",
    "SENIOR_MODERATORS_GROUP",
    "SENIOR_PERMISSION",
    "AnalysedItem",
    "Appeal",
    "AppealState",
    "AuditEvent",
    "AuditSubject",
    "BulkAction",
    "BulkEntry",
    "BulkState",
    "CategoryKind",
    "DecidedBy",
    "ImageUpload",
    "ItemStatus",
    "ModerationAccess",
    "ModeratorPreference",
    "Policy",
    "PolicyBand",
    "QaCursor",
    "QaSample",
    "QaVerdict",
    "ReviewItem",
    "ReviewQueueCount",
    "ReviewSkip",
    "UserPreference",
    "validate_band",
]
