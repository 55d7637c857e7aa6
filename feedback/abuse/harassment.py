"""Sexual harassment and swearing aimed at someone, by phrase: "send nakenbilder", "vis meg
puppene dine", what is said of a member of staff's body, "jeg vil ta deg bakfra"; "faen ta deg",
"dra til helvete", "hold kjeft".
"""

from __future__ import annotations

from feedback.abuse.grammar import (
    HARASSMENT_OR_ABUSE,
    ME,
    PROFANITY,
    ROLE,
    SEXUAL,
    rule,
)

_HARASSMENT = {SEXUAL: 80.0, HARASSMENT_OR_ABUSE: 80.0}
# Parts of the body named only in sex: "send meg et bilde av puppene" needs no "dine".
_VULGAR_BODY = (
    r"(?:pupper|puppene|puppane|puppa|patter|patterne|pattar|pattarna|tutter|tuttar|tuttarna"
    r"|fitta|fitte|fitten|fittan|fisse|fissen|kuken|kukken|pikken|pikk|pik)"
)
# Parts that a shop also measures ("brystvidde", "rumpa på buksa"): someone's own only.
_BODY = (
    rf"(?:{_VULGAR_BODY}|rumpa|rumpe|rumpen|rumpan|rompa|rompe|bryst|brystet|brysta|bryster"
    r"|brystene|brysterne|bröst|brösten|baken|røv|røven|röv|röven|lår|låra|lårene|trusa"
    r"|trusene|trosorna|trusser)"
)
_OWNER_BEFORE = r"(?:dine|dina|din|di|ditt|dit|hennes|hendes) "
_OWNER_AFTER = r" (?:di|dine|din|dina|ditt|hennar|hennes)\b"
_WOMAN = (
    rf"(?:du|hun|ho|hon|hu|dama|damen|jenta|jenten|tjejen|pigen|kassadamen|kassadama"
    rf"|ekspeditrisen|kassörskan|{ROLE})"
)
_DESIRE = (
    r"(?:digge|deilige|deilege|lekre|lækre|fete|feite|sexy|heite|hete|saftige|sköna|snygga"
    r"|läckra|kåte|liderlige|frekke|frække|fine|flotte|nice)"
)
SEXUAL_HARASSMENT = (
    # "send nakenbilder", "skicka nudes", "send mig nøgenbilleder"
    rule(
        r"\b(?:send|sende|skicka|skikke)(?: (?:meg|mig|mej|oss|os))?(?: noen| nokre| nogle"
        r"| några| et| eit| ett| en| ei| ein| flere| fleire)? (?:nakenbild\w*|nakenbilet\w*"
        r"|nakenfoto\w*|nøgenbille\w*|nøgenfoto\w*|nakne bilder|nakna bilder"
        # "nude" alone is a colour of tights and make-up: "send nude-fargen"
        r"|nudes\b|nude ?(?:bilder|bilete|bilde|bild|billeder|foto|fotos|pics?|photos?)\b"
        r"|nøgne billeder|dickpic\w*|dick pics?|bilder av (?:puppene|brystene|rumpa|fitta)\b)",
        _HARASSMENT,
    ),
    # "send meg et bilde av rumpa di", "skicka en bild på dina bröst"
    rule(
        r"\b(?:send|sende|skicka|skikke)(?: (?:meg|mig|mej|oss|os))?(?: \w+)? (?:bilde|bilder"
        r"|bilete|bild|bilder|billede|billeder|foto|fotos|pic|pics|selfie) (?:av|på|af|of) "
        rf"(?:{_OWNER_BEFORE}{_BODY}|{_BODY}{_OWNER_AFTER}|{_VULGAR_BODY}\b)",
        _HARASSMENT,
    ),
    # "vis meg puppene dine", "visa mig tuttarna", "vis mig dine bryster"
    rule(
        r"\b(?:vis|visa) (?:meg|mig|mej) (?:dine |dina |din )?(?:pupp\w*|bryst\w*|bröst\w*"
        r"|tutt\w*|patt\w*|rump\w*|røv\w*|röv\w*|fitt\w*|fiss\w*|kuk\w*|pikk\w*)",
        _HARASSMENT,
    ),
    # "jeg vil knulle deg", "jag vill knulla dig", "jeg vil gerne kneppe dig"
    rule(
        rf"{ME} (?:vil|vill|skal|ska|kommer til å|kommer att|har lyst til å|har lust att"
        r"|skulle)(?: \w+)? (?:knulle|knulla|pule|kneppe|knalde|ligge med|ha sex med|sove med)"
        r" (?:deg|dig|dej|dere|dykk|jer|er|kona di|kona din|din kone|mora di|mor di|din mor"
        r"|din mamma|mamman din|morsan din|søstera di)\b",
        {SEXUAL: 85.0, HARASSMENT_OR_ABUSE: 80.0},
    ),
    # "jeg vil ta deg bakfra", "jag vill ta dig bakifrån"
    rule(
        rf"{ME}(?: \w+){{0,2}} (?:ta|tage|knulle|knulla|pule|kneppe|ha|sette|sätta) (?:deg|dig|dej"
        r"|henne|hende|honom) (?:bakfra|bakfrå|bakifrån|bagfra|i ræva|i rumpa|i røven|i röven"
        r"|på disken|på kne|på knä)\b",
        {SEXUAL: 85.0, HARASSMENT_OR_ABUSE: 80.0},
    ),
    # "jeg vil se deg naken", "se dig nøgen"
    rule(
        r"\b(?:se|sjå|ha|få|ser|tage|ta) (?:deg|dig|dej|dere|jer|henne|hende|honom|ham)"
        r" (?:naken|nakne|nøgen|nøgne|naked|uten klær|utan klede|utan kläder|uden tøj)\b",
        _HARASSMENT,
    ),
    # What is said of a woman's body: "hun i kassa har digge pupper", "du har lækre patter"
    rule(
        rf"\b{_WOMAN} (?:har|hadde|hade|havde|har jo|har noen|har så) (?:noen |nogle |några "
        rf"|nokre |så |sykt |jævla |skikkelig )?{_DESIRE} (?:{_BODY})\b",
        {SEXUAL: 70.0, HARASSMENT_OR_ABUSE: 65.0},
    ),
    # "hun kan gjerne sitte på fanget mitt", "hon får gärna sitta i mitt knä"
    rule(
        rf"\b{_WOMAN} (?:kan|kunne|får|må|skal|ska)(?: \w+)? (?:sitte|sitje|sitta|sidde)"
        r" (?:på|i) (?:fanget mitt|mitt fang|fanget|mitt knä|knät|mit skød|skødet)\b",
        {SEXUAL: 70.0, HARASSMENT_OR_ABUSE: 65.0},
    ),
    # "sug kuken min", "sug min pik"
    rule(
        r"\bsug(?: på)?(?: min| mi)? (?:kuk|kuken|pikk|pikken|pik)(?: min| mi)?\b",
        {SEXUAL: 80.0, HARASSMENT_OR_ABUSE: 75.0, PROFANITY: 85.0},
        aimed_insult=70.0,
    ),
    rule(
        r"\b(?:er du|är du|du er|du är|du e) (?:så )?(?:kåt|kåta|liderlig|liderlige)\b",
        {SEXUAL: 60.0, HARASSMENT_OR_ABUSE: 55.0},
    ),
)

