from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from moderation.images.kind import ImageKind
        from moderation.items.models import AnalysedItem
        from moderation.kinds import kind_register
        from project import tokens

        kind_register(ImageKind())
        # A changed password or a deactivation revokes the account's API tokens, whatever the
        # path (the admin, `set_password` and save, a form, a command).
        user_model = get_user_model()
        pre_save.connect(tokens.account_before_save, sender=user_model, dispatch_uid="vakt-tok-pre")
        post_save.connect(tokens.account_saved, sender=user_model, dispatch_uid="vakt-tok-post")
        # However an account is deleted (admin, shell, `delete_user`), its files go with it.
        pre_delete.connect(_erase_user, sender=user_model, dispatch_uid="vakt-erase-user")
        # Queue counters follow entries created or deleted by any path (cascades included);
        # decisions and undos, which are UPDATEs, move them in moderation/review/.
        post_save.connect(
            _review_entry_saved, sender="moderation.ReviewItem", dispatch_uid="vakt-queue-add"
        )
        post_delete.connect(
            _review_entry_deleted, sender="moderation.ReviewItem", dispatch_uid="vakt-queue-del"
        )
        # A queue entry names its item by kind and id, without a foreign key to cascade: an
        # item of any kind, however deleted, takes its entry along here.
        for model in apps.get_models():
            if issubclass(model, AnalysedItem):
                post_delete.connect(
                    _item_deleted, sender=model, dispatch_uid=f"vakt-item-del-{model._meta.label}"
                )


def _erase_user(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    from moderation.items.retention import user_erase

    user_erase(user=instance)


def _item_deleted(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    from moderation.appeals.models import Appeal
    from moderation.qa.models import QaSample
    from moderation.review.models import ReviewItem

    # Each deleted entry sends post_delete, which moves the queue counters.
    ReviewItem.objects.filter(kind=instance.KIND, item_id=instance.pk).delete()
    # Nothing is left to check; a verdict already given stays, for the precision figures.
    QaSample.objects.filter(kind=instance.KIND, item_id=instance.pk, verdict="").delete()
    Appeal.objects.filter(kind=instance.KIND, item_id=instance.pk).delete()


def _review_entry_saved(sender: type[Any], instance: Any, created: bool, **kwargs: Any) -> None:
    if created and instance.resolved_at is None:
        from moderation.review.counts import queue_count_add

        queue_count_add(kind=instance.kind, reason=instance.reason, delta=1)


def _review_entry_deleted(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if instance.resolved_at is None:
        from moderation.review.counts import queue_count_add

        queue_count_add(kind=instance.kind, reason=instance.reason, delta=-1)
