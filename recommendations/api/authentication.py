"""Personal API tokens (communes.models.ApiToken), sent as `Authorization: Bearer <token>`."""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from communes import roles
from communes.cache import api_token_versions
from communes.clientip import client_ip
from communes.models import ApiToken
from communes.services import api_token_seen_from, api_token_used

# How long a token read is kept at most (a change of the token or of any user is seen at once).
TOKEN_SECONDS = 5 * 60


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """The user whose token the request carries; a token revoked, expired, unknown or of a
    deactivated user answers 401, without saying which."""

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
        token, key = self.token(ApiToken.digest_of(secret))
        # A kept token may have expired since it was read: refused like a revoked one.
        used = None if token is None or token.expired else api_token_used(token=token)
        if used is None:
            if token is not None:  # revoked, expired or its user deactivated since it was kept
                cache.delete(key)
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it was mistyped or revoked."))
        # From another address than the last: an audit event, once per change of address.
        moved = api_token_seen_from(token=token, address=client_ip(request._request))
        if used or moved:
            cache.set(key, token, TOKEN_SECONDS)  # with its new last use and address
        return token.user, token

    def token(self, digest):
        """The active token with this digest (or None), with its user, profile and roles,
        and the key it is kept under: from the cache while neither the token
        (communes.cache.on_api_token_change) nor any user changed; else from the primary
        database, never a replica that may lag: a revoked token stops working at once, and a
        new one works at once. An unknown digest is not kept (a guesser would fill the
        cache)."""
        key = "portal:api-token:{}:{}".format(
            digest, ":".join(api_token_versions(digest)))
        token = cache.get(key)
        if token is None:
            token = (ApiToken.objects.using(DEFAULT_DB_ALIAS).active()
                     .select_related("user__profile").filter(digest=digest).first())
            if token is not None:
                roles.role_names(token.user)  # read with the token, kept on its user
                cache.set(key, token, TOKEN_SECONDS)
        return token, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (drf-spectacular finds this class by its target)."""

    target_class = BearerTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": _("A personal API token, made on the portal's page «API tokens».")}
