"""Queue entries name their item by kind and id instead of one foreign key per kind, so the core
knows no kind's table (moderation/kinds.py). Every existing entry keeps its item."""

from __future__ import annotations

from django.db import migrations, models

FILL = "UPDATE moderation_reviewitem SET item_id = COALESCE(image_id, feedback_id)"
UNFILL = (
    "UPDATE moderation_reviewitem SET image_id = item_id WHERE kind = 'image';"
    "UPDATE moderation_reviewitem SET feedback_id = item_id WHERE kind = 'feedback'"
)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0011_calibrated_sentiment_threshold"),
        ("feedback", "0004_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewitem",
            name="item_id",
            field=models.UUIDField(null=True, verbose_name="item id"),
        ),
        migrations.RunSQL(FILL, reverse_sql=UNFILL),
        migrations.AlterField(
            model_name="reviewitem",
            name="item_id",
            field=models.UUIDField(verbose_name="item id"),
        ),
        migrations.RemoveField(model_name="reviewitem", name="image"),
        migrations.RemoveField(model_name="reviewitem", name="feedback"),
        migrations.AlterField(
            model_name="reviewitem",
            name="kind",
            field=models.CharField(max_length=10, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="reviewqueuecount",
            name="kind",
            field=models.CharField(max_length=10),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="item_kind",
            field=models.CharField(max_length=10, verbose_name="subject"),
        ),
        migrations.AddConstraint(
            model_name="reviewitem",
            constraint=models.UniqueConstraint(
                fields=("kind", "item_id"), name="review_one_per_item"
            ),
        ),
    ]
