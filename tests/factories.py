from __future__ import annotations

import io

import factory
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from moderation.images.analyzers.base import ImageAnalysis, ModerationLabel
from moderation.models import MODERATORS_GROUP


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")


def make_user(**kwargs: object) -> User:
    return UserFactory.create(**kwargs)


def token_header(user: User) -> str:
    """An `Authorization` header value with a new API token of `user`."""
    from project.tokens import token_create

    key, _ = token_create(user=user)
    return f"Token {key}"


def make_moderator(**kwargs: object) -> User:
    user = make_user(**kwargs)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


def signed_in(user: User) -> Client:
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (30, 120, 200),
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload_file(
    content: bytes | None = None, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)


class ReviewAnalyzer:
    """An image analyzer that puts every image in the review band (Weapons at 70 %)."""

    name = "fake"

    def analyze(self, source: object, *, min_confidence: float) -> ImageAnalysis:
        label = ModerationLabel("Weapons", 70.0, "Violence")
        return ImageAnalysis(labels=(label,), analyzer=self.name, model_version="fake-1")
