import re

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or nothing."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def with_params(*mappings, **extra):
    """A query string from the given dicts and keywords (later ones win), URL-encoded."""
    from django.utils.http import urlencode

    merged = {}
    for mapping in mappings:
        merged.update(mapping or {})
    merged.update(extra)
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


@register.simple_tag
def options(choices, selected):
    """<option>s for (value, label) pairs, `selected` marked: built here rather than by a
    template loop, since lists show hundreds of them on every page."""
    from django.utils.html import format_html_join

    selected = "" if selected is None else str(selected)
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, " selected" if value == selected else "", label) for value, label in choices))


# Kinds of former district-level unit, which a Vietnamese sentence writes in lower case.
_DISTRICT_KINDS = ("Huyện ", "Thành phố ", "Thị xã ", "Quận ")


@register.filter
def in_sentence(names: str) -> str:
    """Former districts as a sentence names them: "Huyện Hữu Lũng" → "huyện Hữu Lũng"."""
    parts = []
    for name in re.split(r"[;,]", names or ""):
        name = name.strip()
        if name.startswith(_DISTRICT_KINDS):
            name = name[0].lower() + name[1:]
        parts.append(name)
    return ", ".join(part for part in parts if part)
