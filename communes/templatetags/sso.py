"""The login page's single-sign-on button (communes/sso.py): nothing unless it is configured."""

from django import template

from communes import sso

register = template.Library()


@register.inclusion_tag("registration/sso_button.html")
def sso_button(next_url=""):
    return {"sso_enabled": sso.enabled(), "next": next_url}
