from __future__ import annotations

from django.apps import AppConfig


class CommentKindConfig(AppConfig):
    name = "tests.kinds"
    label = "testkinds"
    default_auto_field = "django.db.models.BigAutoField"
    # No ready(): the kind is registered by a fixture, for the tests that use it.
