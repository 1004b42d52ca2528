"""Numbers, money and dates formatted for the reader's language, with Babel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale, numbers
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from django.utils import translation

_BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def current_locale(language: str | None = None) -> str:
    language = (language or translation.get_language() or "fr")[:2]
    return _BABEL_LOCALES.get(language, "fr_FR")


def format_number(value: int | float | Decimal | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=current_locale(language))


def format_money(
    amount: Decimal | int | None, currency: str, language: str | None = None, *, whole: bool = False
) -> str:
    if amount is None:
        return ""
    pattern = None
    if whole:
        # Dashboards show whole units: "1 480 000 €" rather than "1 480 000,00 €".
        standard = Locale.parse(current_locale(language)).currency_formats["standard"]
        pattern = standard.pattern.replace(".00", "")
    return numbers.format_currency(
        amount,
        currency,
        format=pattern,
        locale=current_locale(language),
        currency_digits=not whole,
    )


def format_percent(value: float | Decimal | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return numbers.format_percent(value, locale=current_locale(language))


def format_date(value: dt.date | None, language: str | None = None, fmt: str = "long") -> str:
    if value is None:
        return ""
    return babel_format_date(value, format=fmt, locale=current_locale(language))


def format_datetime(
    value: dt.datetime | None,
    language: str | None = None,
    fmt: str = "medium",
    tzinfo: dt.tzinfo | None = None,
) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, format=fmt, locale=current_locale(language), tzinfo=tzinfo)


def is_known_currency(code: str) -> bool:
    return code in numbers.list_currencies()
