"""Abusive and ordinary web-shop messages in bokmål, nynorsk, Swedish and Danish, phrased as
customers phrase them: insults at staff, the shop and the courier in the second and third
person, vulgar and sexual insults, harassment of staff, rants, threats in many shapes, slurs and
hatred of groups, wishes of harm. Each abusive message must reach the review band of some
signal of the seeded policy; no ordinary message may reach any, TOXICITY included."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from feedback.abuse import assess

# The seeded policy: review_at per signal. TOXICITY is the strongest signal (see
# `feedback.english_toxicity.toxicity_labels`), so any signal at 50 sends a message to review.
REVIEW_AT = {
    "TOXICITY": 50,
    "PROFANITY": 60,
    "INSULT": 50,
    "HATE_SPEECH": 40,
    "VIOLENCE_OR_THREAT": 40,
    "HARASSMENT_OR_ABUSE": 50,
    "SEXUAL": 50,
}


def reviewed(signals: dict[str, float]) -> list[str]:
    """The signals that reach their review threshold."""
    signals = {**signals, "TOXICITY": max(signals.values(), default=0.0)}
    return [name for name, value in signals.items() if value >= REVIEW_AT[name]]


# The slurs are spelled ROT13, as in the lexicon, to keep them out of view.
def r(text: str) -> str:
    return codecs.decode(text, "rot13")


BOKMÅL = [
    "Den idioten på lageret har sendt feil jakke for tredje gang nå.",
    "Kundeservicen deres er bemannet av hjernedøde aper som ikke kan lese.",
    "Sjåføren deres er en fullstendig evneveik tulling, pakken lå i søla.",
    "Dere er noen udugelige jævla klovner hele gjengen.",
    "Hei, dusten i kassa, lær deg å telle vekslepenger.",
    "Hvem er apekatten som har laget nettsiden deres?",
    "Butikksjefen er en feit og lat gris som aldri svarer på mail.",
    "Den sure kjerringa på kundeservice er ei ekkel heks.",
    "Brenn i helvete, alle sammen på kundeservice.",
    "Faen i helvete, hvor er pakken min?? Jævla drittselskap.",
    "Drittsjappe med søppelvarer og møkkafolk i kassa.",
    "Jeg skal finne deg når du går fra jobb i kveld.",
    "Hvis jeg ikke får pengene innen fredag, så knuser jeg hver eneste rute i butikken deres.",
    "Du skal få se hva som skjer med bilen din, det lover jeg.",
    "Pass deg for meg neste gang du kommer på jobb.",
    "Jeg vet hvor sjåføren deres bor, og han skal få betale for dette.",
    "Jeg river hodet av deg neste gang jeg ser deg.",
    "Håper du får kreft og dør sakte, din grådige jævel.",
    "Gid lageret deres brenner ned med dere inni.",
    "Gå og drep deg, ingen kommer til å savne deg.",
    "Ta livet ditt, din patetiske taper.",
    "Han som eier denne butikken burde henges.",
    f"Alle {r('cnxxvfre')} burde kastes ut av landet, de stjeler jo alt.",
    "Ansatte som deg er parasitter som burde utryddes.",
    "Muslimene på lageret deres er noen skitne rotter.",
    f"{r('Artrefwåsøera')} deres stjal sikkert pakken min.",
    f"Den {r('ubzfn')} i kassa burde holde seg hjemme.",
    f"Er du {r('zbatb')} eller bare født dum?",
    "Dere ansetter bare utlendinger som ikke kan norsk, de oppfører seg som dyr.",
    "Send meg et bilde av rumpa di, søta.",
    "Hun i kassa har digge pupper, hun kan gjerne sitte på fanget mitt.",
    "Jeg vil se deg naken på disken, lille kassadame.",
    "Du ser ut som ei billig hore i den uniformen.",
    "Kuksugere, alle sammen, hele kundeservicen.",
    "Dere kan stikke refusjonspolicyen deres langt opp i ræva.",
    "Hold kjeft og gi meg pengene mine, din ynkelige lille drittunge.",
    "Dere er avskum, og jeg håper dere går konkurs og mister alt.",
    "Sjåføren deres er en fyllik og en kødd som burde sparkes.",
    "Lagersjefen er en ekkel pedofil gris.",
    "Skal jeg komme innom og gi deg en på trynet? Det fortjener du.",
]

NYNORSK = [
    "Den idioten på lageret dykkar har sendt feil vare igjen.",
    "Kundeservicen dykkar er berre ein gjeng hjernedaude apekattar.",
    "Sjåføren var ein fullstendig tosk, han kasta pakka over gjerdet.",
    "De er nokre udugelege klovnar alle i hop.",
    "Du er ein drittsekk og ein løgnar.",
    "Kven er den heimføingen som laga nettsida dykkar?",
    "Fy faen for ein drittbutikk, eg har venta i tre veker.",
    "Satans helvetes dritt, pakka er øydelagd igjen.",
    "Eg skal finne deg når du går heim frå jobb.",
    "Viss eg ikkje får pengane innan fredag, så kjem eg og knuser vindauga i butikken dykkar.",
    "Du skal få sjå kva som skjer med bilen din.",
    "Pass deg når du kjem ut av lageret i kveld.",
    "Eg veit kvar sjåføren dykkar bur.",
    "Eg skal slå skallen din inn.",
    "Eg håpar du får kreft, di grådige kjerring.",
    "Gid de alle døyr i ein brann.",
    "Gå og heng deg, ingen kjem til å sakne deg.",
    "Ta livet av deg sjølv, du er ingenting verdt.",
    "Eigaren av denne sjappa burde skytast.",
    f"Alle {r('cnxxvfnar')} burde sendast heim.",
    "Innvandrarane på lageret dykkar er som rotter.",
    f"Den {r('ubzfn')} i kassa burde halde seg heime.",
    f"Er du {r('zbatb')} eller berre fødd dum?",
    "Send meg eit bilete av rumpa di, vennen.",
    "Ho i kassa har fine pupper, ho kan godt sitje på fanget mitt.",
    "Du ser ut som ei billeg hore i den uniforma.",
    "Hald kjeft og gje meg pengane mine, din ynkelege drittunge.",
    "De er avskum alle saman.",
    "Kundebehandlaren dykkar er eit jævla rasshøl.",
    "Dykk kan stikke kvitteringa opp i ræva.",
    "Me kjem og tek deg ein dag, berre vent.",
    "Du er så feit at eg spydde, di stygge purke.",
    "Dykk er nokre jævla svin.",
    "Faen ta deg og heile familien din.",
    "Eg skal kverke deg.",
    "Drit og dra, di dumme ku.",
    "Han på lageret er ein lat, feit sytar og ein taper.",
    "Sjefen dykkar er ein jævla pervo som glanar på dei unge tilsette.",
    "Svarte jævlar som deg burde ikkje få jobbe i butikk.",
    "Eg vil ta deg bakfrå, søta.",
]

SWEDISH = [
    "Den idioten på lagret har skickat fel storlek igen.",
    "Er kundtjänst består av hjärndöda apor.",
    f"Budet är en jävla {r('zbatb')} som slängde paketet i en pöl.",
    "Ni är ett gäng inkompetenta clowner.",
    "Killen i kassan är en äcklig gris.",
    "Din jävla fitta, svara på mina mejl!",
    "Vilket jävla skitföretag, helvete!",
    "Fy fan vad ni suger, era jävla kukhuvuden.",
    "Jag ska hitta dig när du slutar jobbet.",
    "Om jag inte får pengarna på fredag så kommer jag och krossar varenda ruta i er butik.",
    "Du ska få se vad som händer med din bil.",
    "Se upp när du går hem i kväll.",
    "Jag vet var er chef bor, hälsa honom det.",
    "Jag ska slå sönder käften på dig.",
    "Hoppas du får cancer och dör, ditt giriga as.",
    "Må ert lager brinna ner med er i det.",
    "Gå och häng dig, ingen kommer sakna dig.",
    "Ta livet av dig, din patetiska loser.",
    "Ägaren borde skjutas.",
    f"Alla {r('oynggne')} borde skickas hem.",
    "Invandrarna på ert lager är som kackerlackor.",
    f"Den där {r('oötra')} i kassan borde hålla sig hemma.",
    f"Är du {r('rsgreoyvira')} eller bara född dum?",
    "Skicka en bild på dina bröst, snygging.",
    "Tjejen i kassan har sköna pattar, hon får gärna sitta i mitt knä.",
    "Du ser ut som en billig hora i den uniformen.",
    "Håll käften och ge mig mina pengar, ditt ynkliga lilla kräk.",
    "Ni är avskum allihop.",
    "Er kundtjänst är ett gäng jävla rövhål.",
    "Ni kan stoppa upp returpolicyn i röven.",
    "Vi kommer och tar dig en dag, vänta bara.",
    "Din feta ko, lär dig räkna.",
    "Ni är några jävla svin.",
    "Fan ta dig och hela din familj.",
    "Jag ska strypa dig med dina egna kablar.",
    "Dra åt skogen, ditt pucko.",
    "Chefen är en lat, fet och värdelös jävel.",
    "Er chef är ett äckligt pervo som glor på unga tjejer.",
    f"{r('Finegfxnyyne')} som du borde inte få jobba i butik.",
    "Jag vill ta dig bakifrån, sötnos.",
]

DANISH = [
    "Den idiot på lageret har sendt den forkerte størrelse igen.",
    "Jeres kundeservice består af hjernedøde aber.",
    f"Buddet er en fuldstændig åndssvag {r('fcnffre')}, pakken lå i en vandpyt.",
    "I er en flok inkompetente klovne.",
    "Fyren i kassen er et klamt svin.",
    "Din fede so, lær at tælle.",
    "Hvilket lortefirma, for helvede!",
    "Fuck jer, I kan alle sammen rende mig i røven.",
    "Jeg skal nok finde dig, når du får fri.",
    "Hvis jeg ikke får mine penge på fredag, så kommer jeg og smadrer hver eneste rude i "
    "jeres butik.",
    "Du skal få at se hvad der sker med din bil.",
    "Pas på dig, din lille rotte. Jeg ved hvem du er.",
    "Jeg ved hvor jeres chauffør bor.",
    "Jeg smadrer dit fjæs, næste gang jeg ser dig.",
    "Jeg håber du får kræft og dør, dit grådige svin.",
    "Gid jeres lager brænder ned med jer indeni.",
    "Gå hen og hæng dig, ingen vil savne dig.",
    "Slå dig selv ihjel, din patetiske taber.",
    "Ejeren burde skydes.",
    f"Alle {r('crexrer')} burde smides ud af landet.",
    "Muslimerne på jeres lager er som rotter.",
    f"Den fucking {r('oøffr')} i kassen burde blive hjemme.",
    f"Er du {r('ergneqrerg')} eller hvad?",
    "Send mig et billede af dine bryster, skat.",
    "Pigen i kassen har lækre patter, hun må gerne sidde på mit skød.",
    "Du ligner en billig luder i den uniform.",
    "Hold kæft og giv mig mine penge, dit ynkelige lille kryb.",
    "I er noget afskum allesammen.",
    "Jeres kundeservice er en flok fucking røvhuller.",
    "I kan stikke jeres returpolitik op i røven.",
    "Vi kommer og tager dig en dag, bare vent.",
    "Din dumme ko, lær at læse.",
    "I er nogle klamme svin.",
    "Fanden tage dig og hele din familie.",
    "Jeg vil kvæle dig med mine bare hænder.",
    "Skrid ad helvede til, din spade.",
    "Chefen er en doven, fed og ubrugelig nar.",
    "Jeres chef er en klam, pervers gammel gris, der glor på unge piger.",
    "Sorte svin som dig burde ikke have lov at arbejde i en butik.",
    "Jeg vil tage dig bagfra, søde.",
]

ABUSIVE = [
    pytest.param(language, text, id=f"{language}-{index:02d}-{text[:30]}")
    for language, texts in (("nb", BOKMÅL), ("nn", NYNORSK), ("sv", SWEDISH), ("da", DANISH))
    for index, text in enumerate(texts)
]


@pytest.mark.parametrize(("language", "text"), ABUSIVE)
def test_abusive_message_reaches_review(language: str, text: str) -> None:
    result = assess(text, language)
    assert reviewed(result.signals), result


def test_forty_abusive_messages_per_language() -> None:
    assert [len(texts) for texts in (BOKMÅL, NYNORSK, SWEDISH, DANISH)] == [40, 40, 40, 40]


# Angry, sarcastic or strong words that abuse no one. Hyperbole is not abuse ("dette er helt
# sykt", "drepende kjedelig", "jeg dør", "jeg kunne drept noen"), nor a harsh word about a
# thing ("for en elendig opplevelse", "helt idiotisk system": an insult adjective said of a
# thing scores below review), nor hating a thing, nor the body in a product's description.
ORDINARY = [
    ("nb", "Dette er helt sykt, tre uker og fortsatt ingen pakke."),
    ("nb", "Jeg dør, for en treg levering."),
    ("nb", "For en elendig opplevelse, aldri igjen."),
    ("nb", "Helt idiotisk system med de returlappene."),
    ("nb", "Takk for ingenting, liksom. Superservice."),
    ("nb", "Jeg ble så sint at jeg kunne drept noen, men nå er det løst."),
    ("nb", "Denne mobilen er en bombe, jeg elsker den."),
    ("nb", "Leveringen var en katastrofe fra start til slutt."),
    ("nb", "Dere har dødsbra priser i helgen."),
    ("nb", "Skoene ser sinnsykt bra ut, men kom med feil lisser."),
    ("nb", "Jeg hater at appen logger meg ut hele tiden."),
    ("nb", "Kameraet skyter knallskarpe bilder i 4K."),
    ("nb", "Vi må slå ihjel litt tid før butikken åpner."),
    ("nb", "Jeg er ikke idiot, jeg vet at jeg har betalt."),
    ("nb", "BH-en passet perfekt over brystene, takk!"),
    ("nn", "Dette er heilt sjukt, tre veker utan pakke."),
    ("nn", "Eg døyr, for ei treg levering."),
    ("nn", "For ei elendig oppleving, aldri meir."),
    ("nn", "Heilt idiotisk system med returlappane."),
    ("nn", "Takk for ingenting, liksom."),
    ("nn", "Eg vart så forbanna at eg kunne ha drepe nokon."),
    ("nn", "Skorne er dritfine, men lissene er for korte."),
    ("nn", "Eg hatar å venta i telefonkø."),
    ("nn", "Drepande kjedeleg å vente på svar frå dykk."),
    ("nn", "Eg er ikkje dum, eg veit at eg har betalt."),
    ("nn", "Leveringa var ein katastrofe."),
    ("nn", "Pass på at de sender rett storleik denne gongen."),
    ("nn", "Eg skal ta dykk på ordet og tinge på nytt."),
    ("nn", "Kva slags dårleg spøk er dette? Pakka var tom."),
    ("nn", "Denne jakka er heilt rå, eg elskar ho."),
    ("sv", "Det här är helt sjukt, tre veckor utan paket."),
    ("sv", "Jag dör, vilken seg leverans."),
    ("sv", "Vilken usel upplevelse, aldrig igen."),
    ("sv", "Helt idiotiskt system med returetiketterna."),
    ("sv", "Tack för ingenting, liksom."),
    ("sv", "Jag blev så arg att jag kunde ha mördat någon, men nu är det löst."),
    ("sv", "Skorna är skitsnygga men snörena är för korta."),
    ("sv", "Jag hatar att appen loggar ut mig hela tiden."),
    ("sv", "Dödstråkigt att vänta på svar."),
    ("sv", "Jag är inte dum, jag vet att jag har betalat."),
    ("sv", "Leveransen var en katastrof från början till slut."),
    ("sv", "Den här telefonen är en bomb, älskar den."),
    ("sv", "Kameran skjuter skarpa bilder även i mörker."),
    ("sv", "Behån satt perfekt över brösten, tack!"),
    ("sv", "Ni borde skämmas, det här är ingen service."),
    ("da", "Det her er helt sygt, tre uger uden pakke."),
    ("da", "Jeg dør, sikke en langsom levering."),
    ("da", "Sikke en elendig oplevelse, aldrig igen."),
    ("da", "Helt idiotisk system med returlabels."),
    ("da", "Tak for ingenting, altså."),
    ("da", "Jeg blev så vred at jeg kunne have slået nogen ihjel, men nu er det løst."),
    ("da", "Skoene er pissegode, men snørebåndene er for korte."),
    ("da", "Jeg hader at appen logger mig ud hele tiden."),
    ("da", "Dræbende kedeligt at vente på svar."),
    ("da", "Jeg er ikke dum, jeg ved at jeg har betalt."),
    ("da", "Leveringen var en katastrofe fra start til slut."),
    ("da", "Den her telefon er en bombe, elsker den."),
    ("da", "Jeg skyder billeder i RAW med kameraet, det virker fint."),
    ("da", "BH'en sad perfekt over brysterne, tak!"),
    ("da", "Hvor er I dog langsomme, jeg har ventet en evighed."),
]


@pytest.mark.parametrize(("language", "text"), ORDINARY, ids=[t[:40] for _, t in ORDINARY])
def test_ordinary_message_reaches_no_review(language: str, text: str) -> None:
    result = assess(text, language)
    assert not reviewed(result.signals), result


def test_sixty_ordinary_messages() -> None:
    assert len(ORDINARY) == 60


TRAINING = Path(__file__).resolve().parent.parent / "feedback/sentiment/training/nordic_train.jsonl"


def test_no_training_message_reaches_review() -> None:
    rows = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 360
    flagged = [
        (row["id"], row["text"], reviewed(assess(row["text"], row["language"]).signals))
        for row in rows
    ]
    assert [entry for entry in flagged if entry[2]] == []
