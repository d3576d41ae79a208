"""The recommendation lists' rows, for the CSV and XLSX exports (communes/exports.py).

Rows are read in chunks, so a long export holds little memory. Callers pass an already
permission-filtered queryset.
"""

from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, Department, ordering_through

from .models import Recommendation, Status

# Rows read, and named, per round trip: memory stays flat, queries few (2 per chunk).
CHUNK = 5000


def recommendation_rows(recommendations):
    """The header, then one row per recommendation, read CHUNK at a time: plain values rather
    than model instances, and the units and co-operating departments of each chunk in one
    query each."""
    yield [_("Recommendation no."), _("Recommendation"), _("Category"), _("Round"),
           _("Working group"), _("Session date"), _("Raised by"), _("Status"), _("Lead department"),
           _("Co-operating departments"), _("Due date"), _("Resolved")]
    statuses = {value: str(label) for value, label in Status.choices}
    rows = recommendations.prefetch_related(None).values_list(
        "pk", "text", "category__name", "session__group__round__title",
        "session__group__number", "session__date", "status", "lead_department__name",
        "due_date", TruncDate("resolved_at"))
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, statuses)
            chunk = []
    yield from _chunk_rows(chunk, statuses)


def _names(through, ids, related, model):
    """recommendation id → the names of its `related` (units, departments), in the order of
    their lists: units in Vietnamese order, bodies in the province's protocol order."""
    names = {}
    for recommendation_id, value in through.objects.filter(recommendation_id__in=ids).order_by(
            *ordering_through(related, model)).values_list("recommendation_id",
                                                           f"{related}__name"):
        names.setdefault(recommendation_id, []).append(value)
    return {key: ", ".join(values) for key, values in names.items()}


def _chunk_rows(chunk, statuses):
    if not chunk:
        return
    ids = [row[0] for row in chunk]
    units = _names(Recommendation.units.through, ids, "administrativeunit", AdministrativeUnit)
    cooperating = _names(Recommendation.cooperating_departments.through, ids, "department",
                         Department)
    for pk, text, category, round_title, group, day, status, lead, due, resolved in chunk:
        yield [pk, text, category, round_title, group, f"{day:%d/%m/%Y}", units.get(pk, ""),
               statuses[status], lead or "", cooperating.get(pk, ""),
               f"{due:%d/%m/%Y}" if due else "", f"{resolved:%d/%m/%Y}" if resolved else ""]
