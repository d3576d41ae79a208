"""One search over units, recommendations, difficulties, directives and unit reports.

Insensitive to case and Vietnamese diacritics: the query is folded like the indexed
`search_text` columns ("thien tan" finds "Thiện Tân", "Hoà" and "Hòa" match, "dang" finds
"Đăng"). Each word matches whole syllables only ("Hòa" does not find "Yên Khoái"), and what
starts with the words comes first, an exact match before it. Every kind is filtered by what
the user may see, before anything is read.

Speed: the words are looked up in a full-text index of the search text (communes/fulltext.py:
a GIN-indexed tsvector on PostgreSQL, FTS5 on SQLite), where a syllable is a token, so a word
matches whole syllables by construction. Each kind reads at most three bounded lists of LIMIT
rows: those starting with the words, those holding them as a phrase (one after the other),
then any holding them all, each in the kind's order.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Subquery, Value, When

from communes.fulltext import Matches
from communes.models import AdministrativeUnit, Department, PredecessorUnit
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


def words_of(query: str) -> list[str]:
    """The query's syllables, folded: letters and digits only."""
    return re.findall(r"[a-z0-9]+", fold(query))


def _matching(queryset, words, field="search_text"):
    """Rows whose `field` holds every word as a whole syllable (communes/fulltext.py). Across a
    relation all the words must be in the same related row (one predecessor, not one word in
    each)."""
    return queryset.filter(Matches(words, field))


def _starting(queryset, words):
    """Of the matches, those whose text starts with the words."""
    return queryset.filter(search_text__startswith=" ".join(words))


def _ranked(matches, words, order):
    """Up to LIMIT of `matches`: those starting with the words first (an exact match before
    the rest of them), then those holding the words as a phrase, then the others, each in
    `order`. At most three indexed queries of LIMIT rows each, rather than ranking every match
    in the database."""
    phrase = " ".join(words)
    found = list(_starting(matches, words).order_by(*order)[:LIMIT])
    found.sort(key=lambda row: row.search_text != phrase)
    tiers = [matches]
    if len(words) > 1:
        tiers.insert(0, matches.filter(Matches(words, phrase=True)))
    for tier in tiers:
        if len(found) >= LIMIT:
            break
        seen = {row.pk for row in found}
        found += [row for row in tier.order_by(*order)[:LIMIT + len(seen)]
                  if row.pk not in seen]
    return found[:LIMIT]


def searchable(query: str) -> bool:
    return len("".join(words_of(query))) >= MIN_LENGTH


def search(user, query: str) -> Results | None:
    """Up to LIMIT results of each kind, or None when the query is too short."""
    if not searchable(query):
        return None
    words = words_of(query)
    phrase = " ".join(words)
    user_scope = scope(user)
    seen = Recommendation.objects.within(user_scope)
    if user_scope.kind == Scope.DEPARTMENT:
        # A department's items are its province's: saying so lets the (province, text) index
        # find them, instead of every province's matches.
        seen = seen.filter(province_id=Subquery(Department.objects.filter(
            pk=user_scope.department_id).values("province_id")))
    recommendations = _ranked(_matching(seen, words)
                              .select_related("category", "session__group", "lead_department"),
                              words, ("-created_at", "-pk"))
    if user_scope.kind in (Scope.ALL, Scope.PROVINCE):
        units = AdministrativeUnit.objects.within(user_scope)
        # Units are found by their pre-merger names too ("Thị trấn Thất Khê" → Thất Khê).
        unit_ids = _matching(units, words).order_by().values("pk").union(
            units.filter(pk__in=_matching(PredecessorUnit.objects, words)
                         .values("successor_id")).order_by().values("pk"))
        # At most a few thousand units: ranked in the database, the name's own match first.
        found_units = AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related(
            "province").prefetch_related("predecessors").annotate(rank=Case(
                When(search_text=phrase, then=Value(0)),
                When(search_text__startswith=phrase, then=Value(1)),
                When(Matches(words, phrase=True), then=Value(2)),
                When(Matches(words), then=Value(3)),
                default=Value(4), output_field=IntegerField())).order_by(
            "rank", *AdministrativeUnit._meta.ordering)[:LIMIT]
    else:
        # A department searches only what is routed to it.
        found_units = []
    difficulties = _ranked(_matching(Difficulty.objects.within(user_scope), words)
                           .select_related("category", "session__group"), words, ("-pk",))
    directives = _ranked(_matching(Directive.objects.within(user_scope), words)
                         .select_related("session__group"), words, ("-pk",))
    reports = _ranked(_matching(UnitReport.objects.within(user_scope), words)
                      .select_related("unit", "session__group"), words, ("-pk",))
    return Results(query=query, units=list(found_units), recommendations=list(recommendations),
                   difficulties=list(difficulties), directives=list(directives),
                   reports=list(reports))
