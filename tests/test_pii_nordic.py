"""The personal-data floor on Nordic feedback: identity, account and organisation numbers
(checked with python-stdnum), phone numbers, street addresses and names, and what is left alone:
order numbers, prices, dates, times, years, postcodes and quantities.

Every number that should be found is built here and checked with stdnum, so it is really valid;
every person is fictional.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.no import fodselsnummer, kontonr, orgnr
from stdnum.se import personnummer

import feedback.pii as pii
from feedback.pii import find_pii, redact


def spans(text: str) -> list[tuple[str, str]]:
    return [(entity.type, text[entity.begin : entity.end]) for entity in find_pii(text)]


def types(text: str) -> list[str]:
    return [entity.type for entity in find_pii(text)]


def wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# --- Valid numbers, built and checked with stdnum -------------------------------------------


def birth_number(date: str, individual: int = 123) -> str:
    """A valid fødselsnummer (or D-nummer, day + 40) for `date` (DDMMYY)."""
    for serial in range(individual, 500):  # 000–499: born 1900–1999
        base = f"{date}{serial:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        second = fodselsnummer.calc_check_digit2(base + first)
        number = base + first + second
        if len(number) == 11 and fodselsnummer.is_valid(number):
            return number
    raise AssertionError(f"no valid number for {date}")


def account_number(first_ten: str) -> str:
    for digit in "0123456789":
        if kontonr.is_valid(first_ten + digit):
            return first_ten + digit
    raise AssertionError(f"{first_ten} has check digit 10; pick another")


def organization_number(first_eight: str) -> str:
    for digit in "0123456789":
        if orgnr.is_valid(first_eight + digit):
            return first_eight + digit
    raise AssertionError(f"{first_eight} has check digit 10; pick another")


def swedish_number(date: str, serial: str, separator: str = "-") -> str:
    """A valid personnummer: `date` YYMMDD or YYYYMMDD, `serial` three digits."""
    check = luhn.calc_check_digit(date[-6:] + serial)
    number = f"{date}{separator}{serial}{check}"
    day = int(date[-2:])
    if day > 60:
        # A samordningsnummer: stdnum's personnummer refuses the day, so its two parts are
        # checked apart: the Luhn digit as written, the birth date with 60 taken off the day.
        assert luhn.is_valid(date[-6:] + serial + check)
        personnummer.get_birth_date(f"{date[:-2]}{day - 60:02d}{separator}{serial}{check}")
    else:
        assert personnummer.is_valid(number), number
    return number


def danish_number(date: str) -> str:
    """A valid CPR number "DDMMYY-NNNN" that is not also a valid Swedish personnummer."""
    for serial in range(1234, 9999):
        number = f"{date}-{serial}"
        if cpr.is_valid(number) and not personnummer.is_valid(number):
            return number
    raise AssertionError(date)


FNR = birth_number("150385")  # a man born 15 March 1985
FNR_SPACED = f"{FNR[:6]} {FNR[6:]}"
D_NUMBER = birth_number("550385")  # the same day, plus 40: a D-nummer
ACCOUNT = account_number("1234567890")
ACCOUNT_DOTTED = f"{ACCOUNT[:4]}.{ACCOUNT[4:6]}.{ACCOUNT[6:]}"
ACCOUNT_SPACED = f"{ACCOUNT[:4]} {ACCOUNT[4:6]} {ACCOUNT[6:]}"
ORGNR = organization_number("98765432")
ORGNR_SPACED = f"{ORGNR[:3]} {ORGNR[3:6]} {ORGNR[6:]}"
SE_DASH = swedish_number("850709", "980")
SE_PLUS = swedish_number("201231", "123", "+")  # 100 years or older
SE_LONG = swedish_number("19850709", "980")
SE_COMPACT = SE_LONG.replace("-", "")
SE_COORDINATION = swedish_number("850769", "980")  # samordningsnummer: day of birth plus 60
DK = danish_number("010185")


def test_the_example_numbers_are_what_they_claim() -> None:
    assert fodselsnummer.is_valid(FNR) and fodselsnummer.is_valid(D_NUMBER)
    assert int(D_NUMBER[:2]) > 40
    assert kontonr.is_valid(ACCOUNT) and not fodselsnummer.is_valid(ACCOUNT)
    assert orgnr.is_valid(ORGNR)
    assert personnummer.is_valid(SE_DASH) and personnummer.is_valid(SE_LONG)
    assert personnummer.is_valid(SE_PLUS)
    assert cpr.is_valid(DK) and not personnummer.is_valid(DK)


# --- Norwegian national identity numbers ------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [FNR, FNR_SPACED, f"{FNR[:6]}-{FNR[6:]}", D_NUMBER],
    ids=["bare", "spaced", "dash", "d"],
)
def test_a_fodselsnummer_or_d_nummer_is_found(number: str) -> None:
    text = f"Fødselsnummeret mitt er {number}, hilsen kunden."
    assert spans(text) == [("NO_NATIONAL_ID", number)]
    assert find_pii(text)[0].confidence == 99.0
    assert (
        redact(text, find_pii(text)) == "Fødselsnummeret mitt er [NO_NATIONAL_ID], hilsen kunden."
    )


def test_a_fodselsnummer_needs_no_context_and_beats_the_phone_shape() -> None:
    # "DDMMYY NNNNN" is phone-shaped and used to be masked as PHONE.
    assert spans(f"Ring meg på {FNR_SPACED}") == [("NO_NATIONAL_ID", FNR_SPACED)]
    assert spans(FNR) == [("NO_NATIONAL_ID", FNR)]
    # Two check digits and a date: even after an order word it is an identity number.
    assert spans(f"ordre {FNR}") == [("NO_NATIONAL_ID", FNR)]


@pytest.mark.parametrize(
    "number",
    [
        wrong_last_digit(FNR),
        wrong_last_digit(FNR_SPACED),
        "010170 12345",  # the shape, with check digits that do not match
        "32018512345",  # day 32
    ],
)
def test_a_wrong_check_digit_is_neither_an_identity_number_nor_a_phone(number: str) -> None:
    assert not fodselsnummer.is_valid(number)
    assert spans(f"Mitt fnr er {number}.") == []


def test_a_fodselsnummer_inside_a_longer_number_is_not_found() -> None:
    assert types(f"{FNR}7") == []
    assert types(f"9{FNR}") == []


# --- Kontonummer --------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [ACCOUNT, ACCOUNT_DOTTED, ACCOUNT_SPACED])
def test_a_kontonummer_is_found(number: str) -> None:
    text = f"Refunder til kontonummer {number} takk"
    assert spans(text) == [("BANK_ACCOUNT_NUMBER", number)]
    assert find_pii(text)[0].confidence == 99.0
    assert redact(text, find_pii(text)) == "Refunder til kontonummer [BANK_ACCOUNT_NUMBER] takk"


def test_a_kontonummer_in_its_written_form_needs_no_context() -> None:
    assert spans(f"Pengene til {ACCOUNT_DOTTED}") == [("BANK_ACCOUNT_NUMBER", ACCOUNT_DOTTED)]
    assert spans(f"Pengene til {ACCOUNT}") == [("BANK_ACCOUNT_NUMBER", ACCOUNT)]


@pytest.mark.parametrize(
    "text",
    [
        f"kontonummer {wrong_last_digit(ACCOUNT)}",
        f"kontonummer {wrong_last_digit(ACCOUNT_DOTTED)}",
        f"kontonummer {wrong_last_digit(ACCOUNT_SPACED)}",  # not a phone number either
        f"ordrenummer {ACCOUNT}",  # bare eleven digits after an order word: one in eleven pass
        f"Sporingsnummer: {ACCOUNT}",
        f"Det kostet {ACCOUNT} kr",
    ],
)
def test_a_kontonummer_with_a_wrong_check_digit_or_after_an_order_word_is_not(text: str) -> None:
    assert spans(text) == []


# --- Organisasjonsnummer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Faktura fra NO {ORGNR_SPACED} MVA", f"NO {ORGNR_SPACED} MVA"),
        (f"Faktura fra NO{ORGNR}MVA", f"NO{ORGNR}MVA"),
        (f"Org.nr. {ORGNR}", ORGNR),
        (f"org.nr. {ORGNR}", ORGNR),
        (f"Organisasjonsnummer: {ORGNR_SPACED}", ORGNR_SPACED),
        (f"Enkeltpersonforetaket mitt har {ORGNR}", ORGNR),
        (f"Firmaet er {ORGNR_SPACED}", ORGNR_SPACED),  # the 3-3-3 form says it
    ],
)
def test_an_organisasjonsnummer_is_found(text: str, expected: str) -> None:
    assert spans(text) == [("NO_ORGANIZATION_NUMBER", expected)]
    assert find_pii(text)[0].confidence == 99.0


@pytest.mark.parametrize(
    "text",
    [
        f"Bestillingen {ORGNR} kom fram",  # a bare 9-digit number needs "org.nr"
        f"Jeg fikk {ORGNR} i dag",
        f"ordre {ORGNR_SPACED}",
        f"Org.nr. {wrong_last_digit(ORGNR)}",
        f"Det kostet kr {ORGNR_SPACED}",
        "Prisen var 1 000 000 000 kroner",  # "000 000 000" passes mod-11; no org number starts 0
    ],
)
def test_an_organisasjonsnummer_needs_its_form_or_context(text: str) -> None:
    assert types(text) == []


# --- Swedish personnummer and Danish CPR ------------------------------------------------------


@pytest.mark.parametrize("number", [SE_DASH, SE_PLUS, SE_LONG, SE_COMPACT, SE_COORDINATION])
def test_a_swedish_personnummer_is_found(number: str) -> None:
    text = f"Mitt personnummer är {number}. Tack!"
    assert spans(text) == [("SE_PERSONAL_IDENTITY_NUMBER", number)]
    assert find_pii(text)[0].confidence == 99.0
    assert spans(f"Hej, {number}") == [("SE_PERSONAL_IDENTITY_NUMBER", number)]


def test_ten_bare_swedish_digits_need_a_word_before_them() -> None:
    bare = SE_DASH.replace("-", "")
    assert spans(f"personnummer {bare}") == [("SE_PERSONAL_IDENTITY_NUMBER", bare)]
    assert spans(f"Jag fick {bare} i går") == []


@pytest.mark.parametrize(
    "text",
    [
        f"personnummer {wrong_last_digit(SE_DASH)}",
        f"personnummer {wrong_last_digit(SE_LONG)}",
        f"beställning {SE_DASH}",  # Luhn passes one time in ten: an order word wins
        "personnummer 851309-9801",  # month 13
    ],
)
def test_a_swedish_number_with_a_wrong_check_digit_or_date_is_not_found(text: str) -> None:
    assert types(text) == []


def test_a_danish_cpr_number_is_found() -> None:
    text = f"Mit CPR-nummer er {DK}."
    assert spans(text) == [("DK_CPR_NUMBER", DK)]
    assert find_pii(text)[0].confidence == 90.0  # a date, no check digit
    assert spans(f"Hej, {DK}") == [("DK_CPR_NUMBER", DK)]
    bare = DK.replace("-", "")
    assert spans(f"cpr {bare}") == [("DK_CPR_NUMBER", bare)]


@pytest.mark.parametrize(
    "text",
    [
        f"Jeg fik {DK.replace('-', '')} i går",  # any date-shaped ten digits would pass
        f"ordrenummer {DK}",
        "Mit CPR-nummer er 320185-1234.",  # day 32
        "Mit CPR-nummer er 011385-1234.",  # month 13
    ],
)
def test_a_danish_cpr_number_needs_a_date_and_no_order_word(text: str) -> None:
    assert types(text) == []


# --- Phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "98765432",  # a Norwegian mobile: 8 digits starting with 9 or 4
        "41234567",
        "987 65 432",
        "98 76 54 32",
        "+47 987 65 432",
        "+47 98 76 54 32",
        "+4798765432",
        "0047 98765432",
        "(+47) 987 65 432",
        "+46 70 123 45 67",  # Swedish
        "070-123 45 67",
        "070-1234567",
        "08-123 456 78",
        "+45 12 34 56 78",  # Danish
        "12 34 56 78",
    ],
)
def test_nordic_phone_numbers_are_found(phone: str) -> None:
    text = f"Ring meg på {phone} etter klokka fem"
    assert spans(text) == [("PHONE", phone)]
    assert redact(text, find_pii(text)) == "Ring meg på [PHONE] etter klokka fem"


@pytest.mark.parametrize(
    "text",
    ["98765432", "Nummeret er 98765432.", "98765432 eller 41234567", "Hei\n41234567"],
)
def test_a_bare_norwegian_mobile_number_needs_no_phone_word(text: str) -> None:
    assert set(types(text)) == {"PHONE"}


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("tlf 22334455", "22334455"),  # an Oslo landline: bare, only after a phone word
        ("Telefon: 22 33 44 55", "22 33 44 55"),
        ("mobilnr. 55512345", "55512345"),
        ("tlf.nr 73123456", "73123456"),
    ],
)
def test_a_bare_landline_number_is_found_after_a_phone_word(text: str, phone: str) -> None:
    assert spans(text) == [("PHONE", phone)]


@pytest.mark.parametrize(
    "text",
    [
        # Order, invoice, tracking and customer numbers.
        "ordre 12345678",
        "ordrenr. 98765432",
        "Ordrenummer: 98765432",
        "#45678901",
        "bestilling 40123456",
        "Bestillingsnummer 40 12 34 56",
        "sporingsnummer 98765432",
        "Faktura 98765432 er betalt",
        "kundenummer 41234567",
        "referanse 98765432",
        "Order 98765432 arrived",
        "beställning 98765432",
        "fakturanummer 98765432",
        "ordre 987 65 432",
        "Jeg bestilte 22334455",  # a landline-shaped number without a phone word
        "varenr 91234567",
        "Artikkelnummer 91234567",
        # Prices.
        "kr 1 299,-",
        "1.299,00 kr",
        "NOK 12 345",
        "Det kostet 98 765 432 kroner",
        "Totalt kr 98765432",
        # Dates, times, years.
        "01.02.2024",
        "1/2-24",
        "2024-02-01",
        "Levert 01.02.2024 12:30",
        "Levert 2024-02-01 10:30",
        "kl. 10.30 - 12.00",
        "I 2019, 2020 og 2021 kjøpte jeg 3 jakker.",
        # Postcodes, quantities, product numbers, big numbers.
        "0155 Oslo",
        "7011 Trondheim",
        "Jeg kjøpte 2 stk og 3 par",
        "EAN 7038010001234",
        "16 777 216 farger",
        "1 20210518",
        "Versjon 1003.11988",
        "Boston, MA 02110-1301",
    ],
)
def test_order_numbers_prices_dates_and_postcodes_are_not_phone_numbers(text: str) -> None:
    assert spans(text) == []


def test_the_nearest_word_before_a_number_decides() -> None:
    text = "Ordre 41234567 kom aldri, ring meg på 98765432."
    assert spans(text) == [("PHONE", "98765432")]
    text = "Telefonnummeret mitt er 98765432 og ordrenummer 41234567."
    assert spans(text) == [("PHONE", "98765432")]


# --- Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Send den til Storgata 12, 0155 Oslo takk", "Storgata 12, 0155 Oslo"),
        ("Adresse: Kongens gate 3B, 7011 Trondheim.", "Kongens gate 3B, 7011 Trondheim"),
        ("Eg bur i Fjellvegen 7, 6800 Førde", "Fjellvegen 7, 6800 Førde"),
        ("Jag bor på Storgatan 5, 111 22 Stockholm", "Storgatan 5, 111 22 Stockholm"),
        ("Jeg bor på Vesterbrogade 10, 1620 København V", "Vesterbrogade 10, 1620 København V"),
        ("Send til Karl Johans gate 1, 0154 Oslo", "Karl Johans gate 1, 0154 Oslo"),
        ("Vi bor i Øvre Slottsgate 3 0157 Oslo", "Øvre Slottsgate 3 0157 Oslo"),
        ("Jeg bor i Storgata 12", "Storgata 12"),
        ("Jeg bor i Storgt. 12 B", "Storgt. 12 B"),
        ("Hjemme i Bygdøy allé 5", "Bygdøy allé 5"),
        ("Leveres til Jernbanevej 4", "Jernbanevej 4"),
        ("Postboks 123, 0102 Oslo", "Postboks 123, 0102 Oslo"),
        ("Rådhusplassen 1, 0037 Oslo", "Rådhusplassen 1, 0037 Oslo"),  # "plass": with postcode
        ("Send til:\nStorgata 12\n0155 Oslo", "Storgata 12\n0155 Oslo"),
    ],
)
def test_a_street_address_is_found(text: str, address: str) -> None:
    assert spans(text) == [("ADDRESS", address)]
    assert find_pii(text)[0].confidence == 90.0


@pytest.mark.parametrize(
    "text",
    [
        "Vi sender fra 0155 Oslo",  # a postcode and place are not personal data
        "Pakken kom fra 7011 Trondheim i går",
        "Leveringen tok 3 dager",  # "-ringen" names streets only with a postcode
        "Parkeringsplass 2 var full",
        "Jeg ventet ved gate 12 i to timer",
        "Gate 12 på Gardermoen var stengt",
        "Det var plass 3 i køen",
        "Butikken i Karl Johans gate er fin",  # a street without a number
        "Copyright 1993, 1998 The Open Group",
        "Takk alle 3 for hjelpen",
    ],
)
def test_places_and_ordinary_words_are_not_addresses(text: str) -> None:
    assert spans(text) == []


# --- Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Takk for rask levering! Mvh Kari Nordmann", "Kari Nordmann"),
        ("Varen var fin.\n\nMvh\nKari Nordmann", "Kari Nordmann"),
        ("Hilsen Ola", "Ola"),
        ("Med vennlig hilsen Per Hansen", "Per Hansen"),
        ("Vennlig hilsen,\nAnne-Lise Berg", "Anne-Lise Berg"),
        ("Venleg helsing\nOla Nordmann", "Ola Nordmann"),
        ("Hei! Jeg heter Kari Nordmann og er skuffet.", "Kari Nordmann"),
        ("Eg heiter Ola Nordmann og bur i Førde.", "Ola Nordmann"),
        ("Hei, mitt namn er Ola Nordmann.", "Ola Nordmann"),
        ("Kontaktperson: Kari Nordmann", "Kari Nordmann"),
        ("Navn: Kari N.", "Kari N."),
        ("Med vänlig hälsning Sven Svensson", "Sven Svensson"),
        ("Hej, jag heter Sven och är nöjd.", "Sven"),
        ("Venlig hilsen Jens Hansen", "Jens Hansen"),
        ("Hej, jeg hedder Jens.", "Jens"),
        ("My name is Jane Doe and the parcel never came.", "Jane Doe"),
        ("Regards, Jane Doe", "Jane Doe"),
        ("Hilsen Ola og Kari Nordmann", "Ola og Kari Nordmann"),
        ("Med vennlig hilsen familien Hansen", "Hansen"),
        ("MVH KUNDE\n\nmvh Kari", "Kari"),
    ],
)
def test_a_name_is_found_after_a_sign_off_or_an_introduction(text: str, name: str) -> None:
    assert spans(text) == [("NAME", name)]
    assert find_pii(text)[0].confidence == 80.0


@pytest.mark.parametrize(
    "text",
    [
        "Takk for hilsen! Varen kom i går.",
        "Takk for hilsen\nVaren kom i går.",
        "Med vennlig hilsen En fornøyd kunde",
        "Hilsen fra oss alle på kontoret",
        "Product name: Superlight Jacket",
        "Per stk koster det 200 kr",  # first names that are everyday words
        "Vår ordre kom ikke",
        "Dag 3 uten pakke",
        "Liv og røre i butikken",
        "Jeg heter ikke noe spesielt",
        "Hans bror kjøpte den",
        "Kari Nordmann kjøpte den",  # a name nobody introduces is not looked for
    ],
)
def test_no_name_without_an_introduction(text: str) -> None:
    assert spans(text) == []


def test_a_signature_is_redacted_whole() -> None:
    text = (
        "Hei! Pakken kom aldri fram.\n\n"
        "Mvh Kari Nordmann\n"
        "Storgata 12, 0155 Oslo\n"
        f"Tlf 987 65 432, fnr {FNR}, konto {ACCOUNT_DOTTED}"
    )
    assert redact(text, find_pii(text)) == (
        "Hei! Pakken kom aldri fram.\n\n"
        "Mvh [NAME]\n"
        "[ADDRESS]\n"
        "Tlf [PHONE], fnr [NO_NATIONAL_ID], konto [BANK_ACCOUNT_NUMBER]"
    )


def test_a_name_stops_before_the_street_of_an_address() -> None:
    assert spans("Mvh Kari Nordmann Storgata 12") == [
        ("NAME", "Kari Nordmann"),
        ("ADDRESS", "Storgata 12"),
    ]


# --- Ordinary feedback, and the public API ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Jeg bestilte 2 stk 15.03.2024 kl 14.30 og betalte kr 1 299,-. Varen kom 1/4-24.",
        "Pakken ble sendt fra 0155 Oslo til 7011 Trondheim, ordrenummer 40123456.",
        "Eg fekk berre 3 av 4 varer, og ordre 98765432 er framleis ikkje levert.",
        "Leveringen tok 10 dagar. Heile bestillinga kosta 2 499 kr.",
        "Jag beställde 3 tröjor för 1 299 kr, beställningsnummer 45678901.",
        "Jeg bestilte 2 par sko til 899 kr, ordrenummer 41234567, levering 3-5 dage.",
        "Delivered on 2024-02-01 at 10:30, order #45678901, 3 items for NOK 1,299.",
        "Str. 42, farge 3, vare 12345. Best i test 2023!",
    ],
)
def test_ordinary_feedback_is_left_alone(text: str) -> None:
    assert spans(text) == []


def test_every_type_has_an_exported_constant() -> None:
    assert (pii.NO_NATIONAL_ID, pii.BANK_ACCOUNT_NUMBER, pii.NO_ORGANIZATION_NUMBER) == (
        "NO_NATIONAL_ID",
        "BANK_ACCOUNT_NUMBER",
        "NO_ORGANIZATION_NUMBER",
    )
    assert (pii.SE_PERSONAL_IDENTITY_NUMBER, pii.DK_CPR_NUMBER) == (
        "SE_PERSONAL_IDENTITY_NUMBER",
        "DK_CPR_NUMBER",
    )
    assert (pii.ADDRESS, pii.NAME, pii.PHONE, pii.EMAIL) == ("ADDRESS", "NAME", "PHONE", "EMAIL")
    assert pii.luhn_valid("4111111111111111") and pii.iban_valid("NO9386011117947")


_nordic_fragments = st.one_of(
    st.sampled_from(
        [
            FNR, FNR_SPACED, ACCOUNT_DOTTED, ORGNR_SPACED, SE_DASH, DK, "98765432", "987 65 432",
            "+47 ", "Storgata 12", ", 0155 Oslo", "Kongens gate 3", "Mvh ", "Kari ", "Nordmann",
            "jeg heter ", "ordre ", "tlf ", "kr ", "NO ", " MVA", "\n", " ", "-", ".", ",",
        ]
    ),
    st.from_regex(r"[0-9 .+-]{1,14}", fullmatch=True),
    st.text(max_size=6),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_nordic_fragments, max_size=16).map("".join))
def test_findings_are_sorted_disjoint_and_exact(text: str) -> None:
    previous_end = 0
    for entity in find_pii(text):
        assert previous_end <= entity.begin < entity.end <= len(text)
        assert entity.confidence in (99.0, 90.0, 80.0)
        previous_end = entity.end


# --- Linear work on hostile text ----------------------------------------------------------------


class CountingPattern:
    """A compiled pattern that counts how often it is asked, and how much it finds."""

    def __init__(self, pattern: re.Pattern[str], counts: Counter[str]) -> None:
        self._pattern = pattern
        self._counts = counts

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        self._counts["calls"] += 1
        for match in self._pattern.finditer(*args):
            self._counts["matches"] += 1
            yield match

    def search(self, *args: Any) -> re.Match[str] | None:
        self._counts["calls"] += 1
        return self._pattern.search(*args)

    def match(self, *args: Any) -> re.Match[str] | None:
        self._counts["calls"] += 1
        return self._pattern.match(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)


@pytest.fixture
def regex_work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every module-level pattern of the finder, counted."""
    counts: Counter[str] = Counter()
    modules = [pii.addresses, pii.cards, pii.context, pii.internet, pii.names, pii.numbers]
    for module in [*modules, pii.phones]:
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, CountingPattern(value, counts))
    return counts


