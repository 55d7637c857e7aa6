"""The app's admin, for Django's autodiscovery: each part registers its own models."""

from __future__ import annotations

from moderation.images import admin as image_admin
from moderation.items import admin as item_admin
from moderation.policy import admin as policy_admin
from moderation.review import admin as review_admin

# API tokens belong to no app of ours: their admin replaces knox's, after knox's registered.
from project import token_admin

__all__ = ["image_admin", "item_admin", "policy_admin", "review_admin", "token_admin"]
