"""The app's admin, for Django's autodiscovery: each part registers its own models."""

from __future__ import annotations

from moderation.images import admin as image_admin
from moderation.items import admin as item_admin
from moderation.policy import admin as policy_admin
from moderation.review import admin as review_admin

__all__ = ["image_admin", "item_admin", "policy_admin", "review_admin"]
