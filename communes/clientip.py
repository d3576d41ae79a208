"""The client's address, as our own proxies saw it (settings.TRUSTED_PROXY_COUNT).

Behind N proxies, each appends the address it received the request from to X-Forwarded-For,
and the nearest one is REMOTE_ADDR. Only the last N hops of that chain were written by us;
everything to their left is whatever the client sent. So the client is the address just
before our proxies' hops, counted from the right: a forged address put in front changes
nothing (django-ipware's reading let a locked-out username and address sign in again by
prepending one)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address (django-axes' AXES_CLIENT_IP_CALLABLE, and anything else that
    needs it): REMOTE_ADDR when no proxy is trusted, else the address our outermost trusted
    proxy received the request from."""
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if not trusted:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if hop.strip()]
    chain = [*forwarded, remote] if remote else forwarded
    # A shorter chain than our proxies would write: the furthest hop we have.
    candidate = chain[-(trusted + 1)] if len(chain) > trusted else (chain[0] if chain else None)
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Our proxies write addresses: anything else is not theirs, and the socket's is sure.
        return remote