N = 20_000
HOSTILE = {
    "digits": "9" * N,
    "spaced digit groups": ("98765432 " * N)[:N],
    "single digits": ("9 " * N)[:N],
    "ten-digit groups": ("0101851234 " * N)[:N],
    "dashed identity numbers": ("010185-" * N)[:N],
    "capitalised words": ("Storgata " * N)[:N],
    "one long word": "A" + "a" * (N - 1),
    "street numbers": ("Storgata 1 " * N)[:N],
    "addresses": ("Storgata 12, 0155 Oslo " * N)[:N],
    "sign-offs": ("Mvh Kari " * N)[:N],
    "sign-offs alone": ("Mvh " * N)[:N],
    "spaces after a trigger": "jeg heter" + " " * N,
    "line breaks": ("Mvh\n" * N)[:N],
    "country codes": ("+47 " * N)[:N],
    "dots": ("1." * N)[:N],
    "at signs": ("a@" * N)[:N],
    "VAT numbers": (f"NO {ORGNR_SPACED} MVA " * N)[:N],
    "order words": ("ordre " * N)[:N],
}


@pytest.mark.parametrize("name", HOSTILE)
def test_work_grows_linearly_on_hostile_text(name: str, regex_work: Counter[str]) -> None:
    """Each pattern is asked a bounded number of times per finding, and finds a bounded number
    of things per character: doubling the text at most doubles the work."""
    text = HOSTILE[name]
    find_pii(text)
    single = regex_work["calls"] + regex_work["matches"]
    regex_work.clear()
    find_pii(text + " " + text)
    double = regex_work["calls"] + regex_work["matches"]
    assert single <= 3 * len(text)
    assert double <= 2 * single + 50
