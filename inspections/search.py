"""One search over units, recommendations, difficulties, directives and unit reports.

Insensitive to case and Vietnamese diacritics: the query is folded like the indexed
`search_text` columns ("thien tan" finds "Thiện Tân", "Hoà" and "Hòa" match, "dang" finds
"Đăng"). Every kind is filtered by what the user may see, before anything is read.
"""

from dataclasses import dataclass

from django.db.models import Q

from communes import roles
from communes.models import AdministrativeUnit
from communes.text import fold
from recommendations.models import Recommendation

from .models import Difficulty, Directive, InspectionRound, UnitReport

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
    recommendations = _matching(Recommendation.objects.visible_to(user), words).select_related(
        "category", "session__group", "lead_department").order_by("-created_at")[:LIMIT]
    if roles.is_reader(user):
        rounds = InspectionRound.objects.visible_to(user)
        in_rounds = {"session__group__round__in": rounds}
        province_id = getattr(getattr(user, "profile", None), "province_id", None)
        units = AdministrativeUnit.objects.all() if roles.sees_all_provinces(user) else \
            AdministrativeUnit.objects.filter(province_id=province_id)
        # Units are found by their pre-merger names too ("Thị trấn Thất Khê" → Thất Khê).
        unit_ids = _matching(units, words).order_by().values("pk").union(
            _matching(units, words, "predecessors__search_text").order_by().values("pk"))
        found_units = AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related(
            "province").prefetch_related("predecessors")[:LIMIT]
        difficulties = _matching(Difficulty.objects.filter(**in_rounds), words).select_related(
            "category", "session__group")[:LIMIT]
        directives = _matching(Directive.objects.filter(**in_rounds), words).select_related(
            "session__group")[:LIMIT]
        reports = _matching(UnitReport.objects.filter(**in_rounds), words).select_related(
            "unit", "session__group")[:LIMIT]
    else:
        # Department users search only what is routed to them.
        found_units = difficulties = directives = reports = []
    return Results(query=query, units=list(found_units), recommendations=list(recommendations),
                   difficulties=list(difficulties), directives=list(directives),
                   reports=list(reports))


