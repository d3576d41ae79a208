"""Recompute the stored sort keys: a syllable's tone is now keyed once, wherever it is written
("Hoà" and "Hòa" sort alike), and people order by given name, then family name."""

from django.db import migrations

from communes.text import person_sort_key, sort_key


def resort(apps, schema_editor):
    for name in ("Province", "AdministrativeUnit", "PredecessorUnit", "Department"):
        model = apps.get_model("communes", name)
        rows = list(model.objects.only("pk", "name", "sort_name"))
        for row in rows:
            row.sort_name = sort_key(row.name)[:600]
        model.objects.bulk_update(rows, ["sort_name"], batch_size=500)
    UserProfile = apps.get_model("communes", "UserProfile")
    profiles = list(UserProfile.objects.select_related("user"))
    for profile in profiles:
        user = profile.user
        full_name = f"{user.first_name} {user.last_name}".strip() or user.username
        profile.sort_name = person_sort_key(full_name)[:600]
    UserProfile.objects.bulk_update(profiles, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("communes", "0008_person_sort_names")]

    # Backwards the new keys stay: the old ones sorted the same names, only less well.
    operations = [migrations.RunPython(resort, migrations.RunPython.noop)]
