"""The entity types the finder reports, and how sure it is of each kind of finding.

Type names are Comprehend's where Comprehend has one (EMAIL, PHONE, NAME, ADDRESS,
BANK_ACCOUNT_NUMBER, …), so the pipeline treats both backends alike; the Nordic identity numbers,
which Comprehend does not know, get names in the same style.
"""

from __future__ import annotations

EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_DEBIT_NUMBER = "CREDIT_DEBIT_NUMBER"
IBAN = "INTERNATIONAL_BANK_ACCOUNT_NUMBER"
IP_ADDRESS = "IP_ADDRESS"
BANK_ACCOUNT_NUMBER = "BANK_ACCOUNT_NUMBER"
NO_NATIONAL_ID = "NO_NATIONAL_ID"
NO_ORGANIZATION_NUMBER = "NO_ORGANIZATION_NUMBER"
SE_PERSONAL_IDENTITY_NUMBER = "SE_PERSONAL_IDENTITY_NUMBER"
DK_CPR_NUMBER = "DK_CPR_NUMBER"
ADDRESS = "ADDRESS"
NAME = "NAME"

CHECKSUM_CONFIDENCE = 99.0  # the digits carry their own proof (Luhn, mod-97, mod-11)
PATTERN_CONFIDENCE = 90.0  # shape and context only
NAME_CONFIDENCE = 80.0  # a capitalised word after "Mvh" or "jeg heter" is a name, mostly

# When two findings overlap, the more confident one wins, then the longer one, then this order:
# a checksum-valid identity number beats the phone number its digits also look like.
RANK = {
    CREDIT_DEBIT_NUMBER: 0,
    IBAN: 1,
    NO_NATIONAL_ID: 2,
    SE_PERSONAL_IDENTITY_NUMBER: 3,
    BANK_ACCOUNT_NUMBER: 4,
    NO_ORGANIZATION_NUMBER: 5,
    DK_CPR_NUMBER: 6,
    EMAIL: 7,
    IP_ADDRESS: 8,
    ADDRESS: 9,
    PHONE: 10,
    NAME: 11,
}
