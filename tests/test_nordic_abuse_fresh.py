"""Abusive and ordinary web-shop messages written after the evaluation set was frozen, in two
rounds. Round A found gaps (starred-out swearing, "din patetiske lille mann", "dere er søppel",
wishes of harm in a second clause, Swedish "brinner upp", "di mor burde ha tatt abort"); round B
was written before any of those fixes were measured on it, and was measured once (25 of 28
abusive messages reached review, 3 harm wishes did not) before its own fixes. Both rounds are
regression tests now, not evaluation data: docs/EVALUATION.md keeps the held-out figures."""

from __future__ import annotations

import pytest

from feedback.abuse import assess
from feedback.abuse.nordic import unmask
from feedback.analyzers.local import LocalTextAnalyzer
from feedback.policy import decide_feedback
from moderation.models import ItemStatus
from moderation.policy.selectors import policy_current
from tests.test_nordic_abuse_more import reviewed

ABUSIVE = [
    ("Du er så dum at det gjør vondt å lese mailene dine.", "nb"),
    ("Kom deg vekk fra kundeservice, din ubrukelige tosk.", "nb"),
    ("Ingen gidder å handle hos slike svindlere og tyver som dere.", "nb"),
    ("Dere burde skamme dere, pakkene deres er søppel og dere er søppel.", "nb"),
    ("Skal jeg komme innom og banke litt vett inn i dere?", "nb"),
    ("Sjefen deres burde henges opp etter tærne.", "nb"),
    ("Han tjukkasen i lageret kan ikke engang pakke en eske.", "nb"),
    ("Hold kjeft og send pengene mine, ditt rasshøl.", "nb"),
    ("Dere er en gjeng med idioter fra øverst til nederst.", "nb"),
    ("Noen burde sette fyr på butikken deres.", "nb"),
    ("Jeg kommer til å gjøre livet ditt til et helvete.", "nb"),
    ("Jeg spytter på dere og den elendige butikken deres.", "nb"),
    ("Din patetiske lille mann, du aner ikke hva du driver med.", "nb"),
    ("F*en ta dere, pakken er ødelagt igjen.", "nb"),
    ("Di mor burde ha tatt abort.", "nb"),
    ("Ta livet av deg, ingen vil savne deg.", "nb"),
    ("Kassadama er ei dum ku.", "nb"),
    ("Sjåføren deres er en jævla pedo som glaner på ungene.", "nb"),
    ("Du er ein idiot og eg skal sørgje for at alle veit det.", "nn"),
    ("Eg skal slå deg gul og blå om pakken ikkje kjem.", "nn"),
    ("Kundeservicen dykkar er full av late og dumme folk.", "nn"),
    ("Fy faen for nokre udugelege tullingar de er.", "nn"),
    ("Eg veit kvar du bur, så pass deg.", "nn"),
    ("Håpar butikken dykkar går konkurs og at de alle døyr.", "nn"),
    ("Ni är ett gäng hjärndöda idioter på er kundtjänst.", "sv"),
    ("Jag ska slå ihjäl dig om paketet inte kommer i morgon.", "sv"),
    ("Din jävla fitta, svara på mina mejl.", "sv"),
    ("Dra åt helvete med era skitprodukter.", "sv"),
    ("Chauffören är en korkad jävel som kastade paketet.", "sv"),
    ("Jag vet var du bor och jag kommer att hitta dig.", "sv"),
    ("Hoppas ert lager brinner upp.", "sv"),
    ("Kassörskan var en otrevlig subba.", "sv"),
    ("Ni är värdelösa as allihop.", "sv"),
    ("Håll käften och ge mig pengarna tillbaka, ditt pucko.", "sv"),
    ("I er nogle komplette idioter i jeres kundeservice.", "da"),
    ("Jeg slår dig ihjel hvis pakken ikke kommer.", "da"),
    ("Din klamme kælling, svar nu på min mail.", "da"),
    ("Fuck jer og jeres lortebutik.", "da"),
    ("Chaufføren er en dum svin der smed pakken.", "da"),
    ("Jeg ved hvor du bor, pas på dig selv.", "da"),
    ("Håber jeres lager brænder ned.", "da"),
    ("Hold kæft og giv mig mine penge, dit fjols.", "da"),
    ("Du er en skam for hele butikkbransjen, din udugelige fjott.", "nb"),
    ("Jeg skal sørge for at du mister jobben, din lille drittunge.", "nb"),
    ("Hele staben deres er en gjeng med late snyltere.", "nb"),
    ("Du burde ikke få lov til å jobbe med mennesker, din kalde jævel.", "nb"),
    ("Jeg kommer til å vente på deg utenfor butikken i kveld.", "nb"),
    ("Sjåføren deres kan brenne i helvete for min del.", "nb"),
    ("Håper dere alle blir syke og dør.", "nb"),
    ("Kjerringa i kassa er dum som et brød.", "nb"),
    ("Slike som deg burde skytes.", "nb"),
    ("Drittfolk, alle sammen, dere burde sperres inne.", "nb"),
    ("Eg skal knekkje kvar einaste rute i butikken dykkar.", "nn"),
    ("Du er den dummaste personen eg har snakka med.", "nn"),
    ("Dykk er nokre ekle svindlarar.", "nn"),
    ("Du är så jävla dum i huvudet.", "sv"),
    ("Jag ska se till att du får lida för det här.", "sv"),
    ("Era anställda är lata idioter allihop.", "sv"),
    ("Jag hoppas att du blir påkörd på vägen hem.", "sv"),
    ("Chefen är ett äckligt svin.", "sv"),
    ("Dit dumme svin, du har snydt mig.", "da"),
    ("Jeg håber du dør i en grøft.", "da"),
    ("I er en flok inkompetente aber.", "da"),
    ("Jeg kommer og smadrer jeres butik.", "da"),
    ("Hun i kundeservice er en møgkælling.", "da"),
    ("Din kuksuger, send pakken nu.", "da"),
    ("Du er et jævla nek.", "nb"),
    ("Ingen liker deg, du er en taper.", "nb"),
    ("Pass på ungene dine, jeg vet hvilken skole de går på.", "nb"),
    ("D*ste idioter på lageret.", "nb"),
]

