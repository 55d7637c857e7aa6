"""Appeals of rejections (moderation/appeals/) and their SLA in the policy."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0019_qa_sampling"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="appeal_sla_seconds",
            field=models.PositiveIntegerField(default=86400, verbose_name="appeal SLA (seconds)"),
        ),
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("kind", models.CharField(max_length=10, verbose_name="kind")),
                ("item_id", models.UUIDField(verbose_name="item id")),
                ("message", models.TextField(verbose_name="message")),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="appealed at"
                    ),
                ),
                (
                    "rejected_by",
                    models.CharField(
                        choices=[("machine", "Machine"), ("moderator", "Moderator")],
                        max_length=10,
                        verbose_name="rejected by",
                    ),
                ),
                (
                    "rejected_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="rejected at"),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "open"),
                            ("upheld", "rejection upheld"),
                            ("overturned", "rejection overturned"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                (
                    "handled_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="handled at"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "handled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handled by",
                    ),
                ),
                (
                    "rejected_by_moderator",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="rejecting moderator",
                    ),
                ),
                (
                    "submitter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitter",
                    ),
                ),
            ],
            options={
                "verbose_name": "appeal",
                "verbose_name_plural": "appeals",
                "ordering": ["created_at"],
                "indexes": [models.Index(fields=["state", "created_at"], name="appeal_state_age")],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "item_id"), name="appeal_one_per_item")
                ],
            },
        ),
    ]
