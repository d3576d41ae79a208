"""Reading ids from query strings without trusting them."""

import re

_ID = re.compile(r"[1-9][0-9]{0,17}", re.ASCII)


def id_param(value) -> str | None:
    """`value` if it is a plain positive id (ASCII digits, within a bigint), else None:
    "²" or 20-digit numbers must be a filter that matches nothing, not a 500."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None
