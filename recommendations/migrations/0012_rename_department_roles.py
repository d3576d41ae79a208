"""Rename the department roles: the bodies recommendations are routed to are not all sở
(Thanh tra tỉnh, Văn phòng UBND tỉnh), so "Lãnh đạo sở" becomes "Lãnh đạo cơ quan" and
"Chuyên viên sở" "Chuyên viên", as the documents say. Users and permissions stay with the
group; where a group of the new name exists already, the old one's users join it."""

from django.db import migrations

RENAMES = [("Lãnh đạo sở", "Lãnh đạo cơ quan"), ("Chuyên viên sở", "Chuyên viên")]


def rename(Group, pairs):
    for old_name, new_name in pairs:
        old = Group.objects.filter(name=old_name).first()
        if old is None:
            continue
        new = Group.objects.filter(name=new_name).first()
        if new is None:
            old.name = new_name
            old.save(update_fields=["name"])
        else:
            new.user_set.add(*old.user_set.all())
            new.permissions.add(*old.permissions.all())
            old.delete()


def forwards(apps, schema_editor):
    rename(apps.get_model("auth", "Group"), RENAMES)


def backwards(apps, schema_editor):
    rename(apps.get_model("auth", "Group"), [(new, old) for old, new in RENAMES])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0011_updated_at_for_sync")]

    operations = [migrations.RunPython(forwards, backwards)]
