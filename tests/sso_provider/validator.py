from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Says who the user is, as a province's provider would: a username of the provider's own
    (not the portal's) and an email address it has verified."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope,
                        "preferred_username": "profile", "name": "profile",
                        "email": "email", "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        return {"preferred_username": user.username, "name": user.get_full_name(),
                "email": user.email, "email_verified": bool(user.email)}
