from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from moderation.access import MODERATORS_GROUP

# Known passwords are the point of a demo; the command refuses to run in production.
DEMO_ACCOUNTS = (
    # username, password, role
    ("admin", "vakt-admin", "admin"),
    ("moderator", "vakt-moderator", "moderator"),
    ("submitter", "vakt-submitter", "submitter"),
)


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts: admin, moderator, submitter. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates accounts with known passwords: not in production")
        user_model = get_user_model()
        moderators = Group.objects.get(name=MODERATORS_GROUP)
        for username, password, role in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.set_password(password)
            user.is_staff = user.is_superuser = role == "admin"
            user.save()
            if role == "moderator":
                user.groups.add(moderators)
            verb = "created" if created else "reset"
            self.stdout.write(f"  {role:<10} {username:<10} password: {password}   ({verb})")
