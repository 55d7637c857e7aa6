from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseGone,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from moderation.access import user_is_moderator
from moderation.appeals.models import MAX_MESSAGE_CHARS
from moderation.appeals.selectors import appeals_attach
from moderation.appeals.services import appeal_create
from moderation.images import selectors, services, thumbnails
from moderation.images.models import ImageUpload
from moderation.items.models import ItemStatus
from moderation.review.disclosure import decisions_attach
from project import ratelimit
from project.budgets import upload_budget_hit
from project.errors import AppError, web_error
from project.limits import body_limit, upload_body_limit
from project.security import FILE_POLICY


@body_limit(upload_body_limit)
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        file = request.FILES.get("image")
        if over := upload_budget_hit(request):
            message = gettext("Too many uploads (limit %(rate)s); try again in %(seconds)s s.")
            messages.error(request, message % {"rate": over.rate, "seconds": over.wait})
            page = render(request, "moderation/upload.html", _my_uploads(request), status=429)
            return ratelimit.with_retry_after(page, over.wait)
        if file is None:
            messages.error(request, gettext("Choose an image to upload."))
        else:
            try:
                services.image_upload_create(owner=request.user, upload=file)  # type: ignore[arg-type]
            except AppError as exc:
                problem = gettext("%(name)s: %(problem)s") % {"name": file.name, "problem": exc}
                return web_error(request, exc, "upload", message=problem)
            else:
                message = gettext("%(name)s uploaded; it is being checked.")
                messages.success(request, message % {"name": file.name})
        return redirect("upload")
    return render(request, "moderation/upload.html", _my_uploads(request))


@login_required
@require_GET
def my_uploads(request: HttpRequest) -> HttpResponse:
    """The "my uploads" grid: alone for the upload page, which polls it while anything is
    pending, and as a page of its own when opened directly (a bookmark, a new tab)."""
    template = "moderation/_my_uploads.html" if request.htmx else "moderation/my_uploads.html"  # type: ignore[attr-defined]
    return render(request, template, _my_uploads(request))


def _my_uploads(request: HttpRequest) -> dict[str, object]:
    images = selectors.image_list_for_owner(user=request.user)  # type: ignore[arg-type]
    page = Paginator(images, 24).get_page(request.GET.get("page"))
    decisions_attach(page)
    appeals_attach(page)
    return {
        "page": page,
        "any_pending": any(image.status == ItemStatus.PENDING for image in page),
        "max_upload_mib": settings.MAX_UPLOAD_BYTES / 1024 / 1024,
        "max_megapixels": settings.MAX_IMAGE_PIXELS / 1_000_000,
        "max_appeal_chars": MAX_MESSAGE_CHARS,
    }


@login_required
@require_POST
def image_appeal(request: HttpRequest, image_id: uuid.UUID) -> HttpResponse:
    """The owner appeals a rejection from "my uploads"; anyone else gets the 404 page."""
    image = selectors.image_get_for_user(user=request.user, image_id=image_id)
    if image is None:
        raise Http404(gettext("No such image"))
    try:
        appeal_create(item=image, submitter=request.user, message=request.POST.get("message", ""))  # type: ignore[arg-type]
    except AppError as exc:
        return web_error(request, exc, "upload")
    messages.success(request, gettext("Appeal sent: a moderator will look at the image again."))
    return redirect("upload")


# Stored images are re-encoded by us (images/processing.py): the only types served.
SERVED_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


@login_required
@require_GET
def image_file(request: HttpRequest, image_id: uuid.UUID) -> HttpResponseBase:
    image = selectors.image_get_for_user(user=request.user, image_id=image_id)
    if image is None or not selectors.image_file_visible_to(image=image, user=request.user):
        raise Http404(gettext("No such image"))
    if not image.file_key:
        return HttpResponseGone(
            gettext("This file was deleted (retention period or account deletion).")
        )
    # The type comes from what we stored, never from the client; anything else downloads.
    content_type = image.content_type if image.content_type in SERVED_TYPES else ""
    filename = f"{image.id}.{SERVED_TYPES.get(content_type, 'bin')}"
    disposition = f'{"inline" if content_type else "attachment"}; filename="{filename}"'
    content_type = content_type or "application/octet-stream"
    # Quarantined files must not linger in any cache; approved ones may, privately, a little.
    cache_control = (
        "private, max-age=300" if image.status == ItemStatus.APPROVED else "private, no-store"
    )
    if settings.AWS_STORAGE_BUCKET_NAME:
        # A presigned URL valid for a few minutes; the bucket itself stays private. S3 answers
        # with the headers the signature fixes.
        url = default_storage.url(  # type: ignore[call-arg]  # S3Storage.url takes parameters
            image.file_key,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": cache_control,
            },
        )
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        response = FileResponse(default_storage.open(image.file_key, "rb"))
        response["Content-Type"] = content_type
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response


@login_required
@require_GET
def image_thumbnail(request: HttpRequest, image_id: uuid.UUID) -> HttpResponseBase:
    """The queue's small grey blurred copy (thumbnails.py): moderators only, never cached
    outside this server, like every page of the queue."""
    if not user_is_moderator(request.user):
        raise Http404(gettext("No such image"))
    image = ImageUpload.objects.filter(id=image_id).first()
    if image is None:
        raise Http404(gettext("No such image"))
    data = thumbnails.image_thumbnail(image)
    if data is None:
        return HttpResponseGone(
            gettext("This file was deleted (retention period or account deletion).")
        )
    response = HttpResponse(data, content_type=thumbnails.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{image.id}-thumbnail.jpg"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
