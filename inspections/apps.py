from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communes import roles

# What the roles may do with this app's models in Django's permission system (communes.roles:
# ROLE_PERMISSIONS, whose form this is).
ROLE_PERMISSIONS = {
    roles.OFFICE_STAFF: {
        "inspections": {"inspectionround", "workinggroup", "groupmember", "session",
                        "unitreport", "reportedfigure", "difficulty", "directive",
                        "directivefollowup", "fieldvisit"},
        "view": {"inspections.category", "inspections.metric"},
    },
}


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from communes import cache, fulltext

        # Its writes move the data versions of cached pages (communes/cache.py), but for the
        # devices' send ids, from which no page's figures come.
        cache.watch(self.label, unwatched=("DeviceSend",))
        # Searched by their text (communes/fulltext.py).
        fulltext.index(self.label, "UnitReport", "Difficulty", "Directive")
        # Who may (communes/whomay.py): this app's permissions.
        for role, spec in ROLE_PERMISSIONS.items():
            roles.grant(role, spec)
