"""Phrases of abuse in Norwegian, Swedish and Danish: threats, calls for violence against a
group, sexual harassment and swearing aimed at someone.

A word list sees words, not intent. Like the English threat patterns in
`feedback/toxicity_patterns.py`, a threat here needs a first-person intent ("jeg skal", "eg
skal", "jag ska", "vi kommer og", or the present tense, which is the future in these languages:
"jeg dreper deg") right before the verb, and a person or their property after it, so "jeg ville
aldri skade deg", "jeg skal ikke drepe deg", "drep prosessen" and "dere dreper meg med disse
prisene" do not match. Patterns run on normalized text (lower case, single spaces), and each
æ ø å ä ö in them also matches its spellings without the letter (ø: ö, o, oe).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
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


def _nordic(pattern: str) -> str:
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


def _rule(
    pattern: str, signals: Mapping[str, float], aimed_insult: float = 0.0, cheers: bool = False
) -> Rule:
    return Rule(re.compile(_nordic(pattern)), signals, aimed_insult, cheers)


# -- who and what ---------------------------------------------------------------------------

_ME = r"\b(?:jeg|eg|jæ|je|jag|vi|me)"
# Intent. Optional: the present tense is the future too ("jeg dreper deg", "jeg slår dig ihjel").
_WILL = (
    r"(?: (?:skal|ska|skall|vil|vill|tenker å|tenkjer å|tänker|har tenkt å|har tænkt mig at"
    r"|kommer til å|kommer te å|kjem til å|kommer att|kommer til at|agter at"
    r"|kommer og|kommer å|kjem og|kommer och))?"
    r"(?: (?:nok|nog|faktisk|virkelig|verkeleg|verkligen|personlig|personleg|personligen|bare"
    r"|berre|bara|jævla|jävla|faen|fan|fandeme|fanden|fucking|sikkert|garantert|snart"
    r"|en dag|komme og|kome og|komma och|komme hjem til deg og|kome heim til deg og))*"
)
# V2 order after a fronted clause: "så skal jeg drepe deg", "annars ska jag döda dig".
_WILL_FIRST = r"\b(?:skal|ska|skall|vil|vill) (?:jeg|eg|jæ|je|jag|vi|me)(?: nok| nog| faktisk)?"
_YOU = r"(?:deg|dig|dej|dæ|dere|dykk|dokker|dokk|jer|er)"
_PERSON = (
    r"(?:" + _YOU + r"|ham|han|henne|hende|honom|ho|hen|dem|dom|dei"
    r"|(?:hele |heile |hela )?(?:familien|familia|familjen|familie|ungene|ungane|barna|børnene"
    r"|barnen|kona|kone|frua|sjefen|chefen|eieren|eigaren|ägaren|ejeren|sjåføren|chauffören"
    r"|chaufføren|budet|de ansatte|dei tilsette|personalet|personalen)"
    r"(?: din| ditt| dine| di| deres| dykkar| dokkers| jeres| er| ert| era)?"
    r"|(?:din|dine|jeres|deres|dykkar|er|era) (?:familie|familj|kone|unger|ungar|barn|børn"
    r"|sjef|chef|mor|far|mamma|pappa))"
    r"\b"
    # Not "henge deg ut" (name and shame), "ta deg på ordet", "banke på", "skyte deg en
    # melding", nor "jeg skader deg ikke" (the negation follows a verb in the present tense).
    r"(?! (?:ut|ud|på|en|ei|et|ein|eit|ett|noen|nokre|nogle|några|litt|ikke|ikkje|inte|ej|aldri"
    r"|aldrig)\b)"
)
_KILL = (
    r"(?:drepe|drepa|dreper|drep|myrde|myrda|myrder|skyte|skyta|skyter|skyt|kvele|kvela"
    r"|kveler|kvel|knivstikke|knivstikka|knivstikker|halshugge|halshogge|voldta|valdta"
    r"|voldtar|torturere|torturera|torturerer|ta livet av|tar livet av|ta knekken på|slakte"
    r"|slakta|slakter|döda|dödar|mörda|mördar|skjuta|skjuter|strypa|stryper|knivhugga"
    r"|knivhugger|våldta|våldtar|tortera|torterar|dräpa|dräper|dræbe|dræber|skyde|skyder"
    r"|kvæle|kvæler|voldtage|voldtager|tage livet af|slagte|slagter)"
)
# Hanging and burning are also done to coats and firewood, which dialects call "han" and "ho":
# these take only "you" for an object.
_HANG_OR_BURN = (
    r"(?:henge|hengje|henger|brenne|brenna|brenner|hänga|hänger|bränna|bränner|hænge|hænger"
    r"|brænde|brænder)"
)
_HURT = (
    r"(?:skade|skada|skader|skadar|banke|banka|banker|bankar|denge|denger|jule opp|juler opp"
    r"|pryle|pryler|prygle|prygler|spöa|spöar|misshandla|misshandlar|mishandle|mishandler"
    r"|tæske|tæsker|gennembanke|banke opp|banke op)"
)
_KILL_WITH_SLÅ = r"(?:slå|slår|slaa|slaar)"
_DEAD = r"(?:ihjel|i hjel|ihel|i hel|ihjäl|ihjæl)"
_PROPERTY = (
    r"(?:hele |heile |hela )?(?:din |ditt |dine |deres |dykkar |dokkers |jeres |er |ert |era "
    r"|dit |den |det )?(?:butikk|butik|sjappe|forretning|kontor|lager|lagret|hus|hem|hjem|heim"
    r"|bil|lokale|bygning|bygg|firma|varehus|fabrikk|fabrik|verksted|verkstad|leilighet"
    r"|lägenhet|lejlighed|vindu|vindauge|fönster|ruter|rutor|ruder)\w*"
)
_WRECK = (
    r"(?:brenne|brenna|brenner|brenn|bränna|bränner|brænde|brænder|sprenge|sprengje|sprenger"
    r"|sprengjer"
    r"|spränga|spränger|sprænge|sprænger|bombe|bomba|bomber|bombar|knuse|knuser|krossa"
    r"|krossar|smadre|smadrer|smadra|smadrar|rasere|raserer|tenne på|tenner på|tende på"
    r"|sette fyr på|setter fyr på|setje fyr på|sätta eld på|sätter eld på|tænde ild på"
    r"|sætte ild på|sætter ild på|sætte ild til)"
)
_BODY_PART = (
    r"(?:beina|beinene|bena|benen|benene|armene|armane|armarna|knærne|knea|knäna|nakken"
    r"|nacken|halsen|trynet|kjeften|käften|kæften|ansiktet|ansigtet|fjeset|hodet|huvudet"
    r"|hovedet|skallen|kraniet|tennene|tenna|tänderna|tænderne|fingrene|fingrane|fingrarna)"
)
_BODY = (
    rf"{_BODY_PART}"
    r"(?: dine| din| ditt| di| dina| på deg| på dig| på dej| på dykk| på dere| på jer| på er)"
)
_BREAK = (
    r"(?:knekke|knekka|knekker|brekke|brekka|brekker|knuse|knuser|krossa|krossar|bryta|bryter"
    r"|knäcka|knäcker|brække|brækker|knække|knækker|skjære over|skjere over|skära av"
    r"|skære over|slå ut|slå inn|sparke inn|kutte av|kappe av)"
)
_END = r"(?= ?(?:[.!?,]|$| og | och | for det| for dette| för det| for det her))"

# -- threats --------------------------------------------------------------------------------

EXPLICIT_THREAT = 90.0
ASSAULT_THREAT = 85.0
VEILED_THREAT = 60.0
_THREAT = {VIOLENCE_OR_THREAT: EXPLICIT_THREAT}
_SUICIDE = {VIOLENCE_OR_THREAT: EXPLICIT_THREAT, HARASSMENT_OR_ABUSE: EXPLICIT_THREAT}

_THREATS = (
    # "jeg skal drepe deg", "eg drep deg", "jag ska döda dig", "vi kommer og tar livet av dere"
    _rule(rf"{_ME}{_WILL} {_KILL} {_PERSON}", _THREAT),
    _rule(rf"{_WILL_FIRST} {_KILL} {_PERSON}", _THREAT),
    _rule(
        rf"{_ME}{_WILL} {_HANG_OR_BURN} {_YOU}\b"
        r"(?! (?:ut|ud|på|opp|en|ei|et|ett|ikke|ikkje|inte)\b)",
        _THREAT,
    ),
    # "jeg slår dig ihjel", "jag ska slå ihjäl dig", "jeg skal slå deg i hjel"
    _rule(rf"{_ME}{_WILL} {_KILL_WITH_SLÅ} {_PERSON} {_DEAD}", _THREAT),
    _rule(rf"{_ME}{_WILL} {_KILL_WITH_SLÅ} {_DEAD} {_PERSON}", _THREAT),
    # "jeg skal banke deg opp", "jag ska misshandla dig", "jeg skal slå dig ned"
    _rule(rf"{_ME}{_WILL} {_HURT} {_PERSON}", {VIOLENCE_OR_THREAT: ASSAULT_THREAT}),
    _rule(
        rf"{_ME}{_WILL} {_KILL_WITH_SLÅ} {_PERSON} (?:ned|ner|gul og blå|helseløs|fordervet)",
        {VIOLENCE_OR_THREAT: ASSAULT_THREAT},
    ),
    _rule(
        rf"{_ME}{_WILL} (?:gi|gje|ge|giva|give) {_YOU} (?:juling|bank|deng|stryk|en på trynet"
        r"|en på kjeften|en kule|ei kule|en kula|en kugle|stryk)",
        {VIOLENCE_OR_THREAT: ASSAULT_THREAT},
    ),
    # "vi kommer og brenner ned butikken", "jeg skal sette fyr på huset ditt"
    _rule(rf"{_ME}{_WILL} {_WRECK}(?: ned| ner)? {_PROPERTY}", _THREAT),
    # "jeg skal knekke beina dine", "jag ska krossa ansiktet på dig"
    _rule(rf"{_ME}{_WILL} {_BREAK} {_BODY}", _THREAT),
    # "… og knuser trynet på den som står der": a body part smashed on someone named
    _rule(
        rf"{_BREAK} {_BODY_PART} på (?:den|han|ho|hun|henne|honom|ham|dem|dei|dom)"
        r" (?:som|der|dær|där)\b",
        {VIOLENCE_OR_THREAT: ASSAULT_THREAT},
    ),
    # "du skal dø", "du kommer til å dø", "du ska dö", "I skal dø" — not "… dø av latter"
    _rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall|kommer til å|kjem til å|kommer att"
        r"|kommer til at|vil) (?:dø|døy|dö)\b(?! (?:av|af|utav|åt|av latter|for|når|när))",
        _THREAT,
    ),
    _rule(
        r"\b(?:du|dere|ni) (?:er|e|är) (?:død|daud|död|døde|döda|dødsens|en død mann"
        r"|ein daud mann|en död man|en død mand|et dødt menneske)(?= ?(?:[.!,]|$| nå| snart))",
        _THREAT,
    ),
    # Wishing death on someone: "håper du dør", "jeg håper dere får kreft", "hoppas du dör"
    _rule(
        r"\b(?:håper|håpar|hoppas|håber|ønsker|ønskjer|önskar)(?: at| att)?"
        r" (?:du|dere|dykk|dokker|ni|i|han|hun|ho|hon|de|dei|dom|eieren|sjefen)(?: \w+)?"
        r" (?:dør|døyr|dör|dø|dö|får kreft|får kræft|får cancer|brenner i helvete"
        r"|brinner i helvetet|brænder i helvede|råtner|ruttnar|rådner|blir drept|vert drepen"
        r"|blir dödad|bliver dræbt|kreperer|krepere|blir voldtatt|blir påkjørt)\b",
        _THREAT,
    ),
    _rule(
        r"\b(?:ønsker|ønskjer|önskar) (?:deg|dig|dere|dykk|er|jer) (?:død|daud|död|døde)\b", _THREAT
    ),
    _rule(
        r"\b(?:du|dere|dykk|ni|i|han|hun|ho|hon) (?:burde|bør|borde|skulle|fortjener å"
        r"|fortener å|förtjänar att|fortjener at) (?:dø|døy|dö|ha vært skutt|vært skutt"
        r"|blitt skutt|ha blitt skutt|skjutas|skydes|drepes|dödas|dræbes|henges|hängas|hænges)\b",
        _THREAT,
    ),
    # Telling someone to kill themselves: threat and harassment both, as in English.
    _rule(
        r"\b(?:drep|dreb|döda|dräp|dræb) (?:deg|dig|dej|dykk|dere|jer|er)"
        r" (?:selv|sjølv|själv|sjæl)\b",
        _SUICIDE,
    ),
    _rule(r"\b(?:ta|tag) livet (?:ditt|av deg selv|av dig själv|af dig selv|dit)\b", _SUICIDE),
    _rule(
        r"\b(?:gå|gakk) (?:og|å|och|ud og|ut og) (?:dø|døy|dö|heng deg|häng dig|hæng dig)\b",
        _SUICIDE,
    ),
    _rule(r"\b(?:heng|häng|hæng) (?:deg|dig|dej)(?: selv| själv)?(?= ?(?:[.!]|$))", _SUICIDE),
    # Intimidation.
    _rule(
        rf"{_ME} (?:vet|veit|ved|vett) (?:hvor|kvar|var|kor) (?:du|dere|dykk|dokker|ni|i"
        r"|familien din|ungene dine|barna dine|din familie|din familj) (?:bor|bur|bo)\b"
        r"|\b(?:eg|me|vi) veit kvar de bur\b",  # nynorsk "de": you
        _THREAT,
    ),
    _rule(
        rf"{_ME}{_WILL} (?:finne|finna|finner|hitta|hittar|finde|finder|oppsøke|oppsøkja"
        rf"|oppsøker|jakte på|jakta på|spore opp) {_YOU}{_END}",
        {VIOLENCE_OR_THREAT: ASSAULT_THREAT},
    ),
    _rule(
        rf"{_ME} (?:kommer|kjem) (?:etter|efter) {_YOU}{_END}",
        {VIOLENCE_OR_THREAT: ASSAULT_THREAT},
    ),
    _rule(
        r"\b(?:se|sjå) (?:deg|dig|dere|dykk|jer) (?:over|över) (?:skulderen|skuldra|axeln"
        r"|skulderen)\b",
        {VIOLENCE_OR_THREAT: 80.0},
    ),
    # Veiled: "pass deg!", "du skal få svi", "det skal du få angre på", "akta dig"
    _rule(
        # Not "pass er …" (a passport is …).
        r"\b(?:pass (?:deg|dere|dykk|dokker)|akta (?:dig|er))\b"
        r"(?! (?:for|mot|så|at|på|fra|frå|för|med|og|och|i|selv|sjølv|själv|godt|vel))",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    _rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall) (?:nok )?"
        r"(?:(?:få )?(?:svi|sota|unngjelde)|få (?:angre|ångra|fortryde))\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    _rule(
        r"\b(?:skal|ska|skall) (?:du|dere|dykk|dokker|ni|i) (?:nok )?"
        r"(?:(?:få )?(?:svi|sota|unngjelde)|få (?:angre|ångra|fortryde))\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    _rule(
        r"\bdet (?:kommer til å|kommer att|skal|ska|vil) gå (?:deg|dere|dig|er|jer)? ?"
        r"(?:ille|illa|ilde)(?: med| för| for)?(?: deg| dere| dig| er| jer)?\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    _rule(
        rf"{_ME}{_WILL} (?:ta|tage|ta igjen|ta igen|få tak i|få fatt i) {_YOU}{_END}",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
)

# -- hate against a group -------------------------------------------------------------------

_GROUP_NAMES = (
    r"innvandrer(?:e|ne)|innvandrar(?:ar|ane)|invandrar(?:e|na)|indvandrer(?:e|ne)"
    r"|utlending(?:er|ene|ar|ane)|utlänningar(?:na)?|udlændinge(?:ne)?"
    r"|muslim(?:er|ene|ar|ane|erna|erne)|jøder(?:ne)?|jødar(?:ne)?|judar(?:na)?"
    r"|homofile|homser(?:ne)?|homosexuella|homoseksuelle|bøsser(?:ne)?|lesber(?:ne|na)?"
    r"|transer|transpersoner(?:ne|na)?|flyktning(?:er|ene|ar|ane)|flyktingar(?:na)?"
    r"|flygtninge(?:ne)?|asylsøkere|asylsøkerne|asylsøkjarar|asylsökande|asylansøgere"
    r"|somaliere|somalier(?:ne|na)?|somaliarar|pakistanere|arabere|arabar|araber(?:na|ne)?"
    r"|afrikanere|afrikaner(?:ne|na)?|afrikanarar|sigøynere|sigøynerne|sigøynarar"
    r"|zigenare(?:na)?|sigøjnere|romfolk(?:et)?|romer(?:na)?|samer(?:ne|na)?|samar"
    r"|polakker(?:ne)?|polacker(?:na)?|polakkar|kvinner|kvinnor|kvinder|kvinnfolk"
    r"|kristne|kristna|hinduer|asiater"
)
_GROUP = rf"(?:{_GROUP_NAMES})\b"
# The singular too, after a curse: "jævla innvandrer", "din jävla muslim".
_GROUP_MEMBER = (
    r"(?:innvandrer|innvandrar|invandrare|indvandrer|utlending|utlänning|udlænding|muslim"
    r"|jøde|jude|homo|homse|flyktning|flykting|flygtning|somalier|pakistaner|araber|afrikaner"
    rf"|sigøyner|zigenare|sigøjner|polakk|polack|{_GROUP_NAMES})\b"
)
_CURSED = (
    r"(?:jævla|jævlig|jävla|djävla|forbanna|forbannede|förbannade|forbandede|fucking|satans"
    r"|helvetes|fandens|skitne|møkkete)"
)
_DEHUMANISED = (
    r"(?:dyr|djur|rotter|råttor|parasitter|parasiter|parasittar|kakerlakker|kackerlackor"
    r"|skadedyr|skadedjur|avskum|afskum|søppel|sopor|skrot|undermennesker|undermänniskor"
    r"|pest|kreft|kræft|cancer|ein sjukdom|en sykdom|en sjukdom|en sygdom|svin|dritt|lort|skit"
    r"|avfall|affald|drägg|pakk|pack|utøy|ohyra|en pest)\b"
)
_GROUP_VIOLENCE = {HATE_SPEECH: 95.0, VIOLENCE_OR_THREAT: 95.0}
_HATE = (
    _rule(
        r"\b(?:drep|drepe|drepa|død|döda|dräp|dræb|dræbe|skyt|skyte|skjut|skyd|gass|gasse|gasa"
        r"|gas|heng|häng|hæng|utrydd|utrydde|utrota|udryd|udrydde|brenn|bränn|brænd|slakt"
        r"|slakta|slagt)(?: alle| alla| hver eneste| samtlige)?(?: de| dei| dom| disse| desse"
        rf"| dessa| {_CURSED})? {_GROUP}",
        _GROUP_VIOLENCE,
    ),
    _rule(
        rf"\b{_GROUP} (?:burde|bør|må|skal|skulle|ska|borde|måste|fortjener å|fortjener at"
        r"|förtjänar att)(?: alle| alla)? (?:dø|døy|dö|drepes|drepast|dödas|dræbes|skytes"
        r"|skytast|skjutas|skydes|gasses|gassast|gasas|utryddes|utryddast|utrotas|udryddes"
        r"|henges|hengjast|hängas|hænges|brennes|brennast|brännas|brændes|råtne|ruttna|rådne"
        r"|vært skutt|blitt skutt)\b",
        _GROUP_VIOLENCE,
    ),
    _rule(rf"\b(?:død over|daude over|död åt|død over alle|død til) {_GROUP}", _GROUP_VIOLENCE),
    _rule(
        rf"\b{_GROUP} (?:er|e|är) (?:bare |berre |bara |kun |alle |alla |jo |noen |nogle"
        rf" |några |nokre )?{_DEHUMANISED}",
        {HATE_SPEECH: 90.0},
    ),
    _rule(
        rf"\b(?:ut med alle|kast ut alle|kast ut|send hjem alle|kasta ut alla|smid alle) {_GROUP}",
        {HATE_SPEECH: 65.0},
    ),
    _rule(
        rf"\b(?:din|ditt|dine|dere|du|ni|jer|dykk|dokker) {_CURSED} {_GROUP_MEMBER}",
        {HATE_SPEECH: 90.0},
        aimed_insult=75.0,
    ),
    _rule(rf"\b{_CURSED} {_GROUP_MEMBER}", {HATE_SPEECH: 75.0}),
)

# -- sexual harassment ----------------------------------------------------------------------

_HARASSMENT = {SEXUAL: 80.0, HARASSMENT_OR_ABUSE: 80.0}
_SEXUAL = (
    # "send nakenbilder", "skicka nudes", "send mig nøgenbilleder"
    _rule(
        r"\b(?:send|sende|skicka|skikke)(?: (?:meg|mig|mej|oss|os))?(?: noen| nokre| nogle"
        r"| några| et| eit| ett| en| ei| ein| flere| fleire)? (?:nakenbild\w*|nakenbilet\w*"
        r"|nakenfoto\w*|nøgenbille\w*|nøgenfoto\w*|nakne bilder|nakna bilder"
        # "nude" alone is a colour of tights and make-up: "send nude-fargen"
        r"|nudes\b|nude ?(?:bilder|bilete|bilde|bild|billeder|foto|fotos|pics?|photos?)\b"
        r"|nøgne billeder|dickpic\w*|dick pics?|bilder av (?:puppene|brystene|rumpa|fitta)\b)",
        _HARASSMENT,
    ),
    # "vis meg puppene dine", "visa mig tuttarna", "vis mig dine bryster"
    _rule(
        r"\b(?:vis|visa) (?:meg|mig|mej) (?:dine |dina |din )?(?:pupp\w*|bryst\w*|bröst\w*"
        r"|tutt\w*|patt\w*|rump\w*|røv\w*|röv\w*|fitt\w*|fiss\w*|kuk\w*|pikk\w*)",
        _HARASSMENT,
    ),
    # "jeg vil knulle deg", "jag vill knulla dig", "jeg vil gerne kneppe dig"
    _rule(
        rf"{_ME} (?:vil|vill|skal|ska|kommer til å|kommer att|har lyst til å|har lust att"
        r"|skulle)(?: \w+)? (?:knulle|knulla|pule|kneppe|knalde|ligge med|ha sex med|sove med)"
        r" (?:deg|dig|dej|dere|dykk|jer|er|kona di|kona din|din kone|mora di|mor di|din mor"
        r"|din mamma|mamman din|morsan din|søstera di)\b",
        {SEXUAL: 85.0, HARASSMENT_OR_ABUSE: 80.0},
    ),
    # "sug kuken min", "sug min pik"
    _rule(
        r"\bsug(?: på)?(?: min| mi)? (?:kuk|kuken|pikk|pikken|pik)(?: min| mi)?\b",
        {SEXUAL: 80.0, HARASSMENT_OR_ABUSE: 75.0, PROFANITY: 85.0},
        aimed_insult=70.0,
    ),
    _rule(
        r"\b(?:er du|är du|du er|du är|du e) (?:så )?(?:kåt|kåta|liderlig|liderlige)\b",
        {SEXUAL: 60.0, HARASSMENT_OR_ABUSE: 55.0},
    ),
)

# -- swearing aimed at someone --------------------------------------------------------------

_AIMED_SWEARING = {PROFANITY: 85.0, HARASSMENT_OR_ABUSE: 65.0}
_AT_YOU = r"(?:deg|dig|dej|dere|dykk|dokker|jer|you|han|henne|ham|honom|hende)"
_SWEARING = (
    # "faen ta deg", "fan ta dig", "fanden tage jer"
    _rule(
        rf"\b(?:faen|fan|fanden|satan|djævelen|djävulen|fy faen) (?:ta|tage|tag) {_AT_YOU}\b",
        _AIMED_SWEARING,
        aimed_insult=70.0,
    ),
    # "fuck deg", "fuck off", "knull dere"
    _rule(rf"\b(?:fuck|føkk|knull) (?:{_AT_YOU}|off)\b", _AIMED_SWEARING, aimed_insult=70.0),
    # "dra til helvete", "gå åt helvete", "gå ad helvede til", "dra til fanden"
    _rule(
        r"\b(?:dra|drag|gå|fare|ryk) (?:til|te|åt|ad|i) (?:helvete|helvetet|hælvete"
        r"|helvede|fanden|fan|faen|satan|pokker|fanders)\b",
        _AIMED_SWEARING,
        aimed_insult=70.0,
    ),
    # "kyss meg i ræva", "kys mig i røven", "stikk den opp i ræva"
    _rule(
        r"\b(?:kyss|kys|kyssa) (?:meg|mig|mej) (?:i|på) (?:ræva|rævva|rassen|baken|røven|röven"
        r"|arslet|rauva)\b",
        _AIMED_SWEARING,
        aimed_insult=65.0,
    ),
    _rule(
        r"\b(?:stikk|stick|stik|stapp|tre) (?:den|det|dem|dette|pengene|varene)? ?(?:opp|op|upp)"
        r" i (?:ræva|rævva|rassen|røven|röven|arslet|rauva)\b",
        _AIMED_SWEARING,
        aimed_insult=65.0,
    ),
    # "hold kjeft", "håll käften"; Danish "hold kæft" is as often a cry of delight.
    _rule(
        r"\b(?:hold|hald|håll|holl) (?:kjeft|kjeften|käften|käft|kæft|kæften|snavla)\b",
        {HARASSMENT_OR_ABUSE: 55.0},
        aimed_insult=50.0,
        cheers=True,
    ),
    # "jeg hater dere", "eg hatar dykk", "jag hatar er"
    _rule(
        rf"{_ME} (?:hater|hatar|hader|hata|avskyr|avskyer|forakter|föraktar|foragter)"
        r" (?:deg|dere|dykk|dokker|dig|dej|jer|er)\b",
        {},
        aimed_insult=55.0,
    ),
)

RULES = (*_THREATS, *_HATE, *_SEXUAL, *_SWEARING)


def matches(normalized: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    for rule in RULES:
        match = rule.pattern.search(normalized)
        if match:
            yield rule, match
