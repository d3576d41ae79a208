from django.apps import AppConfig
from django.db.models import signals
from django.utils.translation import gettext_lazy as _

from communes import roles

# What the roles may do with this app's models in Django's permission system (communes.roles:
# ROLE_PERMISSIONS, whose form this is).
ROLE_PERMISSIONS = {
    roles.OFFICE_STAFF: {
        "recommendations": {"recommendation", "response"},
        "view": {"recommendations.recommendationevent"},
    },
    roles.DEPARTMENT_HEAD: {
        "change": {"recommendations.recommendation"},
        "add": {"recommendations.response"},
        "view": {"recommendations.recommendation", "recommendations.response",
                 "recommendations.recommendationevent"},
    },
    roles.DEPARTMENT_STAFF: {
        "add": {"recommendations.response"},
        "view": {"recommendations.recommendation", "recommendations.response",
                 "recommendations.recommendationevent"},
    },
}


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self):
        # The pages this app serves for inspections' records, which inspections links to
        # without naming this app's URLs (inspections/links.py).
        from django.urls import reverse

        from inspections import links

        links.PAGES.update({
            "session": lambda pk: reverse("recommendations:session_detail", args=[pk]),
            "session_record": lambda pk: reverse("recommendations:session_record", args=[pk]),
            "unit_session": lambda pk: reverse("recommendations:unit_session", args=[pk]),
            "unit_home": lambda: reverse("recommendations:unit_home"),
            "unit_directive": lambda pk: reverse("recommendations:unit_directive", args=[pk]),
            "unit_reports": lambda: reverse("recommendations:follow_up") + "?show=unit_reports",
        })
        from communes import cache, fulltext

        # Its writes move the data versions of cached pages (communes/cache.py), but for a
        # digest's record, which no page shows.
        cache.watch(self.label, unwatched=("DigestSent",))
        # Searched by their text (communes/fulltext.py).
        fulltext.index(self.label, "Recommendation")
        from communes import whomay

        from . import services
        from .models import Recommendation

        # Who may (communes/whomay.py): this app's permissions, and its lifecycle's steps.
        for role, spec in ROLE_PERMISSIONS.items():
            roles.grant(role, spec)
        whomay.register_steps(Recommendation, kinds=services.actor_kinds,
                              takers=lambda action: services.ACTIONS[action].capacities())

        # The dashboard's tally follows every write of what it counts (recommendations/tally.py).
        from communes.models import AdministrativeUnit, CalendarDay
        from inspections import signals as inspection_signals
        from inspections.models import (
            Difficulty,
            Directive,
            DirectiveFollowUp,
            Session,
            WorkingGroup,
        )

        from . import tally

        def connect(signal, receiver, *senders):
            for sender in senders:
                signal.connect(receiver, sender=sender, weak=False,
                               dispatch_uid=f"tally.{receiver.__name__}")

        connect(signals.pre_save, tally.on_recommendation_pre_save, Recommendation)
        connect(signals.post_save, tally.on_recommendation_saved, Recommendation)
        connect(signals.pre_delete, tally.on_recommendation_pre_delete, Recommendation)
        connect(signals.m2m_changed, tally.on_raised_by_changed, Recommendation.units.through)
        connect(signals.m2m_changed, tally.on_difficulty_units_changed,
                Difficulty.units.through)
        connect(signals.post_save, tally.on_session_item_changed, Session, Difficulty, Directive)
        connect(signals.post_delete, tally.on_session_item_changed, Session, Difficulty,
                Directive)
        connect(signals.pre_save, tally.on_session_item_pre_save, Difficulty, Directive,
                DirectiveFollowUp)
        connect(signals.post_save, tally.on_follow_up_changed, DirectiveFollowUp)
        connect(signals.pre_delete, tally.on_unit_pre_delete, AdministrativeUnit)
        connect(signals.pre_delete, tally.on_follow_up_pre_delete, DirectiveFollowUp)
        connect(signals.post_delete, tally.on_deleted, Recommendation, DirectiveFollowUp,
                AdministrativeUnit)
        connect(signals.post_save, tally.on_group_saved, WorkingGroup)
        connect(signals.pre_save, tally.on_calendar_pre_save, CalendarDay)
        connect(signals.post_save, tally.on_calendar_changed, CalendarDay)
        connect(signals.post_delete, tally.on_calendar_changed, CalendarDay)
        connect(inspection_signals.written_in_bulk, tally.on_written_in_bulk, DirectiveFollowUp)
        signals.post_migrate.connect(tally.fill_after_migrate, sender=self,
                                     dispatch_uid="tally.fill_after_migrate")
        # SQLite: a migration that rebuilt a searched table took its index's triggers with it.
        from communes.fulltext import restore_triggers

        signals.post_migrate.connect(restore_triggers, sender=self,
                                     dispatch_uid="fulltext.restore_triggers")
