"""Numbers, money and dates read naturally in French and in English."""

import datetime as dt
from decimal import Decimal

from edile.core import formatting


def test_money_in_french_and_english():
    assert (
        formatting.format_money(Decimal("1480000.5"), "EUR", "fr") == "1\u202f480\u202f000,50\xa0€"
    )
    assert formatting.format_money(Decimal("1480000.5"), "EUR", "en") == "€1,480,000.50"


def test_whole_money_drops_cents():
    assert formatting.format_money(Decimal("9200000"), "EUR", "en", whole=True) == "€9,200,000"


def test_numbers_and_dates():
    assert formatting.format_number(3250000, "fr") == "3\u202f250\u202f000"
    assert formatting.format_number(3250000, "en") == "3,250,000"
    assert formatting.format_date(dt.date(2019, 12, 4), "fr") == "4 décembre 2019"
    assert formatting.format_date(dt.date(2019, 12, 4), "en") == "4 December 2019"


def test_known_currencies():
    assert formatting.is_known_currency("XOF")
    assert not formatting.is_known_currency("XYZ")
