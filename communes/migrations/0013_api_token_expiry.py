"""A personal API token expires (API_TOKEN_MAX_AGE_DAYS after it is made; empty: never)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0012_issuing_body_signer_per_document'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='expires'),
        ),
    ]
