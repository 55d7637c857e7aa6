"""The interface in English and Norwegian bokmål: the catalog, which language a request gets,
the picker, e-mails, API errors and reasons in words."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from feedback.models import Feedback
from moderation.i18n import language_name
from moderation.management.commands.compiletranslations import compile_catalogs
from moderation.models import ImageUpload, ItemStatus, UserPreference
from moderation.policy.engine import Reason
from moderation.review import notify, reasons
from moderation.review import services as reviews
from tests.conftest import ROOT, clean_env, run_manage
from tests.factories import make_moderator, make_user, token_header
from tests.test_reviews import queued_feedback, queued_image

CATALOG = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
COOKIE = django_settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def client_for(user: User | None = None, *, cookie: str | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    if cookie:
        client.cookies[COOKIE] = cookie
    return client


def prefer(user: User, language: str) -> User:
    UserPreference.objects.create(user=user, language=language)
    return user


def html_lang(response: Any) -> str:
    found = re.search(r'<html lang="([^"]+)">', response.content.decode())
    assert found, response.content[:200]
    return found.group(1)


# --- The catalog --------------------------------------------------------------------------------


def test_the_norwegian_catalog_is_complete_and_keeps_every_placeholder() -> None:
    catalog = polib.pofile(str(CATALOG))
    assert len(catalog) > 300
    assert catalog.metadata["Language"] == "nb"
    assert not catalog.fuzzy_entries(), [e.msgid for e in catalog.fuzzy_entries()]
    assert not catalog.untranslated_entries(), [e.msgid for e in catalog.untranslated_entries()]
    assert not catalog.obsolete_entries()
    for entry in catalog:
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                assert sorted(PLACEHOLDER.findall(form)) == wanted, entry.msgid
        else:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_the_catalog_holds_every_message_of_the_code(tmp_path: Path) -> None:
    """makemessages on a copy of the code finds no message the catalog lacks."""
    for name in ("manage.py", "project", "moderation", "feedback", "templates", "locale"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    for mo in tmp_path.glob("locale/*/LC_MESSAGES/*.mo"):
        mo.unlink()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tmp_path / "locale/nb/LC_MESSAGES/django.po"))
    new = [entry.msgid for entry in extracted.untranslated_entries()]
    assert not new, f"run makemessages -l nb and translate: {new}"


def test_compiletranslations_compiles_changed_catalogs_only(tmp_path: Path) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "xx"}
    catalog.append(polib.POEntry(msgid="Approve", msgstr="Godkjenn"))
    catalog.append(polib.POEntry(msgid="Reject", msgstr="Avvis", flags=["fuzzy"]))
    catalog.save(str(folder / "django.po"))

    first = compile_catalogs([tmp_path])
    assert first.compiled == [folder / "django.po"]
    compiled = polib.mofile(str(folder / "django.mo"))
    assert {e.msgid: e.msgstr for e in compiled} == {"Approve": "Godkjenn"}  # fuzzy left out
    assert compile_catalogs([tmp_path]).skipped == [folder / "django.po"]
    assert compile_catalogs([tmp_path], force=True).compiled == [folder / "django.po"]


# --- Which language ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_code_nb_renders_the_pages_in_norwegian(settings: Any) -> None:
    settings.LANGUAGE_CODE = "nb"
    moderator = make_moderator()
    image, feedback = queued_image(), queued_feedback()
    signed_in = client_for(moderator)
    expected = {
        "/review/": [
            "Vurderingskø",
            "Start vurdering",
            "Hvorfor den er her",
            "Bilde <span>1</span>",
        ],
        f"/review/{image.id}/": ["Hvorfor er denne her?", "≥ vurderingsgrensen 50 %", "Godkjenn"],
        f"/review/{feedback.id}/": ["Tilbakemelding", "norsk", "Stemning", "4. Vold"],
        "/upload/": ["Last opp et bilde", "Mine opplastinger", "Logg ut"],
        "/feedback/": ["Si hva du synes", "Send tilbakemelding", "20000 tegn"],
    }
    for path, phrases in expected.items():
        response = signed_in.get(path)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert html_lang(response) == "nb" and response["Content-Language"] == "nb"
        for phrase in phrases:
            assert phrase in page, (path, phrase)
    login = Client().get("/accounts/login/").content.decode()
    assert "Brukernavn" in login and "Passord" in login and "Registrer deg" in login
    # English stays the default.
    settings.LANGUAGE_CODE = "en"
    assert "Review queue" in signed_in.get("/review/").content.decode()


@pytest.mark.django_db
def test_saved_choice_beats_the_cookie_which_beats_language_code(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    assert html_lang(client_for(prefer(make_user(), "nb"), cookie="en").get("/upload/")) == "nb"
    assert html_lang(client_for(make_user(), cookie="nb").get("/upload/")) == "nb"
    assert html_lang(client_for(cookie="nb").get("/feedback/")) == "nb"
    settings.LANGUAGE_CODE = "nb"
    assert html_lang(client_for(prefer(make_user(), "en"), cookie="nb").get("/upload/")) == "en"
    assert html_lang(client_for(cookie="en").get("/feedback/")) == "en"
    # A cookie naming a language the site does not offer is ignored.
    assert html_lang(client_for(cookie="de").get("/feedback/")) == "nb"


@pytest.mark.django_db
def test_accept_language_is_not_consulted(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    response = Client().get("/feedback/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,no;q=0.8")
    assert html_lang(response) == "en"
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_a_request_in_norwegian_leaves_the_thread_as_it_was() -> None:
    with translation.override("en"):
        client_for(cookie="nb").get("/feedback/")
        assert translation.get_language() == "en"


@pytest.mark.django_db
def test_the_saved_language_costs_no_query() -> None:
    moderator = make_moderator()
    client = client_for(moderator)

    def queries() -> int:
        client.get("/review/")  # warm up: session and permission caches
        with CaptureQueriesContext(connection) as captured:
            client.get("/review/")
        return len(captured)

    without = queries()
    prefer(moderator, "nb")
    assert queries() == without


# --- The picker ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_picker_saves_the_choice_on_the_account() -> None:
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/upload/").content.decode()
    assert 'action="/i18n/setlang/"' in page and '<option value="nb" lang="nb">Norsk bokmål' in page
    token = client.cookies["csrftoken"].value

    refused = client.post("/i18n/setlang/", {"language": "nb", "next": "/upload/"})
    assert refused.status_code == 403 and not UserPreference.objects.exists()

    data = {"language": "nb", "next": "/upload/", "csrfmiddlewaretoken": token}
    response = client.post("/i18n/setlang/", data)
    assert response.status_code == 302 and response["Location"] == "/upload/"
    assert UserPreference.objects.get(user=user).language == "nb"
    assert response.cookies[COOKIE].value == "nb"
    # The next visit, even one without the cookie, is in Norwegian.
    del client.cookies[COOKIE]
    assert html_lang(client.get("/upload/")) == "nb"

    unknown = {"language": "xx", "next": "/upload/", "csrfmiddlewaretoken": token}
    assert client.post("/i18n/setlang/", unknown).status_code == 400
    assert UserPreference.objects.get(user=user).language == "nb"


@pytest.mark.django_db
def test_visitors_keep_their_choice_in_the_cookie_and_take_it_to_a_new_account() -> None:
    visitor = Client()
    response = visitor.post("/i18n/setlang/", {"language": "nb", "next": "/accounts/signup/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "nb"
    assert not UserPreference.objects.exists()
    form = {"username": "kari", "password1": "Fjord-pass-9431", "password2": "Fjord-pass-9431"}
    assert visitor.post("/accounts/signup/", form).status_code == 302
    assert UserPreference.objects.get(user__username="kari").language == "nb"
    assert "Velkommen til Vakt, kari." in visitor.get("/").content.decode()


# --- E-mails and the API --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_submitter_gets_the_email_in_their_own_language(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    norwegian = prefer(make_user(email="kari@example.com"), "nb")
    entry = queued_image(owner=norwegian)
    moderator = client_for(prefer(make_moderator(), "en"))
    with django_capture_on_commit_callbacks(execute=True):
        decided = moderator.post(
            f"/review/{entry.id}/decide/",
            {"decision": "reject", "reason": "violence", "note": "Nei."},
        )
    assert decided.status_code == 302
    assert ImageUpload.objects.get(id=entry.item_id).status == ItemStatus.REJECTED
    [email] = mail.outbox
    assert email.to == ["kari@example.com"]
    assert email.subject == "Bildet ditt ble ikke godtatt"
    assert "Årsak: vold" in email.body and "Merknad fra moderatoren: Nei." in email.body

    # No saved language: LANGUAGE_CODE, whatever the moderator reads.
    mail.outbox.clear()
    entry = queued_image(owner=make_user(email="ola@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(prefer(make_moderator(), "nb")).post(
            f"/review/{entry.id}/decide/", {"decision": "approve", "reason": "false_positive"}
        )
    assert mail.outbox[0].subject == "Your image was approved"
    assert "Reason: false positive" in mail.outbox[0].body


@pytest.mark.django_db
def test_api_errors_come_in_the_language_of_the_request() -> None:
    entry = queued_image()
    token_client = Client(HTTP_AUTHORIZATION=token_header(prefer(make_moderator(), "nb")))
    bad = token_client.post(
        f"/api/v1/reviews/{entry.id}/decision/", {"decision": "maybe", "reason": "ok"}
    )
    assert bad.status_code == 400 and bad["Content-Language"] == "nb"
    assert bad.json() == {"decision": ['"maybe" er ikke et gyldig valg.']}
    missing = token_client.post(f"/api/v1/reviews/{uuid.uuid4()}/claim/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Ikke funnet."}

    submitter = token_header(prefer(make_user(), "nb"))
    refused = Client(HTTP_AUTHORIZATION=submitter).get("/api/v1/reviews/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Bare moderatorer har tilgang til vurderingskøen."}

    anonymous = client_for(cookie="nb")
    assert anonymous.get("/api/v1/images/").json() == {
        "detail": "Manglende autentiseringsinformasjon."
    }
    empty = anonymous.post("/api/v1/feedback/", {}, content_type="application/json")
    assert empty.status_code == 400 and empty.json() == {"text": ["Dette feltet må fylles ut."]}
    english = Client().post("/api/v1/feedback/", {}, content_type="application/json")
    assert english.json() == {"text": ["This field is required."]}


# --- Reasons in words --------------------------------------------------------------------------


BAND = {
    "label": "Explicit",
    "confidence": 87.0,
    "band": "reject",
    "threshold": 85,
    "category": None,
}
LEGACY_SENTIMENT = {
    "label": "sentiment", "confidence": 40.0, "band": "review", "threshold": 60.0,
    "category": None, "detail": "sentiment 'positive' is uncertain",
}  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "english", "norwegian"),
    [
        (BAND, "Explicit 87.0 % ≥ reject threshold 85 % (default band)",
         "Explicit 87,0 % ≥ avvisningsgrensen 85 % (standardgrensene)"),
        ({**BAND, "band": "review", "threshold": 50, "label": "Weapons", "category": "Violence"},
         "Weapons 87.0 % ≥ review threshold 50 % (band of Violence)",
         "Weapons 87,0 % ≥ vurderingsgrensen 50 % (grensene til Violence)"),
        (LEGACY_SENTIMENT,
         "Uncertain sentiment: positive at 40.0 % is below the review threshold of 60 %.",
         "Usikker stemning: positiv med 40,0 % er under vurderingsgrensen på 60 %."),
        ({"label": "sentiment", "code": "sentiment_uncertain", "band": "review",
          "params": {"sentiment": "mixed", "confidence": 55.5, "threshold": 60}},
         "Uncertain sentiment: mixed at 55.5 % is below the review threshold of 60 %.",
         "Usikker stemning: blandet med 55,5 % er under vurderingsgrensen på 60 %."),
        ({"label": "language", "code": "language_unsupported", "params": {"language": "fi"}},
         "The text analyzer does not support Finnish.", "Tekstanalysen støtter ikke finsk."),
        ({"label": "language", "code": "language_uncertain", "params": {"language": "nn"}},
         "The language could not be told with certainty (best guess: Norwegian nynorsk).",
         "Språket kunne ikke fastslås sikkert (beste gjetning: norsk nynorsk)."),
        ({"label": "language", "code": "mixed_languages", "params": {"languages": ["nb", "en"]}},
         "The text mixes languages: Norwegian bokmål and English.",
         "Teksten blander språk: norsk bokmål og engelsk."),
        ({"label": "text", "code": "no_words", "params": {}},
         "No words to analyse: only emoji, digits or punctuation.",
         "Ingen ord å analysere: bare emoji, sifre eller tegnsetting."),
        ({"label": "sentiment", "code": "sentiment_invalid"},
         "The sentiment scores are not percentages from 0 to 100.",
         "Stemningsverdiene er ikke prosenter fra 0 til 100."),
        ({"label": "pii", "code": "pii_check_failed"},
         "The check for personal data failed, so the text is kept out of every filed document.",
         "Sjekken etter personopplysninger mislyktes, så teksten holdes utenfor alle arkiverte "
         "dokumenter."),
        ({"label": "analysis_error", "confidence": None, "band": "review", "error": "timeout"},
         "Analysis failed: timeout", "Analysen mislyktes: timeout"),
        # A code this version does not know, and params that do not fit: the detail.
        ({"label": "text", "code": "shouting", "detail": "ALL CAPS"}, "text: ALL CAPS",
         "text: ALL CAPS"),
        ({"label": "language", "code": "language_unsupported", "params": {"lang": "fi"},
          "detail": "language 'fi' is not supported"},
         "language: language 'fi' is not supported", "språk: language 'fi' is not supported"),
    ],
)  # fmt: skip
def test_reasons_read_as_sentences(reason: dict[str, Any], english: str, norwegian: str) -> None:
    with translation.override("en"):
        assert reasons.reason_text(reason) == english
    with translation.override("nb"):
        assert reasons.reason_text(reason) == norwegian


def test_a_rule_reason_stores_its_code_and_params_for_the_sentence() -> None:
    params = {"sentiment": "mixed", "confidence": 55.0, "threshold": 60.0}
    reason = Reason(
        "sentiment", 55.0, "review", 60.0, detail="sentiment 'mixed' is uncertain",
        code="sentiment_uncertain", params=params,
    ).as_dict()  # fmt: skip
    assert (reason["code"], reason["params"]) == ("sentiment_uncertain", params)
    assert "code" not in Reason("Weapons", 70.0, "review", 50.0).as_dict()
    with translation.override("nb"):
        assert reasons.reason_text(reason) == (
            "Usikker stemning: blandet med 55,0 % er under vurderingsgrensen på 60 %."
        )


def test_codes_and_languages_have_names_and_unknown_ones_stay_readable() -> None:
    with translation.override("nb"):
        assert reasons.review_reason_name("personal_data") == "personopplysninger"
        assert reasons.review_reason_name("self_harm") == "self harm"  # added by an admin
        assert reasons.sentiment_name("neutral") == "nøytral"
        assert [language_name(code) for code in ("sv", "da", "und", "ja", "xx")] == [
            "svensk", "dansk", "ukjent språk", "Japansk", "xx",
        ]  # fmt: skip


@pytest.mark.django_db
def test_item_page_says_below_for_uncertain_sentiment_and_shows_the_translation() -> None:
    entry = queued_feedback()
    Feedback.objects.filter(id=entry.item_id).update(
        language="nb", redacted_text="Varene kom fram, tror jeg", reasons=[LEGACY_SENTIMENT],
        translation="The goods arrived, I think", translation_source="no",
    )  # fmt: skip
    client = client_for(make_moderator())
    page = client.get(f"/review/{entry.id}/").content.decode()
    assert "is below the review threshold of 60 %" in page and "≥ review threshold" not in page
    assert 'class="text-columns with-translation"' in page
    assert 'lang="nb">Varene kom fram, tror jeg</blockquote>' in page
    assert 'lang="en">The goods arrived, I think</blockquote>' in page
    assert "Machine translation from Norwegian bokmål to English" in page

    Feedback.objects.filter(id=entry.item_id).update(translation="")
    page = client.get(f"/review/{entry.id}/").content.decode()
    assert "with-translation" not in page and "Machine translation" not in page


@pytest.mark.django_db
def test_a_decided_item_says_who_decided_it_in_the_readers_language() -> None:
    entry = queued_image()
    grace = make_moderator(username="grace")
    reviews.review_decide(review_id=entry.id, moderator=grace, decision="reject", reason="hate")
    page = client_for(prefer(make_moderator(), "nb")).get(f"/review/{entry.id}/").content.decode()
    assert re.search(r"Avgjort for [^<]+ siden av grace: Avvist\.", page)
    assert 'id="decide-form"' not in page


@pytest.mark.django_db
def test_script_strings_come_from_the_page_in_its_language() -> None:
    entry = queued_image()
    page = client_for(prefer(make_moderator(), "nb")).get(f"/review/{entry.id}/").content.decode()
    assert 'aria-pressed="false">Vis <kbd>b</kbd>' in page
    assert 'data-reject-hint="Velg hvorfor den avvises (tastene 1–9, 0), og trykk r igjen."' in page


# --- Start-up ---------------------------------------------------------------------------------


def test_a_language_code_outside_languages_stops_start_up() -> None:
    result = run_manage("check", env=clean_env(LANGUAGE_CODE="de"))
    assert result.returncode != 0
    assert "LANGUAGE_CODE must be one of en, nb, got 'de'" in result.stderr
    result = run_manage("check", env=clean_env(LANGUAGE_CODE="nb"))
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_a_reason_code_added_by_an_admin_reads_as_words(settings: Any) -> None:
    settings.REVIEW_APPROVE_REASON_CODES = ["ok"]
    settings.REVIEW_REJECT_REASON_CODES = ["self_harm"]
    entry = queued_image()
    page = client_for(make_moderator()).get(f"/review/{entry.id}/").content.decode()
    assert (
        '<option value="self_harm" data-decision="reject" data-guidance="">2. Self harm</option>'
        in page
    )
    with translation.override("nb"):
        subject, body = notify.decision_email(
            kind="feedback", approved=False, item_id="42", reason="self_harm", note=""
        )
    assert subject == "Tilbakemeldingen din ble ikke godtatt"
    assert body == "Tilbakemeldingen din ble ikke godtatt (42).\nÅrsak: self harm"
