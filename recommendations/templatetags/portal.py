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
