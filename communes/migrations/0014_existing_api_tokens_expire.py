"""Tokens made before tokens expired: each expires API_TOKEN_MAX_AGE_DAYS after it was made
(at once if that is past: it is that old), and those of deactivated users are revoked, since
a reactivation would otherwise bring them back."""

import datetime

from django.conf import settings
from django.db import migrations
from django.db.models import F
from django.utils import timezone


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("communes", "ApiToken")
    max_age = settings.API_TOKEN_MAX_AGE_DAYS
    if max_age:
        ApiToken.objects.filter(expires_at=None).update(
            expires_at=F("created_at") + datetime.timedelta(days=max_age))
    ApiToken.objects.filter(revoked_at=None, user__is_active=False).update(
        revoked_at=timezone.now())


def backwards(apps, schema_editor):
    # The expiry goes with its column (0013); a revoked token stays revoked: reviving tokens
    # of people who left is what this fixed.
    pass


class Migration(migrations.Migration):
    dependencies = [("communes", "0013_api_token_expiry")]

    operations = [migrations.RunPython(forwards, backwards)]
