"""What the phrase patterns of `patterns.py`, `groups.py` and `harassment.py` are built of: the
rule type, the signal names, and the words for the speaker's intent, the person threatened,
their property and their body, in bokmål, nynorsk, Swedish and Danish.

Patterns run on normalized text (lower case, single spaces), and each æ ø å ä ö in them also
matches its spellings without the letter (ø: ö, o, oe).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

HATE_SPEECH = "HATE_SPEECH"
VIOLENCE_OR_THREAT = "VIOLENCE_OR_THREAT"
HARASSMENT_OR_ABUSE = "HARASSMENT_OR_ABUSE"
SEXUAL = "SEXUAL"
PROFANITY = "PROFANITY"
INSULT = "INSULT"

_LETTERS = {
    "æ": "(?:æ|ä|ae|a|e)",
    "ä": "(?:ä|æ|ae|a|e)",
    "ø": "(?:ø|ö|oe|o)",
    "ö": "(?:ö|ø|oe|o)",
    "å": "(?:å|aa|a)",
}


def nordic(pattern: str) -> str:
    """The pattern, with each Nordic letter also matching its spellings on other keyboards.
    (So the patterns never put æ ø å ä ö inside a character class.)"""
    return "".join(_LETTERS.get(char, char) for char in pattern)


@dataclass(frozen=True, eq=False)  # each rule is itself: hashed by identity
class Rule:
    pattern: re.Pattern[str]
    signals: Mapping[str, float]
    # The phrase insults whoever it is said to: counts with the insult words when they stack.
    aimed_insult: float = 0.0
    # Also an exclamation of delight ("hold kæft, hvor er den flot"): dropped in praise.
    cheers: bool = False


def rule(
    pattern: str, signals: Mapping[str, float], aimed_insult: float = 0.0, cheers: bool = False
) -> Rule:
    return Rule(re.compile(nordic(pattern)), signals, aimed_insult, cheers)


# -- who ------------------------------------------------------------------------------------

ME = r"\b(?:jeg|eg|jæ|je|jag|vi|me)"
# Intent. Optional: the present tense is the future too ("jeg dreper deg", "jeg slår dig ihjel").
WILL = (
    r"(?: (?:skal|ska|skall|vil|vill|tenker å|tenkjer å|tänker|har tenkt å|har tænkt mig at"
    r"|kommer til å|kommer te å|kjem til å|kommer att|kommer til at|agter at"
    r"|kommer og|kommer å|kjem og|kommer och))?"
    r"(?: (?:nok|nog|faktisk|virkelig|verkeleg|verkligen|personlig|personleg|personligen|bare"
    r"|berre|bara|jævla|jävla|faen|fan|fandeme|fanden|fucking|sikkert|garantert|snart"
    r"|en dag|komme og|kome og|komma och|komme hjem til deg og|kome heim til deg og"
    r"|komme innom og|kome innom og|komme forbi og|komma förbi och|komme over og"
    r"|komme ned og|kigge forbi og))*"
)
# V2 order after a fronted clause: "så skal jeg drepe deg", "annars ska jag döda dig".
WILL_FIRST = r"\b(?:skal|ska|skall|vil|vill) (?:jeg|eg|jæ|je|jag|vi|me)(?: nok| nog| faktisk)?"
# Either order, with "kommer" too: "så kommer jeg og smadrer …", "skal jeg komme innom og …".
I_WILL = (
    rf"(?:{ME}{WILL}|\b(?:skal|ska|skall|vil|vill|kommer|kjem) (?:jeg|eg|jæ|je|jag|vi|me)"
    rf"(?: og| och| å| til å| te å| att| til at)?{WILL})"
)
YOU = r"(?:deg|dig|dej|dæ|dere|dykk|dokker|dokk|jer|er)"
# The people of a shop, named: "sjåføren (deres)", "jeres chauffør".
ROLE = (
    r"(?:(?:sjefen|chefen|eieren|eigaren|ägaren|ejeren|sjåføren|chauffören|chaufføren|budet"
    r"|de ansatte|dei tilsette|personalet|personalen|selgeren|seljaren|säljaren|sælgeren"
    r"|ekspeditøren|ekspedienten|kassadamen|kassadama|lagersjefen|butikksjefen)"
    r"(?: din| ditt| dine| di| deres| dykkar| dokkers| jeres| er| ert| era)?"
    r"|(?:din|dine|jeres|deres|dykkar|er|era) (?:sjef|chef|eier|ägare|ejer|sjåfør|chaufför"
    r"|chauffør|bud|ansatte|anställda|selger|säljare|sælger))"
)
PERSON = (
    r"(?:" + YOU + r"|ham|han|henne|hende|honom|ho|hen|dem|dom|dei"
    r"|(?:hele |heile |hela )?(?:familien|familia|familjen|familie|ungene|ungane|barna|børnene"
    r"|barnen|kona|kone|frua)"
    r"(?: din| ditt| dine| di| deres| dykkar| dokkers| jeres| er| ert| era)?"
    r"|(?:din|dine|jeres|deres|dykkar|er|era) (?:familie|familj|kone|unger|ungar|barn|børn"
    r"|mor|far|mamma|pappa)"
    rf"|{ROLE})"
    r"\b"
    # Not "henge deg ut" (name and shame), "ta deg på ordet", "banke på", "skyte deg en
    # melding", nor "jeg skader deg ikke" (the negation follows a verb in the present tense).
    r"(?! (?:ut|ud|på|en|ei|et|ein|eit|ett|noen|nokre|nogle|några|litt|ikke|ikkje|inte|ej|aldri"
    r"|aldrig)\b)"
)

# -- what is done ---------------------------------------------------------------------------

KILL = (
    r"(?:drepe|drepa|dreper|drep|myrde|myrda|myrder|skyte|skyta|skyter|skyt|kvele|kvela"
    r"|kveler|kvel|kverke|kverka|kverkar|kverker|knivstikke|knivstikka|knivstikker|halshugge"
    r"|halshogge|voldta|valdta|voldtar|torturere|torturera|torturerer|ta livet av|tar livet av"
    r"|ta knekken på|slakte|slakta|slakter|döda|dödar|mörda|mördar|skjuta|skjuter|strypa"
    r"|stryper|strype|kväva|kväver|knivhugga|knivhugger|våldta|våldtar|tortera|torterar|dräpa|dräper"
    r"|dræbe|dræber|skyde|skyder|kvæle|kvæler|voldtage|voldtager|tage livet af|slagte|slagter)"
)
# Hanging and burning are also done to coats and firewood, which dialects call "han" and "ho":
# these take only "you" for an object.
HANG_OR_BURN = (
    r"(?:henge|hengje|henger|brenne|brenna|brenner|hänga|hänger|bränna|bränner|hænge|hænger"
    r"|brænde|brænder)"
)
HURT = (
    r"(?:skade|skada|skader|skadar|banke|banka|banker|bankar|denge|denger|jule opp|juler opp"
    r"|pryle|pryler|prygle|prygler|spöa|spöar|misshandla|misshandlar|mishandle|mishandler"
    r"|tæske|tæsker|tæve|tæver|gennembanke|banke opp|banke op)"
)
KILL_WITH_SLÅ = r"(?:slå|slår|slaa|slaar)"
DEAD = r"(?:ihjel|i hjel|ihel|i hel|ihjäl|ihjæl)"
PROPERTY = (
    r"(?:hele |heile |hela |hver eneste |hvert eneste |kvar einaste |varenda |vartenda "
    r"|hver en |alle |alla )?"
    r"(?:din |ditt |dine |deres |dykkar |dokkers |jeres |er |ert |era |dit |den |det )?"
    r"(?:butikk|butik|sjappe|forretning|kontor|lager|lagret|hus|hem|hjem|heim|bil|lokale"
    r"|bygning|bygg|firma|varehus|fabrikk|fabrik|verksted|verkstad|leilighet|lägenhet"
    r"|lejlighed|vindu|vindaug|fönster|rute|ruta|ruter|rutor|rude)\w*"
)
WRECK = (
    r"(?:brenne|brenna|brenner|brenn|bränna|bränner|brænde|brænder|sprenge|sprengje|sprenger"
    r"|sprengjer"
    r"|spränga|spränger|sprænge|sprænger|bombe|bomba|bomber|bombar|knuse|knuser|krossa"
    r"|krossar|smadre|smadrer|smadra|smadrar|rasere|raserer|tenne på|tenner på|tende på"
    r"|sette fyr på|setter fyr på|setje fyr på|sätta eld på|sätter eld på|tænde ild på"
    r"|sætte ild på|sætter ild på|sætte ild til)"
)
BODY_PART = (
    r"(?:beina|beinene|bena|benen|benene|armene|armane|armarna|knærne|knea|knäna|nakken"
    r"|nacken|halsen|trynet|kjeften|käften|kæften|ansiktet|ansigtet|fjeset|fjæset|hodet"
    r"|huvudet|hovedet|skallen|kraniet|tennene|tenna|tänderna|tænderne|fingrene|fingrane"
    r"|fingrarna|nesa|nesen|näsan|næsen|tunga|tungen|tungan|andletet|fjeset)"
)
# The body part with its owner after it ("beina dine", "käften på dig") or before it
# ("dit fjæs", "ditt tryne").
BODY = (
    rf"(?:{BODY_PART}"
    r"(?: dine| din| ditt| di| dina| på deg| på dig| på dej| på dykk| på dere| på jer| på er)"
    r"|(?:din|ditt|dine|di|dit|dina) (?:fjes|fjæs|tryne|kjeft|käft|kæft|ansikt|andlet|ansigt"
    r"|ansigte|hode|huvud|hoved|skalle|nese|näsa|næse|bein|ben|armer|knær|knän|tenner|tänder"
    r"|tænder|fingre|fingrar|nakke|nacke|hals))"
)
BREAK = (
    r"(?:knekke|knekka|knekker|brekke|brekka|brekker|knuse|knuser|krossa|krossar|bryta|bryter"
    r"|knäcka|knäcker|brække|brækker|knække|knækker|skjære over|skjere over|skära av"
    r"|skære over|slå ut|slå inn|sparke inn|kutte av|kappe av|slå sönder|slår sönder"
    r"|slå i stykker|smadre|smadrer|smadra|smadrar)"
)
# Blows, less than breaking: "slå skallen din inn", "sparke trynet ditt".
STRIKE = r"(?:slå|slår|slaa|sparke|sparker|sparka|sparkar|banke|banker)"
# Tearing off: "rive hodet av deg".
TEAR = r"(?:rive|river|riva|skjære|skjere|skära|skære|kappe|kutte)"
END = r"(?= ?(?:[.!?,]|$| og | och | for det| for dette| för det| for det her))"
# When the threat will be carried out: "jeg finner deg når du går hjem", "… en dag".
LATER = (
    r"(?= (?:når|naar|nar|när|etter|efter|en dag|ein dag|snart|i kveld|i kväll|i aften"
    r"|i natt|utenfor|utanför|udenfor|på vei hjem|på vegen heim|på väg hem|på vej hjem)\b)"
)
