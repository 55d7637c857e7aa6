"""Hatred of a group, by phrase: calls for violence against it ("drep alle …"), calling it
vermin or animals ("… er rotter", "… oppfører seg som dyr"), wanting it gone, and skin colour
with a curse ("svarte jævler"). Slurs themselves are words, in `data/slurs.txt`.
"""

from __future__ import annotations

from feedback.abuse.grammar import HATE_SPEECH, VIOLENCE_OR_THREAT, rule

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
    r"|avfall|affald|drägg|pakk|pack|utøy|ohyra|en pest|aper|apor|aber|apekatter|apekattar"
    r"|bavianer|babianer|griser|grisar|kveg|boskap|kvæg|lus|lopper|loppor|utyske|uhyrer"
    r"|terrorister|voldtektsmenn|våldtäktsmän|voldtægtsmænd)\b"
)
# What a group "is" or "behaves like": "er", "oppfører seg som", "beter sig som"; not "lever
# som dyr" (live like animals), said in pity.
_ARE = (
    r"(?:er|e|är|var|blir|oppfører seg|oppfører dei seg|oppfører de seg|oppførar seg|beter sig"
    r"|beter de sig|opfører sig|opfører de sig)"
)
# Between "er" and the word: degree words, "som", "like", and up to two adjectives ("noen
# skitne rotter"), but no negation ("innvandrere er ikke dyr").
_LIKE = (
    r"(?: (?:bare|berre|bara|kun|alle|alla|jo|noen|nogle|några|nokre|som|like|akkurat som"
    r"|precis som|ligesom|lik|nesten som))*"
    r"(?: (?!ikke\b|ikkje\b|inte\b|ej\b|ingen\b|inga\b)\w+[ea]){0,2}"
)
_GROUP_VIOLENCE = {HATE_SPEECH: 95.0, VIOLENCE_OR_THREAT: 95.0}
HATE = (
    rule(
        r"\b(?:drep|drepe|drepa|død|döda|dräp|dræb|dræbe|skyt|skyte|skjut|skyd|gass|gasse|gasa"
        r"|gas|heng|häng|hæng|utrydd|utrydde|utrota|udryd|udrydde|brenn|bränn|brænd|slakt"
        r"|slakta|slagt)(?: alle| alla| hver eneste| samtlige)?(?: de| dei| dom| disse| desse"
        rf"| dessa| {_CURSED})? {_GROUP}",
        _GROUP_VIOLENCE,
    ),
    rule(
        rf"\b{_GROUP} (?:burde|bør|må|skal|skulle|ska|borde|måste|fortjener å|fortjener at"
        r"|förtjänar att)(?: alle| alla)? (?:dø|døy|dö|drepes|drepast|dödas|dræbes|skytes"
        r"|skytast|skjutas|skydes|gasses|gassast|gasas|utryddes|utryddast|utrotas|udryddes"
        r"|henges|hengjast|hängas|hænges|brennes|brennast|brännas|brændes|råtne|ruttna|rådne"
        r"|vært skutt|blitt skutt)\b",
        _GROUP_VIOLENCE,
    ),
    rule(rf"\b(?:død over|daude over|död åt|død over alle|død til) {_GROUP}", _GROUP_VIOLENCE),
    # "innvandrere er parasitter", "muslimene på lageret deres er noen skitne rotter", "…
    # utlendinger som ikke kan norsk, de oppfører seg som dyr": the group, a few words (not a
    # sentence) later, called vermin.
    rule(rf"\b{_GROUP}(?:,? \w+){{0,8}},? {_ARE}{_LIKE} {_DEHUMANISED}", {HATE_SPEECH: 90.0}),
    rule(
        rf"\b(?:ut med alle|kast ut alle|kast ut|send hjem alle|kasta ut alla|smid alle) {_GROUP}",
        {HATE_SPEECH: 65.0},
    ),
    # "… burde sendes hjem", "… borde kastas ut"
    rule(
        rf"\b{_GROUP}(?: \w+){{0,3}} (?:burde|bør|må|skal|skulle|borde|måste|ska)(?: alle| alla)?"
        r" (?:sendes|sendast|skickas|kastes|kastast|kastas|smides|deporteres|deporterast"
        r"|deporteras|utvises|utvisast|utvisas|udvises) (?:hjem|heim|hem|ut|ud|tilbake|tillbaka"
        r"|tilbage)\b",
        {HATE_SPEECH: 65.0},
    ),
    rule(
        rf"\b(?:din|ditt|dine|dere|du|ni|jer|dykk|dokker) {_CURSED} {_GROUP_MEMBER}",
        {HATE_SPEECH: 90.0},
        aimed_insult=75.0,
    ),
    rule(rf"\b{_CURSED} {_GROUP_MEMBER}", {HATE_SPEECH: 75.0}),
    # Skin colour with a curse or an animal: "svarte jævler", "sorte svin som dig". Not rats
    # or "dyr": a pet shop sells black ones.
    rule(
        r"\b(?:svarte|sorte|svarta|brune|bruna|gule|gula) (?:jævler|jævlar|jävlar|djævle"
        r"|djævler|djävlar|svin|svina|apekatter|apekattar|aper|apor|aber|horer|horor|luder)\b",
        {HATE_SPEECH: 85.0},
    ),
)
