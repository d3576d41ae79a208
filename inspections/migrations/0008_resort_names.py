"""Recompute the stored sort keys: a syllable's tone is keyed once, wherever it is written, and
group members order by given name, then family name."""

from django.db import migrations

from communes.text import person_sort_key, sort_key


def resort(apps, schema_editor):
    Category = apps.get_model("inspections", "Category")
    categories = list(Category.objects.all())
    for category in categories:
        category.sort_name = sort_key(category.name)[:600]
    Category.objects.bulk_update(categories, ["sort_name"])
    GroupMember = apps.get_model("inspections", "GroupMember")
    members = list(GroupMember.objects.only("pk", "name", "sort_name"))
    for member in members:
        member.sort_name = person_sort_key(member.name)[:600]
    GroupMember.objects.bulk_update(members, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_person_sort_names")]

    operations = [migrations.RunPython(resort, migrations.RunPython.noop)]