ORDINARY = [
    ("Varene deres er søppel, jeg vil ha pengene tilbake.", "nb"),
    # From Debian's gimp-help-nn: "kikke" (to peek) is not the English slur.
    ("Er du usikker på dette, kan du kikke nærare på Del 2, «Utvalsverktøya».", "nn"),
    ("Takk for rask levering, jakka passer perfekt.", "nb"),
    ("Pakken kom en dag for sent, men alt var i orden.", "nb"),
    ("Jeg er ikke fornøyd med kvaliteten, sømmene gikk opp etter en uke.", "nb"),
    ("Kan dere sende en ny faktura? Den forrige hadde feil adresse.", "nb"),
    ("Kundeservice var hyggelige og hjalp meg med byttet.", "nb"),
    ("Dette var helt elendig, jeg vil ha pengene tilbake.", "nb"),
    ("Fargen var mye mørkere enn på bildet, litt skuffet.", "nb"),
    ("Eg er nøgd med skoa, dei er gode å gå i.", "nn"),
    ("Leveringa tok altfor lang tid, det var ikkje greitt.", "nn"),
    ("Tack för snabb leverans, mycket nöjd!", "sv"),
    ("Paketet var skadat när det kom fram, vad gör jag nu?", "sv"),
    ("Jättebra service, jag handlar gärna igen.", "sv"),
    ("Tak for hurtig levering, alt var perfekt.", "da"),
    ("Varen var i stykker, og jeg vil gerne have en ny.", "da"),
    ("Jeg er skuffet over kvaliteten, den føles billig.", "nb"),
    ("Jeg drepte nesten meg selv av latter da jeg så bildet på esken, haha.", "nb"),
    ("Denne kjolen er helt killer, tusen takk!", "nb"),
    ("Slå av lyden på appen deres, den piper hele tiden.", "nb"),
    ("Jeg hater å vente på pakker, men denne kom fort.", "nb"),
    ("Det var et helvete å finne riktig størrelse i tabellen deres.", "nb"),
    ("Dere må skjerpe dere på pakkingen, to glass var knust.", "nb"),
    ("Barna elsket leken, den er morsom og trygg.", "nb"),
    ("Kan jeg bytte til en større størrelse? Den var for liten.", "nb"),
    ("Sjåføren var veldig hyggelig og bar pakken opp til fjerde etasje.", "nb"),
    ("Eg likar ikkje den nye nettsida dykkar, den er treig.", "nn"),
    ("Ni borde fixa er hemsida, den kraschar hela tiden.", "sv"),
    ("I burde virkelig forbedre jeres kundeservice, jeg ventede en time.", "da"),
    ("Helt jævlig dårlig emballasje, men varen var hel.", "nb"),
    ("Jeg var så sint at jeg kunne drept noen, men kundeservice ordnet alt.", "nb"),
    ("Buksa er helt idiotsikker å vaske.", "nb"),
    ("Denne boka om seriemordere var spennende.", "nb"),
    ("Vi sendte pakken tilbake fordi den var ødelagt.", "nb"),
    ("Tusen takk, dere er helt fantastiske!", "nb"),
    ("Jeg håper pakken kommer før helgen.", "nb"),
    ("Eg håpar de får inn fleire storleikar snart.", "nn"),
    ("Jag hoppas att ni får hem fler färger.", "sv"),
    ("Jeg håber I får flere varer på lager.", "da"),
    ("Kjolen var dødsfin, jeg er kjempefornøyd.", "nb"),
    ("Min mor elsket skjerfet hun fikk i gave.", "nb"),
    ("Hunden min elsket leken, den gikk i stykker etter en dag.", "nb"),
    ("Spillet handler om å skyte zombier, sønnen min digger det.", "nb"),
    ("Jeg spyttet nesten ut kaffen da jeg så prisen, men den var verdt det.", "nb"),
    ("Det er dritbra kvalitet på denne jakka.", "nb"),
    ("Søppelposene dere selger er for tynne.", "nb"),
    ("Skräpet i paketet var bara förpackningsmaterial.", "sv"),
    ("Filmen om krigen var sterk, men god.", "nb"),
    ("Kassadama var kjempehyggelig.", "nb"),
    ("Varen var dårlig, jeg vil ha refusjon.", "nb"),
]


