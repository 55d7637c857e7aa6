from __future__ import annotations

from typing import Any

from django.db import migrations


def create_moderators_group(apps: Any, schema_editor: Any) -> None:
    # Permissions are normally created after all migrations ran (post_migrate); create this
    # one now so the group can be granted it on a fresh database.
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _ = content_type_model.objects.get_or_create(
        app_label="moderation", model="moderationaccess"
    )
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type,
        codename="review_content",
        defaults={"name": "Can review and decide queued content"},
    )
    group, _ = group_model.objects.get_or_create(name="Moderators")
    group.permissions.add(permission)


def remove_moderators_group(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0001_access"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
