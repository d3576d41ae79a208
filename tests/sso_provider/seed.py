"""Seeds the test provider: `python -m tests.sso_provider.seed JSON`, JSON giving the client
(client_id, client_secret, redirect_uri, post_logout_redirect_uri) and users (username,
password, email)."""

import json
import sys

import django


def main(spec):
    django.setup()
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for person in spec["users"]:
        User.objects.create_user(person["username"], person.get("email", ""),
                                 person["password"])
    client = spec["client"]
    Application.objects.create(
        name="Portal", client_id=client["client_id"], client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        post_logout_redirect_uris=client["post_logout_redirect_uri"],
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
