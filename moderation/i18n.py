"""Which language a page, an API answer or an e-mail is written in, and language names.

A request gets, in this order: the signed-in user's saved choice, the language cookie (set by
the picker in the page header, also for visitors who are not signed in), then LANGUAGE_CODE.
The browser's Accept-Language is not consulted: in Norway a great many people run an
English-language browser or operating system, so it would overrule the language the operator
chose for the shop's staff and customers, while the picker is one click away and remembered.
It also keeps a page the same for everyone who has not chosen, which makes support and tests
predictable.

An e-mail goes out in its recipient's saved language, else LANGUAGE_CODE: never in the
language of whoever happened to cause it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from moderation.access import UserPreference

UNDETERMINED = "und"

# The names of the languages feedback is most likely to come in, as this product words them;
# other codes fall back to Django's own list of language names.
_NAMES = {
    "nb": gettext_lazy("Norwegian bokmål"),
    "nn": gettext_lazy("Norwegian nynorsk"),
    "no": gettext_lazy("Norwegian"),
    "sv": gettext_lazy("Swedish"),
    "da": gettext_lazy("Danish"),
    "en": gettext_lazy("English"),
    "fi": gettext_lazy("Finnish"),
    "is": gettext_lazy("Icelandic"),
    "se": gettext_lazy("Northern Sami"),
    "de": gettext_lazy("German"),
    "nl": gettext_lazy("Dutch"),
    "fr": gettext_lazy("French"),
    "es": gettext_lazy("Spanish"),
    "it": gettext_lazy("Italian"),
    "pt": gettext_lazy("Portuguese"),
    "pl": gettext_lazy("Polish"),
    "lt": gettext_lazy("Lithuanian"),
    "lv": gettext_lazy("Latvian"),
    "et": gettext_lazy("Estonian"),
    "ru": gettext_lazy("Russian"),
    "uk": gettext_lazy("Ukrainian"),
    "ar": gettext_lazy("Arabic"),
    "so": gettext_lazy("Somali"),
    "tr": gettext_lazy("Turkish"),
    "zh": gettext_lazy("Chinese"),
    UNDETERMINED: pgettext_lazy("language", "undetermined"),
}


def language_name(code: str | None) -> str:
    """An ISO 639-1 code as a language name in the active language: "sv" → "Swedish"
    ("svensk" in Norwegian). An unknown code is shown as it is."""
    code = (code or "").strip()
    if not code:
        return str(_NAMES[UNDETERMINED])
    if code in _NAMES:
        return str(_NAMES[code])
    info = LANG_INFO.get(code.lower())
    if info and "name" in info:
        return gettext(info["name"])
    return code


def language_list(codes: Iterable[str]) -> str:
    """Several languages in one phrase: "Norwegian bokmål, Swedish and English"."""
    names = [language_name(code) for code in codes]
    if len(names) < 2:
        return "".join(names)
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def supported(code: str | None) -> str | None:
    """`code` if the interface is translated into it, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def saved_language(user: User | AnonymousUser | None) -> str | None:
    """The language the user chose for themselves, if any (and if still offered)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        # The sign-in backend loads it with the user (project/auth.py): usually no query.
        preference = user.preference
    except UserPreference.DoesNotExist:
        return None
    return supported(preference.language)


def language_for_user(user: User | None) -> str:
    """For messages to a user outside a request of theirs, such as e-mails."""
    return saved_language(user) or settings.LANGUAGE_CODE


def request_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return saved_language(request.user) or supported(cookie) or settings.LANGUAGE_CODE


def language_save(*, user: User, language: str) -> UserPreference:
    """Remember a user's language on their account. ValueError for a language not offered."""
    if supported(language) is None:
        raise ValueError(f"language must be one of {', '.join(dict(settings.LANGUAGES))}")
    preference, _ = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    # The rest of this request (its redirect, its messages) sees the new choice too.
    user.preference = preference
    return preference


class UserLanguageMiddleware:
    """Activate the request's language (see the module's docstring) for the view and the
    rendering of its answer, then restore the previous one, so nothing leaks into the next
    request served by this thread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = request_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            # An API client signed in by token may have switched to its own language.
            language = translation.get_language() or language
        response.headers.setdefault("Content-Language", language)
        # The language follows the cookie (session or language), never the Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        return response
