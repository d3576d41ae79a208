"""One search over units, recommendations, difficulties, directives and unit reports.

Insensitive to case and Vietnamese diacritics: the query is folded like the indexed
`search_text` columns ("thien tan" finds "Thiện Tân", "Hoà" and "Hòa" match, "dang" finds
"Đăng"). Each word matches whole syllables only ("Hòa" does not find "Yên Khoái"), and what
starts with the words comes first, an exact match before it (up to LIMIT of each, read by a
query of their own: with thousands of them, which LIMIT is not chosen by date). Every kind
is filtered by what the user may see, before anything is read.

Speed: the words are looked up in a full-text index of the search text (communes/fulltext.py:
a GIN-indexed tsvector on PostgreSQL, FTS5 on SQLite), where a syllable is a token, so a word
matches whole syllables by construction. Each kind's matches are ranked (exact, starting with
the words, the words as a phrase, the words apart, then newest first) among a bounded set of
candidates: all of them when they are at most ALL_CANDIDATES, else the NEWEST_CANDIDATES (the
latest written), with those equal to or starting with the words; then LIMIT rows are read by
id. The number of queries is bounded: a word common in old rows but rare lately costs up to
WIDENINGS + 1 more.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Subquery, Value, When
from django.db.models.functions import Left

from communes.fulltext import Matches, planner
from communes.models import AdministrativeUnit, Department, PredecessorUnit
from communes.scope import Scope, scope
from communes.text import fold
from inspections.models import Difficulty, Directive, UnitReport

from .models import Recommendation

MIN_LENGTH = 2
LIMIT = 20
# The matches of each kind that are ranked: all of them up to ALL_CANDIDATES; past that (a
# common word: "xa" matches most rows, and ranking them all would read them all) the newest
# NEWEST_CANDIDATES in the kind's order.
ALL_CANDIDATES = 2000
NEWEST_CANDIDATES = 100
# The latest rows of each kind looked through first, for a common word.
PROBE = 5000
# When the range of ids guessed for the latest matches holds fewer than LIMIT of them (a word
# common in old rows, rare lately), it is widened eight times over, up to WIDENINGS times,
# before the latest NEWEST_CANDIDATES are read from all the matches.
WIDENINGS = 2
# The first characters of the search text under a B-tree (migration 0021 on PostgreSQL), for
# the texts equal to or starting with the words.
HEAD = 200


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


def _ranks(matches, words, order):
    """`matches` as rows of (rank, *order's fields, pk): 0 an exact match, 1 starting with the
    words, 2 the words as a phrase (one after the other), 3 the words apart."""
    phrase = " ".join(words)
    tiers = [When(search_text=phrase, then=Value(0)),
             When(search_text__startswith=phrase + " ", then=Value(1))]
    if len(words) > 1:
        tiers.append(When(Matches(words, phrase=True), then=Value(2)))
    fields = [name.lstrip("-") for name in order]
    return matches.annotate(rank=Case(*tiers, default=Value(3), output_field=IntegerField())
                            ).values_list("rank", *fields, "pk")


def _latest(matches, words, order):
    """The matches among the latest PROBE rows (by id), up to NEWEST_CANDIDATES of them."""
    last = matches.model.objects.order_by("-pk").values("pk")[:1]
    return list(_ranks(matches.filter(pk__gt=Subquery(last) - PROBE), words, order)
                .order_by("-pk")[:NEWEST_CANDIDATES])


def _all_candidates(matches, words, order):
    """Every match with its rank, read straight from the text index, and whether that is all:
    at most ALL_CANDIDATES + 1 are read (a common word: see _newest_candidates)."""
    rows = list(_ranks(matches, words, order).order_by()[:ALL_CANDIDATES + 1])
    return rows, len(rows) <= ALL_CANDIDATES


def _newest_candidates(matches, words, order, some, last):
    """About NEWEST_CANDIDATES of the latest matches (by id: the order rows were written)
    with their ranks, when there are more than ALL_CANDIDATES. `some` are matches the index
    gave first, in the order the table holds them, which is mostly the order of ids: how far
    apart their ids are says how often the words come, and so how far back from the `last`
    id the latest NEWEST_CANDIDATES lie. That range of ids is read from the text index and a
    B-tree of ids together (twice as far back, as words do not come evenly)."""
    ids = [row[-1] for row in some]
    span = max(ids) - min(ids) + 1
    back = 2 * NEWEST_CANDIDATES * span // len(ids) + 1
    # `some` are the oldest matches: a word common then and rare lately ("huyen") gives a
    # range that holds few or none of them, so it is widened, then given up.
    for _ in range(WIDENINGS + 1):
        rows = list(_ranks(matches.filter(pk__gt=last - back), words, order)
                    .order_by("-pk")[:NEWEST_CANDIDATES])
        if len(rows) >= LIMIT or back > last:
            return rows
        back *= 8
    return list(_ranks(matches, words, order).order_by("-pk")[:NEWEST_CANDIDATES])


def _starting(seen, words, order):
    """Up to LIMIT rows (ranks 0 and 1) whose text is the words, or starts with them followed by
    a space (a whole syllable: "hoa" is not the start of "hoang"), among `seen`, read from
    the B-tree of the text's HEAD characters on PostgreSQL: the newest candidates may hold
    none of them when the words are common."""
    phrase = " ".join(words)
    if len(phrase) >= HEAD:
        return []
    starts = seen.annotate(head=Left("search_text", HEAD)).filter(
        Q(head=phrase) | Q(head__startswith=phrase + " "))
    return list(_ranks(starts, words, order).order_by()[:LIMIT])


def _merged(*groups):
    """The candidates of several reads, each row once."""
    return list({row[-1]: row for group in groups for row in group}.values())


def _best(candidates, order):
    """The ids of the LIMIT best candidates: by rank, then in `order` (newest first)."""
    assert all(name.startswith("-") for name in order), "orders are newest first"
    candidates = sorted(candidates, key=lambda row: row[1:], reverse=True)
    return [row[-1] for row in sorted(candidates, key=lambda row: row[0])[:LIMIT]]


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
    visible = {
        "recommendations": (seen, ("-created_at", "-pk"),
                            ("category", "session__group", "lead_department")),
        "difficulties": (Difficulty.objects.within(user_scope), ("-pk",),
                         ("category", "session__group")),
        "directives": (Directive.objects.within(user_scope), ("-pk",), ("session__group",)),
        "reports": (UnitReport.objects.within(user_scope), ("-pk",), ("unit", "session__group")),
    }
    kinds = {name: (_matching(rows, words), order, related)
             for name, (rows, order, related) in visible.items()}
    # The settings go to the connection the queries read from (the replica for a GET request
    # when there is one), which the router chooses the same way for every kind.
    using = seen.db
    # First the latest PROBE rows of each kind, along its B-tree of ids: a common word is met
    # there often enough to give the candidates (reading its whole entry in the text index
    # would cost more); then, for the other kinds, their matches from the text index alone (a
    # bitmap scan that stops at the limit), whatever the planner guesses of their number;
    # then, past that limit, the latest from a range of ids at the end of the table.
    # (Nationally only: a province's or a department's rows are too few among the latest.)
    national = user_scope.kind == Scope.ALL
    with planner(using, **({"enable_seqscan": "off", "enable_bitmapscan": "off"}
                           if national else {})):
        latest = {name: _latest(matches, words, order) if national else []
                  for name, (matches, order, _related) in kinds.items()}
    # Fewer than NEWEST_CANDIDATES among the latest rows: still candidates, with those below.
    candidates = {name: rows for name, rows in latest.items() if len(rows) >= NEWEST_CANDIDATES}
    text_index_only = {"enable_seqscan": "off", "enable_indexscan": "off"}
    rarer = [name for name in kinds if name not in candidates]
    with planner(using, **(text_index_only if rarer else {})):
        read = {name: _all_candidates(kinds[name][0], words, kinds[name][1]) for name in rarer}
    candidates |= {name: rows for name, (rows, complete) in read.items() if complete}
    common = {name: kinds[name][0].model.objects.using(using).order_by("-pk").values_list(
        "pk", flat=True).first() for name in kinds if name not in candidates}
    with planner(using, **(text_index_only if common else {})):
        for name, last in common.items():
            matches, order, _related = kinds[name]
            candidates[name] = _newest_candidates(matches, words, order, read[name][0], last)
    found = {}
    for name, (rows, order, related) in visible.items():
        chosen = _best(_merged(latest[name], _starting(rows, words, order), candidates[name]),
                       order)
        # Read through the user's scope; a row deleted since its id was chosen is left out.
        shown = rows.select_related(*related).in_bulk(chosen)
        found[name] = [shown[pk] for pk in chosen if pk in shown]
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
                When(search_text__startswith=phrase + " ", then=Value(1)),
                When(Matches(words, phrase=True), then=Value(2)),
                When(Matches(words), then=Value(3)),
                default=Value(4), output_field=IntegerField())).order_by(
            "rank", *AdministrativeUnit._meta.ordering)[:LIMIT]
    else:
        # A department searches only what is routed to it.
        found_units = []
    return Results(query=query, units=list(found_units), **found)
