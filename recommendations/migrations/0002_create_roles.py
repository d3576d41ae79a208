"""The portal's roles as Django groups with model permissions.

Page access is decided in views by role; these permissions are what Django admin and any
`has_perm` check see, so they follow the same rules: office staff edit inspections and route
recommendations, departments change recommendations and add responses, leaders and national
viewers only view.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Văn phòng": {
        "inspections": {"inspectionround", "workinggroup", "groupmember", "session",
                        "unitreport", "reportedfigure", "difficulty", "directive",
                        "directivefollowup", "fieldvisit"},
        "recommendations": {"recommendation", "response"},
        "view": {"communes.administrativeunit", "communes.department", "communes.province",
                 "inspections.category", "inspections.metric", "recommendations.recommendationevent"},
    },
    "Lãnh đạo sở": {
        "change": {"recommendations.recommendation"},
        "add": {"recommendations.response"},
        "view": {"recommendations.recommendation", "recommendations.response",
                 "recommendations.recommendationevent"},
    },
    "Chuyên viên sở": {
        "add": {"recommendations.response"},
        "view": {"recommendations.recommendation", "recommendations.response",
                 "recommendations.recommendationevent"},
    },
    "Lãnh đạo tỉnh": {"view": "*"},
    "Theo dõi toàn quốc": {"view": "*"},
}
APPS = ("communes", "inspections", "recommendations")


def _codenames(spec):
    """(app_label, codename) pairs the role spec grants."""
    pairs = set()
    for key, value in spec.items():
        if key in APPS:  # full rights on these models of the app
            pairs |= {(key, f"{action}_{model}") for model in value
                      for action in ("add", "change", "delete", "view")}
        elif value != "*":
            pairs |= {(label.split(".")[0], f"{key}_{label.split('.')[1]}") for label in value}
    return pairs


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        if spec.get("view") == "*":
            permissions = Permission.objects.filter(
                content_type__app_label__in=APPS, codename__startswith="view_")
        else:
            wanted = _codenames(spec)
            permissions = [
                p for p in Permission.objects.filter(content_type__app_label__in=APPS)
                .select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            ]
        group.permissions.set(permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("inspections", "0002_seed_categories_and_metrics"),
        ("communes", "0002_seed_vietnam_calendar"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, delete_roles)]
