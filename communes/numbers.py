"""Numbers as a Vietnamese office writes them: a dot (or a space) groups thousands, a comma
marks decimals — "6.600" hồ sơ, "87,76" %.

Typed numbers are read only that way, whatever the language of the page, and a number that
could be read two ways ("87.76", "6.60") is refused with a message rather than guessed: a
figure is never changed silently.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spaces that people and spreadsheets put between groups of digits.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
# The first group has no leading zero: "0.600" is an English-style decimal, not 600.
_GROUPED = re.compile(r"[1-9]\d{0,2}(\.\d{3})+", re.ASCII)
_PLAIN = re.compile(r"\d+", re.ASCII)
MAX_DIGITS = 15

NOT_A_NUMBER = _("“%(value)s” is not a number. Write it the Vietnamese way: 6.600 or 6600 for a "
                 "count, 87,76 for a rate.")
AMBIGUOUS_DOT = _("“%(value)s” could be read two ways. A dot groups thousands in threes "
                  "(6.600) and a comma marks decimals (87,76): write it one of those ways.")
NOT_WHOLE = _("“%(value)s” is not a whole number; this figure is a count.")
COMMA_THOUSANDS = _("“%(value)s”: a comma marks decimals. Write thousands with a dot (6.600) "
                    "or without a separator (6600).")
TOO_MANY_DECIMALS = _("“%(value)s” has more than %(places)d decimals.")
TOO_LONG = _("“%(value)s” is too long for a figure.")


def _refuse(message, value, **extra):
    raise ValidationError(message, code="invalid", params={"value": value, **extra})


def parse_number(text: str, *, decimal_places: int = 0) -> Decimal:
    """The value of `text` written the Vietnamese way, with at most `decimal_places`
    decimals; ValidationError with a message that says how to write it otherwise."""
    typed = str(text).strip()
    compact = _SPACES.sub(".", typed)  # "6 600" groups like "6.600"
    whole, comma, fraction = compact.partition(",")
    if whole.startswith(("-", "+")):
        _refuse(NOT_A_NUMBER, typed)
    if _PLAIN.fullmatch(whole):
        digits = whole
    elif _GROUPED.fullmatch(whole):
        digits = whole.replace(".", "")
    elif "." in whole and re.fullmatch(r"[\d.]+", whole, re.ASCII):
        _refuse(AMBIGUOUS_DOT, typed)
    else:
        _refuse(NOT_A_NUMBER, typed)
    if comma and not _PLAIN.fullmatch(fraction):
        _refuse(NOT_A_NUMBER, typed)
    if len(digits.lstrip("0")) > MAX_DIGITS:
        _refuse(TOO_LONG, typed)
    # Three digits after a comma are thousands written the English way ("6,600"), whether
    # the field takes decimals or not: say so, rather than "too many decimals" ("0,600"
    # cannot be thousands).
    if comma and len(fraction) == 3 and decimal_places < 3 and not digits.startswith("0"):
        _refuse(COMMA_THOUSANDS, typed)
    if comma and decimal_places == 0:
        _refuse(NOT_WHOLE, typed)
    if len(fraction) > decimal_places:
        _refuse(TOO_MANY_DECIMALS, typed, places=decimal_places)
    try:
        return Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        _refuse(NOT_A_NUMBER, typed)


def number_from_cell(value, *, decimal_places: int = 0) -> Decimal:
    """A spreadsheet cell: a number cell as it is (checked for its decimals), text as typed."""
    if isinstance(value, bool):
        _refuse(NOT_A_NUMBER, value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr gives the shortest text that is the float: 87.76, not 87.7600000000000051…
        number = Decimal(repr(value))
        if not number.is_finite():
            _refuse(NOT_A_NUMBER, value)
    else:
        return parse_number(value, decimal_places=decimal_places)
    if number < 0:
        _refuse(NOT_A_NUMBER, value)
    if number != number.to_integral_value() and decimal_places == 0:
        _refuse(NOT_WHOLE, value)
    if -number.normalize().as_tuple().exponent > decimal_places:
        _refuse(TOO_MANY_DECIMALS, value, places=decimal_places)
    if len(str(int(number))) > MAX_DIGITS:
        _refuse(TOO_LONG, value)
    return number


def format_number(value, *, decimal_places: int | None = None) -> str:
    """`value` written the Vietnamese way, for an input to show and read back: 6.600; 87,76.
    Trailing decimal zeros are left out ("6.600", not "6.600,00")."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if decimal_places is not None:
        number = round(number, decimal_places)
    whole, _dot, fraction = f"{number:f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped
