"""One search over units, recommendations, difficulties, directives and unit reports.

Insensitive to case and Vietnamese diacritics: the query is folded like the indexed
`search_text` columns ("thien tan" finds "Thiện Tân", "Hoà" and "Hòa" match, "dang" finds
"Đăng"). Every kind is filtered by what the user may see, before anything is read.
"""

from dataclasses import dataclass

from django.db.models import Q

from communes.models import AdministrativeUnit
from communes.scope import Scope, scope
from communes.text import fold
from inspections.models import Difficulty, Directive, UnitReport

from .models import Recommendation

MIN_LENGTH = 2
LIMIT = 20


@dataclass
class Results:
    query: str
    units: list
    recommendations: list
    difficulties: list
    directives: list
    reports: list

    @property
    def total(self):
        return sum(len(group) for group in (self.units, self.recommendations, self.difficulties,
                                            self.directives, self.reports))


def _matching(queryset, words, field="search_text"):
    """Rows whose `field` holds every word. One filter() call, so across a relation all the
    words must be in the same related row (one predecessor, not one word in each)."""
    return queryset.filter(Q(*[Q(**{f"{field}__contains": word}) for word in words]))


def searchable(query: str) -> bool:
    return len("".join(fold(query).split())) >= MIN_LENGTH


def search(user, query: str) -> Results | None:
    """Up to LIMIT results of each kind, or None when the query is too short."""
    if not searchable(query):
        return None
    words = fold(query).split()
    user_scope = scope(user)
    recommendations = _matching(Recommendation.objects.within(user_scope), words).select_related(
        "category", "session__group", "lead_department").order_by("-created_at")[:LIMIT]
    if user_scope.kind in (Scope.ALL, Scope.PROVINCE):
        units = AdministrativeUnit.objects.within(user_scope)
        # Units are found by their pre-merger names too ("Thị trấn Thất Khê" → Thất Khê).
        unit_ids = _matching(units, words).order_by().values("pk").union(
            _matching(units, words, "predecessors__search_text").order_by().values("pk"))
        found_units = AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related(
            "province").prefetch_related("predecessors")[:LIMIT]
    else:
        # A department searches only what is routed to it.
        found_units = []
    difficulties = _matching(Difficulty.objects.within(user_scope), words).select_related(
        "category", "session__group")[:LIMIT]
    directives = _matching(Directive.objects.within(user_scope), words).select_related(
        "session__group")[:LIMIT]
    reports = _matching(UnitReport.objects.within(user_scope), words).select_related(
        "unit", "session__group")[:LIMIT]
    return Results(query=query, units=list(found_units), recommendations=list(recommendations),
                   difficulties=list(difficulties), directives=list(directives),
                   reports=list(reports))
