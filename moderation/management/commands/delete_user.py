from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moderation.items.retention import user_delete


class Command(BaseCommand):
    help = (
        "Delete an account with its uploaded files and feedback documents; decided items stay "
        "as anonymous rows, and the audit trail no longer names the user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for confirmation",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if options["interactive"]:
            answer = input(f"Type the username again to delete {username!r} for good: ")
            if answer != username:
                raise CommandError("not confirmed; nothing deleted")
        report = user_delete(user=user)
        self.stdout.write(
            f"deleted {username}: {report.files} files, {report.items_deleted} undecided items "
            f"deleted, {report.items_anonymised} decided items anonymised, "
            f"{report.audit_events} audit events scrubbed"
        )
