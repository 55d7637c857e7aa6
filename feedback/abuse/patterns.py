"""Phrases of abuse in Norwegian, Swedish and Danish: threats here; calls for violence against
a group and hatred of one in `groups.py`; sexual harassment and swearing aimed at someone in
`harassment.py`. `matches` runs them all.

A word list sees words, not intent. Like the English threat patterns in
`feedback/toxicity_patterns.py`, a threat here needs a first-person intent ("jeg skal", "eg
skal", "jag ska", "vi kommer og", "så kommer jeg og", or the present tense, which is the future
in these languages: "jeg dreper deg", "så knuser jeg …") right before the verb, and a person or
their property after it, so "jeg ville aldri skade deg", "jeg skal ikke drepe deg", "drep
prosessen" and "dere dreper meg med disse prisene" do not match. The pieces they are built of
are in `grammar.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedback.abuse.grammar import (
    BODY,
    BODY_PART,
    BREAK,
    DEAD,
    END,
    HANG_OR_BURN,
    HARASSMENT_OR_ABUSE,
    HURT,
    I_WILL,
    KILL,
    KILL_WITH_SLÅ,
    LATER,
    ME,
    PERSON,
    PROPERTY,
    ROLE,
    STRIKE,
    TEAR,
    VIOLENCE_OR_THREAT,
    WILL_FIRST,
    WRECK,
    YOU,
    Rule,
    rule,
)
from feedback.abuse.groups import HATE
from feedback.abuse.harassment import SEXUAL_HARASSMENT, SWEARING

EXPLICIT_THREAT = 90.0
ASSAULT_THREAT = 85.0
# Harm wished on someone with no one named ("… burde henges"), or on their shop.
WISHED_HARM = 75.0
VEILED_THREAT = 60.0
_THREAT = {VIOLENCE_OR_THREAT: EXPLICIT_THREAT}
_ASSAULT = {VIOLENCE_OR_THREAT: ASSAULT_THREAT}
_SUICIDE = {VIOLENCE_OR_THREAT: EXPLICIT_THREAT, HARASSMENT_OR_ABUSE: EXPLICIT_THREAT}
# The subject of a wish: you, people, someone's shop ("gid lageret deres brenner").
_WISHED_ON = (
    r"(?:du|dere|dykk|dokker|ni|i|han|hun|ho|hon|de|dei|dom|alle|hele gjengen|heile gjengen"
    rf"|{ROLE}|(?:hele |heile |hela )?(?:familien|familjen|familie) (?:din|di|deres|dykkar|er)"
    rf"|{PROPERTY} (?:deres|dykkar|jeres|din|ditt|di|er|ert)"
    r"|(?:deres|dykkar|jeres|din|ditt|er|ert|era) \w+)"
)
_DIE = (
    r"(?:dør|døyr|dör|dø|døy|dö|får kreft|får kræft|får cancer|få kreft|få kræft|få cancer"
    # Burning, of a person or a shop, not of a CD: "brenner ned", "brenn i helvete".
    r"|(?:brenner|brenn|brenne|brinner|brinna|brænder|brænde)"
    r"(?: ned| ner| opp| op| upp| inne| i helvete| i helvetet| i helvede|(?= ?(?:[.!,]|$)))"
    r"|råtner|ruttnar|ruttna|rådner|råtne|rådne|blir drept|vert drepen|blir dödad"
    r"|bliver dræbt|bli drept|kreperer|krepere|blir voldtatt|blir påkjørt|blir overkjørt"
    r"|blir påkøyrd|blir påkörd|blir överkörd|blir ihjälkörd|bliver kørt ned|bliver påkørt"
    r"|blir skutt)\b"
    r"(?! (?:av latter|av skratt|af grin|inne i kø))"
)
# Not a negated wish: "håper batteriet ikke dør".
_NOT_NEGATED = r"(?! (?:ikke|ikkje|inte|ej|aldri|aldrig)\b)"

_THREATS = (
    # "jeg skal drepe deg", "eg drep deg", "jag ska döda dig", "vi kommer og tar livet av dere"
    rule(rf"{I_WILL} {KILL} {PERSON}", _THREAT),
    rule(rf"{WILL_FIRST} {KILL} {PERSON}", _THREAT),
    # V2 in the present tense, after a condition: "(hvis …,) så dreper jeg deg"
    rule(rf"\b{KILL} (?:jeg|eg|jag|vi|me)(?: nok| bare| berre| bara)? {PERSON}", _THREAT),
    rule(
        rf"{I_WILL} {HANG_OR_BURN} {YOU}\b(?! (?:ut|ud|på|opp|en|ei|et|ett|ikke|ikkje|inte)\b)",
        _THREAT,
    ),
    # "jeg slår dig ihjel", "jag ska slå ihjäl dig", "jeg skal slå deg i hjel"
    rule(rf"{I_WILL} {KILL_WITH_SLÅ} {PERSON} {DEAD}", _THREAT),
    rule(rf"{I_WILL} {KILL_WITH_SLÅ} {DEAD} {PERSON}", _THREAT),
    # "jeg skal banke deg opp", "jag ska misshandla dig", "jeg skal slå dig ned"
    rule(rf"{I_WILL} {HURT} {PERSON}", _ASSAULT),
    rule(rf"{I_WILL} {KILL_WITH_SLÅ} {PERSON} (?:ned|ner|gul og blå|helseløs|fordervet)", _ASSAULT),
    rule(
        rf"{I_WILL} (?:gi|gje|ge|giva|give) {YOU} (?:juling|bank|deng|stryk|en på trynet"
        r"|ei på trynet|en på kjeften|ei på kjeften|en på käften|en på kæften|en på tuden"
        r"|en kule|ei kule|en kula|en kugle|en smell|ein smell|en lusing|ei lusing|en flad"
        r"|en knytneve|ein knyttneve)",
        _ASSAULT,
    ),
    # "vi kommer og brenner ned butikken", "så knuser jeg hver eneste rute i butikken deres"
    rule(rf"{I_WILL} {WRECK}(?: ned| ner)? {PROPERTY}", _THREAT),
    rule(
        rf"\b{WRECK}(?: ned| ner)? (?:jeg|eg|jag|vi|me)(?: nok| bare| berre| bara)?"
        rf"(?: ned| ner)? {PROPERTY}",
        _THREAT,
    ),
    # "jeg skal knekke beina dine", "jag ska krossa ansiktet på dig", "jeg smadrer dit fjæs"
    rule(rf"{I_WILL} {BREAK} {BODY}", _THREAT),
    # "eg skal slå skallen din inn", "jeg river hodet av deg"
    rule(rf"{I_WILL} {STRIKE} {BODY}", _ASSAULT),
    rule(rf"{I_WILL} {TEAR} {BODY_PART} (?:av|af|ur|från) {YOU}\b", _THREAT),
    # "… og knuser trynet på den som står der": a body part smashed on someone named
    rule(
        rf"{BREAK} {BODY_PART} på (?:den|han|ho|hun|henne|honom|ham|dem|dei|dom)"
        r" (?:som|der|dær|där)\b",
        _ASSAULT,
    ),
    # "du skal dø", "du kommer til å dø", "du ska dö", "I skal dø" — not "… dø av latter"
    rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall|kommer til å|kjem til å|kommer att"
        r"|kommer til at|vil) (?:dø|døy|dö)\b(?! (?:av|af|utav|åt|av latter|for|når|när))",
        _THREAT,
    ),
    rule(
        r"\b(?:du|dere|ni) (?:er|e|är) (?:død|daud|död|døde|döda|dødsens|en død mann"
        r"|ein daud mann|en död man|en død mand|et dødt menneske)(?= ?(?:[.!,]|$| nå| snart))",
        _THREAT,
    ),
    rule(
        r"\b(?:dine|dina|dykkar|deres|jeres|era) (?:dager|dagar|dage) er (?:talte|talde|räknade"
        r"|tællede)\b",
        _THREAT,
    ),
    # Wishing death or harm: "håper du dør", "gid de alle døyr", "må ert lager brinna ner"
    rule(
        r"\b(?:håper|håpar|hoppas|håber|ønsker|ønskjer|önskar|gid|måtte|må)(?: at| att)?"
        rf" {_WISHED_ON}{_NOT_NEGATED}(?: \w+)?{_NOT_NEGATED} {_DIE}",
        _THREAT,
    ),
    # Harm, then death: "håper dere blir syke og dør"
    rule(
        r"\b(?:håper|håpar|hoppas|håber|ønsker|ønskjer|önskar|gid)(?: at| att)?"
        rf" {_WISHED_ON}{_NOT_NEGATED}(?: \w+){{1,3}} (?:og|och) {_DIE}",
        _THREAT,
    ),
    # "du skal få lide for dette", "jag ska se till att du får lida"
    rule(
        r"\b(?:du|dere|dykk|ni|i) (?:skal |ska |skall |kommer til å |kommer att )?(?:få|får)"
        r" (?:lide|lida|svi|unngjelde|umgälla|undgælde|sone|sona)\b",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    # The wish in a second clause: "håpar butikken går konkurs og at de alle døyr"
    rule(
        r"\b(?:håper|håpar|hoppas|håber|ønsker|ønskjer|önskar)\b[^.!?]{0,80}? (?:og|och|å)"
        rf" (?:at|att) {_WISHED_ON}{_NOT_NEGATED}(?: \w+)?{_NOT_NEGATED} {_DIE}",
        _THREAT,
    ),
    # "(skal jeg komme og) banke litt vett inn i dere", "slå lite förnuft i dig"
    rule(
        r"\b(?:banke|banka|banker|bankar|slå|slår|tæske|tæsker|denge|dengje|jule)"
        r" (?:litt |lite |noe |noko |lidt |lite grann |lidt )?(?:vett|vit|förnuft|fornuft"
        rf"|forstand|folkeskikk|folkvett|manerer|hyfs) (?:inn i|inni|in i|ind i|i) {YOU}\b",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    rule(
        r"\b(?:ønsker|ønskjer|önskar) (?:deg|dig|dere|dykk|er|jer) (?:død|daud|död|døde)\b", _THREAT
    ),
    rule(
        r"\b(?:du|dere|dykk|ni|i|han|hun|ho|hon) (?:burde|bør|borde|skulle|fortjener å"
        r"|fortener å|förtjänar att|fortjener at) (?:dø|døy|dö|ha vært skutt|vært skutt"
        r"|blitt skutt|ha blitt skutt|skjutas|skydes|drepes|dödas|dræbes|henges|hängas|hænges)\b",
        _THREAT,
    ),
    # Anyone who "burde henges", "borde skjutas": not "bildene burde skytes i dagslys", nor a
    # picture that "den burde henges".
    rule(
        r"(?<!\bden )(?<!\bdet )(?<!\bdette )(?<!\bdenne )(?<!\bbildet )"
        r"\b(?:burde|bør|borde|fortjener å|fortener å|förtjänar att|fortjener at)"
        r" (?:bli |blitt |ha blitt |ha vært |vært |ha )?(?:skutt|skytes|skytast|skjutas|skjuten"
        r"|skydes|skudt|henges|hengast|hengjast|hängas|hænges|hengt|hengd|hængt|drepes|drepast"
        r"|drept|dödas|dödad|dræbes|dræbt|myrdes|myrdast|mördas|halshugges|steines|stenas"
        r"|lynsjes|lynchas|lynches|henrettes|avrättas|henrettast)"
        r"(?= ?(?:[.!?,;]|$| og | och | for | för | fordi | eftersom ))",
        {VIOLENCE_OR_THREAT: WISHED_HARM},
    ),
    # Telling someone to kill themselves: threat and harassment both, as in English.
    rule(
        r"\b(?:drep|dreb|döda|dräp|dræb) (?:deg|dig|dej|dykk|dere|jer|er)"
        r" (?:selv|sjølv|själv|sjæl)\b",
        _SUICIDE,
    ),
    rule(
        r"\b(?:ta|tag) livet (?:ditt|dit|av deg (?:selv|sjølv)|av dig (?:själv|selv)"
        r"|af dig selv)\b",
        _SUICIDE,
    ),
    # At the start of a clause, not after "jeg skal" (a threat, matched above).
    rule(
        r"(?:^|[.!?,] ?)(?:bare |berre |bara )?(?:ta|tag) livet (?:av|af) (?:deg|dig|dej)\b",
        _SUICIDE,
    ),
    rule(
        r"\b(?:gå|gakk) (?:og|å|och|ud og|ut og|hen og|hen å|hjem og|heim og) (?:dø|døy|dö"
        r"|heng deg|häng dig|hæng dig|drep deg|dreb dig|döda dig|ta livet av deg|tag livet af dig"
        r"|skyt deg|skjut dig|skyd dig)\b",
        _SUICIDE,
    ),
    rule(r"\b(?:heng|häng|hæng) (?:deg|dig|dej)(?: selv| själv)?(?= ?(?:[.!]|$))", _SUICIDE),
    rule(r"\bslå (?:deg|dig|dej) (?:selv|sjølv|själv) (?:ihjel|i hjel|ihjäl)\b", _SUICIDE),
    # Intimidation.
    rule(
        rf"{ME} (?:vet|veit|ved|vett) (?:hvor|kvar|var|kor) (?:du|dere|dykk|dokker|ni|i"
        rf"|familien din|ungene dine|barna dine|din familie|din familj|{ROLE}) (?:bor|bur|bo)\b"
        r"|\b(?:eg|me|vi) veit kvar de bur\b",  # nynorsk "de": you
        _THREAT,
    ),
    rule(
        rf"{I_WILL} (?:finne|finna|finner|hitta|hittar|finde|finder|oppsøke|oppsøkja"
        rf"|oppsøker|jakte på|jakta på|spore opp) {YOU}(?:{END}|{LATER})",
        _ASSAULT,
    ),
    rule(rf"{ME} (?:kommer|kjem) (?:etter|efter) {YOU}(?:{END}|{LATER})", _ASSAULT),
    rule(
        r"\b(?:se|sjå) (?:deg|dig|dere|dykk|jer) (?:over|över) (?:skulderen|skuldra|axeln"
        r"|skulderen)\b",
        {VIOLENCE_OR_THREAT: 80.0},
    ),
    # Veiled: "pass deg!", "pass deg for meg", "du skal få svi", "akta dig"
    rule(
        # Not "pass er …" (a passport is …), nor "pass deg for svindlere" (beware of them).
        r"\b(?:pass (?:deg|dere|dykk|dokker)|akta (?:dig|er))\b"
        r"(?! (?:for|mot|så|at|på|fra|frå|för|med|og|och|i|selv|sjølv|själv|godt|vel))"
        r"|\b(?:pass (?:deg|dere|dykk|dokker)|akta (?:dig|er)) (?:for|för) (?:meg|mig|mej|oss)\b",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    # "se upp när du går hem", "pas på, når du går hjem i aften": where the writer will be
    rule(
        r"\b(?:pass (?:deg|dere|dykk|på)|akta (?:dig|er)|se upp|pas på(?: dig)?)"
        r",? (?:når|naar|nar|när) (?:du|dere|dykk|ni|i) (?:går|kommer|kjem|drar|slutter|slutar"
        r"|får fri) (?:hjem|heim|hem|fra jobb|frå jobb|från jobbet|fra arbejde|i kveld"
        r"|i kväll|i aften|i natt)",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall) (?:nok )?"
        r"(?:(?:få )?(?:svi|sota|unngjelde)|få (?:angre|ångra|fortryde))\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    rule(
        r"\b(?:skal|ska|skall) (?:du|dere|dykk|dokker|ni|i) (?:nok )?"
        r"(?:(?:få )?(?:svi|sota|unngjelde)|få (?:angre|ångra|fortryde))\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    # "du skal få se hva som skjer (med bilen din)": not "… skjer når du trykker på knappen"
    rule(
        r"\b(?:(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall|vil) (?:nok )?få"
        r"|(?:så|da) (?:får|skal|ska) (?:du|dere|dykk|ni|i)(?: nok)?(?: få)?)"
        r" (?:at )?(?:se|sjå) (?:hva|kva|vad|hvad) (?:som|der) (?:skjer|hender|händer|sker)"
        r"(?= ?(?:[.!]|$| med (?:deg|dig|dere|jer|dykk|er)\b| med (?:din|ditt|dine|deres|dykkar"
        rf"|jeres|er|ert|era)\b| med {PROPERTY}| hvis| om| dersom| viss| ifall))",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:skal|ska|skall) (?:nok )?få (?:at )?(?:se|sjå)"
        r"(?= ?(?:[.!]|$))",
        {VIOLENCE_OR_THREAT: VEILED_THREAT},
    ),
    rule(
        r"\bdet (?:kommer til å|kommer att|skal|ska|vil) gå (?:deg|dere|dig|er|jer)? ?"
        r"(?:ille|illa|ilde)(?: med| för| for)?(?: deg| dere| dig| er| jer)?\b",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
    rule(
        rf"{I_WILL} (?:ta|tar|tek|tage|tager|ta igjen|ta igen|få tak i|få fatt i) {YOU}"
        rf"(?:{END}|{LATER})",
        {VIOLENCE_OR_THREAT: 65.0},
    ),
)

RULES = (*_THREATS, *HATE, *SEXUAL_HARASSMENT, *SWEARING)


def matches(normalized: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    for each in RULES:
        match = each.pattern.search(normalized)
        if match:
            yield each, match
