"""One search over units, recommendations, difficulties, directives and unit reports.

Insensitive to case and Vietnamese diacritics: the query is folded like the indexed
`search_text` columns ("thien tan" finds "Thiện Tân", "Hoà" and "Hòa" match, "dang" finds
"Đăng"). Each word matches whole syllables only ("Hòa" does not find "Yên Khoái"), and what
starts with the words comes first, an exact match before it. Every kind is filtered by what
the user may see, before anything is read.

Speed: the words are looked up in a full-text index of the search text (communes/fulltext.py:
a GIN-indexed tsvector on PostgreSQL, FTS5 on SQLite), where a syllable is a token, so a word
matches whole syllables by construction. Each kind is two bounded queries: the index gives
the ids of the newest CANDIDATES matches, and only those are ranked (exact, starting with the
words, the words as a phrase, the words apart) and LIMIT of them read.
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
# The matches of each kind that are ranked: the newest, in the kind's order. A common word
# ("xa") matches most rows; ranking them all would read them all.
CANDIDATES = 500


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


def _ranked(matches, words, order, related=()):
    """Up to LIMIT of `matches`, ranked among the newest CANDIDATES of them (in `order`): an
    exact match first, then those starting with the words, then those holding them as a phrase
    (one after the other), then the others, each in `order`. Two bounded queries, however many
    rows match a common word: the candidates' ids and ranks from the index, then the LIMIT
    rows shown."""
    phrase = " ".join(words)
    tiers = [When(search_text=phrase, then=Value(0)),
             When(search_text__startswith=phrase, then=Value(1))]
    if len(words) > 1:
        tiers.append(When(Matches(words, phrase=True), then=Value(2)))
    candidates = matches.order_by(*order).annotate(
        rank=Case(*tiers, default=Value(3), output_field=IntegerField())).values_list(
        "rank", "pk")[:CANDIDATES]
    # Sorted here, stably: within a rank the candidates keep their order.
    chosen = [pk for rank, pk in sorted(candidates, key=lambda row: row[0])[:LIMIT]]
    rows = matches.model.objects.select_related(*related).in_bulk(chosen)
    return [rows[pk] for pk in chosen]


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
    recommendations = _ranked(_matching(seen, words), words, ("-created_at", "-pk"),
                              ("category", "session__group", "lead_department"))
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
    difficulties = _ranked(_matching(Difficulty.objects.within(user_scope), words), words,
                           ("-pk",), ("category", "session__group"))
    directives = _ranked(_matching(Directive.objects.within(user_scope), words), words,
                         ("-pk",), ("session__group",))
    reports = _ranked(_matching(UnitReport.objects.within(user_scope), words), words,
                      ("-pk",), ("unit", "session__group"))
    return Results(query=query, units=list(found_units), recommendations=list(recommendations),
                   difficulties=list(difficulties), directives=list(directives),
                   reports=list(reports))