@pytest.fixture(scope="module")
def local() -> LocalTextAnalyzer:
    return LocalTextAnalyzer()


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "language"), ABUSIVE)
def test_abuse_is_never_filed_automatically(
    local: LocalTextAnalyzer, text: str, language: str
) -> None:
    """The local backend and the seeded policy: review or reject, never approve and file,
    whichever of the languages the detector takes a short message for."""
    analysis = local.analyze(text)
    assert decide_feedback(analysis, policy_current()).outcome != ItemStatus.APPROVED, (
        language,
        analysis.language,
    )


@pytest.mark.parametrize(("text", "language"), ORDINARY)
def test_ordinary_messages_reach_no_abuse_band(text: str, language: str) -> None:
    signals = assess(text, language).signals
    # Cursing about a thing ("et helvete å finne størrelsen") is PROFANITY, never aimed abuse.
    assert not set(reviewed(signals)) - {"TOXICITY", "PROFANITY"}, (text, signals)


@pytest.mark.parametrize("masked", ["F*en ta dere", "f**n ta deg", "Sh*t", "j*vla idioter"])
def test_starred_out_swearing_is_read_in_full(masked: str) -> None:
    assert assess(masked, "nb").signals["PROFANITY"] >= 60


@pytest.mark.parametrize("text", ["5*3 = 15", "*viktig*", "passord: ****", "d*tt", "Ordre #1234"])
def test_other_stars_stay(text: str) -> None:
    assert unmask(text) == text
