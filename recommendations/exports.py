"""The recommendation lists' rows, for the CSV and XLSX exports (communes/exports.py).

Rows are read in chunks, so a long export holds little memory. Callers pass an already
permission-filtered queryset.
"""

from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from communes.exports import ID_FORMAT, Column
from communes.models import AdministrativeUnit, Department, ordering_through

from .models import Recommendation, Status

# Rows read, and named, per round trip: memory stays flat, queries few (2 per chunk).
CHUNK = 5000


def recommendation_rows(recommendations):
    """The header, then one row per recommendation, read CHUNK at a time: plain values rather
    than model instances, and the units and co-operating departments of each chunk in one
    query each. Dates are dates and the number a number: the CSV writes them as text, the
    XLSX as cells Excel sorts and filters."""
    yield [Column(_("Recommendation no."), ID_FORMAT), _("Recommendation"), _("Category"),
           _("Round"), _("Working group"), _("Session date"), _("Raised by"), _("Status"),
           _("Lead department"), _("Co-operating departments"), _("Due date"),
           _("Resolved on")]
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
        yield [pk, text, category, round_title, group, day, units.get(pk, ""),
               statuses[status], lead or "", cooperating.get(pk, ""), due, resolved]


def directive_rows(follow_ups):
    """The header, then one row per addressee of a directive (a unit or a body): what it was
    given, by which group at which session, by when, where it stands and the day it was done.
    `follow_ups` is an already permission-filtered queryset of DirectiveFollowUp."""
    yield [_("Directive"), _("Working group"), _("Session date"), _("Addressee"), _("Due date"),
           _("Status"), _("Completed on"), _("Note")]
    for item in follow_ups.select_related(
            "unit", "department", "directive__session__group").iterator(chunk_size=2000):
        directive = item.directive
        yield [directive.text, str(directive.session.group), directive.session.date,
               str(item.unit or item.department), directive.due_date,
               item.get_status_display(), item.completed_on, item.note]
