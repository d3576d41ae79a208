"""Starts the test OpenID provider (this package) on loopback and points the portal at it."""

import importlib
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "portal"
CLIENT_SECRET = "portal-test-secret"
PASSWORD = "provider-pass-1"


@dataclass
class Provider:
    url: str
    issuer: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(folder: Path, portal_url: str, users):
    """The provider, migrated and seeded with `users` ((username, email) pairs, password
    PASSWORD) and the portal as its client, answering on 127.0.0.1 until the block ends."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = folder / "provider-key.pem"
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.sso_provider.settings",
           "PYTHONPATH": str(ROOT), "SSO_PROVIDER_DB": str(folder / "provider.sqlite3"),
           "SSO_PROVIDER_KEY": str(key_file), "SSO_PROVIDER_ISSUER": f"{url}/o"}
    env.pop("DATABASE_URL", None)
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 120}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input"], **run)
    spec = {"users": [{"username": name, "email": email, "password": PASSWORD}
                      for name, email in users],
            "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                       "redirect_uri": f"{portal_url}/oidc/callback/",
                       "post_logout_redirect_uri": f"{portal_url}/accounts/login/"}}
    subprocess.run([sys.executable, "-m", "tests.sso_provider.seed", json.dumps(spec)], **run)
    log = (folder / "provider.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks",
         f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/o/.well-known/openid-configuration",
                                timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test OpenID provider did not start: "
                                   + (folder / "provider.log").read_text())
            time.sleep(0.2)
        yield Provider(url=url, issuer=f"{url}/o")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def sso_settings(issuer: str, **overrides) -> dict:
    """What config/settings/base.py sets when OIDC_RP_CLIENT_ID is in the environment."""
    origin = issuer.split("/o", 1)[0] if issuer.endswith("/o") else issuer
    csp = {**settings.CONTENT_SECURITY_POLICY,
           "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}}
    csp["DIRECTIVES"]["form-action"] = [*csp["DIRECTIVES"]["form-action"], origin]
    return {"OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": issuer,
            "AUTHENTICATION_BACKENDS": [*settings.AUTHENTICATION_BACKENDS,
                                        "communes.sso.ProvinceOIDCBackend"],
            "CONTENT_SECURITY_POLICY": csp, **overrides}


def _reload_urls():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@contextmanager
def sso_configured(**values):
    """The portal as deployed with single sign-on on: its settings, and its URLconf loaded
    again under them (urls.py adds the routes only when configured), then put back."""
    from communes import sso

    sso.forget_discovery()
    try:
        with override_settings(**values):
            _reload_urls()
            yield
    finally:
        sso.forget_discovery()
        _reload_urls()
