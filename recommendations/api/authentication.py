"""Personal API tokens (communes.models.ApiToken), sent as `Authorization: Bearer <token>`."""

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from communes.models import ApiToken
from communes.services import api_token_used


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """The user whose token the request carries; a token revoked, unknown or of a deactivated
    user answers 401, without saying which."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no token: the session may still authenticate the request
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Bearer <token>."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        # From the primary database, never a replica that may lag: a revoked token stops
        # working at once, and a new one works at once.
        token = (ApiToken.objects.using(DEFAULT_DB_ALIAS).active()
                 .select_related("user__profile")
                 .filter(digest=ApiToken.digest_of(secret)).first())
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it was mistyped or revoked."))
        api_token_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (drf-spectacular finds this class by its target)."""

    target_class = BearerTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": _("A personal API token, made on the portal's page «API tokens».")}
