"""The portal's roles as Django groups with model permissions.

Page access is decided in views by role; these permissions are what Django admin and any
`has_perm` check see, so they follow the same rules: office staff edit inspections and route
recommendations, departments change recommendations and add responses, leaders and national
viewers only view.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from communes.roles import ROLE_PERMISSIONS, roles_sync

def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    roles_sync(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("inspections", "0002_seed_categories_and_metrics"),
        ("communes", "0002_seed_vietnam_calendar"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, delete_roles)]
