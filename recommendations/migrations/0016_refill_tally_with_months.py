"""The tally's rows gained the month of a resolution and the due date it missed: they are
emptied here, and the migrate's end fills them anew from the records (tally.fill_after_migrate,
with the schema complete)."""

from django.db import migrations


def empty_the_tally(apps, schema_editor):
    apps.get_model("recommendations", "Tally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0015_tally_month_and_resolved_index")]

    # Backwards the tally stays empty until `manage.py rebuild_tally` (or the next migrate).
    operations = [migrations.RunPython(empty_the_tally, empty_the_tally)]
