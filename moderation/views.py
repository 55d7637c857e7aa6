from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from moderation import selectors, services
from moderation.images import ImageRejected
from moderation.models import ItemStatus
from project import ratelimit


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        file = request.FILES.get("image")
        wait = ratelimit.hit(scope="uploads", ident=str(request.user.pk), rate=settings.UPLOAD_RATE)
        if wait is not None:
            messages.error(
                request, f"Too many uploads (limit {settings.UPLOAD_RATE}); try again in {wait} s."
            )
        elif file is None:
            messages.error(request, "Choose an image to upload.")
        else:
            try:
                services.image_upload_create(owner=request.user, upload=file)  # type: ignore[arg-type]
            except ImageRejected as exc:
                messages.error(request, f"{file.name}: {exc.message}")
            else:
                messages.success(request, f"{file.name} uploaded; it is being checked.")
        return redirect("upload")
    return render(request, "moderation/upload.html", _my_uploads(request))


@login_required
@require_GET
def my_uploads(request: HttpRequest) -> HttpResponse:
    """The "my uploads" grid alone, polled by the upload page while anything is pending."""
    return render(request, "moderation/_my_uploads.html", _my_uploads(request))


def _my_uploads(request: HttpRequest) -> dict[str, object]:
    images = selectors.image_list_for_owner(user=request.user)  # type: ignore[arg-type]
    page = Paginator(images, 24).get_page(request.GET.get("page"))
    return {
        "page": page,
        "any_pending": any(image.status == ItemStatus.PENDING for image in page),
        "max_upload_mib": settings.MAX_UPLOAD_BYTES / 1024 / 1024,
        "max_megapixels": settings.MAX_IMAGE_PIXELS / 1_000_000,
    }


@login_required
@require_GET
def image_file(request: HttpRequest, image_id: uuid.UUID) -> HttpResponseBase:
    image = selectors.image_get_for_user(user=request.user, image_id=image_id)
    if image is None or not selectors.image_file_visible_to(image=image, user=request.user):
        raise Http404("No such image")
    if settings.AWS_STORAGE_BUCKET_NAME:
        # A presigned URL valid for a few minutes; the bucket itself stays private.
        response: HttpResponseBase = HttpResponseRedirect(default_storage.url(image.file_key))
    else:
        extension = image.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        response = FileResponse(
            default_storage.open(image.file_key, "rb"),
            content_type=image.content_type,
            as_attachment=False,
            filename=f"{image.id}.{extension}",
        )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