_AIMED_SWEARING = {PROFANITY: 85.0, HARASSMENT_OR_ABUSE: 65.0}
_AT_YOU = r"(?:deg|dig|dej|dere|dykk|dokker|jer|you|han|henne|ham|honom|hende)"
SWEARING = (
    # "faen ta deg", "fan ta dig", "fanden tage jer"
    rule(
        rf"\b(?:faen|fan|fanden|satan|djævelen|djävulen|fy faen) (?:ta|tage|tag) {_AT_YOU}\b",
        _AIMED_SWEARING,
        aimed_insult=70.0,
    ),
    # "fuck deg", "fuck off", "knull dere"
    rule(rf"\b(?:fuck|føkk|knull) (?:{_AT_YOU}|off)\b", _AIMED_SWEARING, aimed_insult=70.0),
    # "dra til helvete", "gå åt helvete", "skrid ad helvede til", "dra til fanden"
    rule(
        r"\b(?:dra|drag|gå|fare|ryk|stikk|stik|skrid|reis|far) (?:til|te|åt|ad|i) (?:helvete"
        r"|helvetet|hælvete|helvede|fanden|fan|faen|satan|pokker|fanders)\b",
        _AIMED_SWEARING,
        aimed_insult=70.0,
    ),
    # "drit og dra"
    rule(r"\b(?:drit og dra|dra og drit)\b", _AIMED_SWEARING, aimed_insult=65.0),
    # "kyss meg i ræva", "kys mig i røven", "rend mig i røven", "stikk den opp i ræva"
    rule(
        r"\b(?:kyss|kys|kyssa|rend|renn) (?:meg|mig|mej) (?:i|på) (?:ræva|rævva|rassen|baken"
        r"|røven|röven|arslet|rauva)\b",
        _AIMED_SWEARING,
        aimed_insult=65.0,
    ),
    rule(
        r"\b(?:stikk|stick|stik|stapp|tre) (?:den|det|dem|dette|pengene|varene)? ?(?:opp|op|upp)"
        r" i (?:ræva|rævva|rassen|røven|röven|arslet|rauva)\b",
        _AIMED_SWEARING,
        aimed_insult=65.0,
    ),
    # "hold kjeft", "håll käften"; Danish "hold kæft" is as often a cry of delight.
    rule(
        r"\b(?:hold|hald|håll|holl) (?:kjeft|kjeften|käften|käft|kæft|kæften|snavla)\b",
        {HARASSMENT_OR_ABUSE: 55.0},
        aimed_insult=50.0,
        cheers=True,
    ),
    # "jeg spytter på dere", "jag spottar på er", "jeg driter i deg" is only indifference
    rule(
        rf"{ME} (?:spytter|spyttar|spottar|spyttet|spytta|spottade|pisser|pissar|pisset)"
        r" (?:på|paa|åt) (?:deg|dere|dykk|dokker|dig|dej|jer|er|you)\b",
        {HARASSMENT_OR_ABUSE: 60.0},
        aimed_insult=55.0,
    ),
    # "dere er søppel", "ni är skräp": rubbish said of the reader (of goods it is a complaint,
    # and of "folk" or staff too often a complaint about the service)
    rule(
        r"\b(?:du|dere|dykk|dokker|ni|i) (?:er|e|är) (?:bare |berre |bara |kun |noe |noko |helt"
        r" |heilt |totalt |rent |reint )?(?:søppel|søpla|skräp|skrald|affald|avfall|avskrap)\b",
        {HARASSMENT_OR_ABUSE: 55.0},
        aimed_insult=60.0,
    ),
    # "di mor burde ha tatt abort", "du skulle ha aborterats"
    rule(
        r"\b(?:di mor|di mamma|mor di|mora di|moren din|mora din|din mor|mor din|din mamma|mamma di"
        r"|mamman din|morsan din|din morsa|din mutter|moderen din|din moder|jeres mor|era mödrar)"
        r" (?:burde|skulle|borde|skulde|burte|skulle ha|burde ha)(?: ha| hatt| haft)?"
        r" (?:tatt|teke|tagit|taget|fått|fatt|gjort|gjennomført) (?:en |ein |ett )?abort\b"
        r"|\b(?:du|dere|ni|i|dykk) (?:burde|skulle|borde|skulde|burte)(?: ha| hatt| ha blitt"
        r"| ha vært| ha vorte| ha blivit| være| vara)? (?:blitt |blivit |vorte )?"
        r"(?:abortert|aborterats|aborteret|abortert)\b",
        {HARASSMENT_OR_ABUSE: 70.0},
        aimed_insult=75.0,
    ),
    # "jeg hater dere", "eg hatar dykk", "jag hatar er"
    rule(
        rf"{ME} (?:hater|hatar|hader|hata|avskyr|avskyer|forakter|föraktar|foragter)"
        r" (?:deg|dere|dykk|dokker|dig|dej|jer|er)\b",
        {},
        aimed_insult=55.0,
    ),
)
