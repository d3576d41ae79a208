import hashlib
import re

from django import template

from communes.cache import GLOBAL, PartKey, fresh_or_recomputed, versions

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


class CachedPartNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        values = [var.resolve(context) for var in self.vary_on]
        part_keys = [value for value in values if isinstance(value, PartKey)]
        current = part_keys[0].versions if part_keys else versions((GLOBAL,))
        key = f"portal:part:{self.name}:" + hashlib.sha256(
            repr(values).encode()).hexdigest()[:32]
        return fresh_or_recomputed(key, current, lambda: self.nodelist.render(context),
                                   stale_ok=True)


@register.tag
def cachedpart(parser, token):
    """{% cachedpart timeout name key … %}…{% endcachedpart %}: the part rendered once while
    the data it reads are unchanged, and served while one request renders it anew
    (communes/cache.py). Like Django's {% cache %}, with the versions of the data taken from
    the page's PartKey among the `key …` (page_part_key); the timeout is the cache's own."""
    nodelist = parser.parse(("endcachedpart",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("cachedpart takes a timeout, a name and its keys")
    return CachedPartNode(nodelist, bits[2], [parser.compile_filter(bit) for bit in bits[3:]])
