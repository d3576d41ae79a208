"""A small OpenID provider for the single-sign-on tests: django-oauth-toolkit's OIDC provider in
a Django project of its own, started on loopback by tests/sso_fixtures.py (its database, key and
port are given by the environment). Never part of the portal."""
