"""Readable timelines from django-simple-history records: who changed what, when."""

from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history import utils

from .numbers import format_number

NOT_SHOWN = {"id", "history_id", "sort_name", "version"}
# Why a change was made, as the services record it.
REASONS = {
    "finalised": _("finalised"),
    "reopened": _("reopened for corrections"),
    "merged": _("merged into another recommendation"),
}


@dataclass
class Entry:
    at: object
    actor: object
    title: str
    changes: list = field(default_factory=list)  # (label, old, new)
    text: str = ""
    attachments: list = field(default_factory=list)
    kind: str = "change"


def display_value(model_field, value, related):
    """A stored value as a reader reads it: a choice's label, a related object's name, yes or
    no, a date or a local time in the portal's format. `related`: (model, pk) → object."""
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.DecimalField):
        return format_number(value)  # 6.600, 87,76: never the "87.76" the forms refuse
    return value


def _many_to_many_values(records, meta, skip) -> dict:
    """(field, history id) → the ids the many-to-many field held at each record, for the
    fields whose history is kept (`HistoricalRecords(m2m_fields=…)`): one query per field,
    however many records."""
    if not records:
        return {}
    tracked = getattr(type(records[0]), "_history_m2m_fields", ())
    values = {}
    for model_field in tracked:
        if model_field.name in skip:
            continue
        rows = getattr(type(records[0]), model_field.name).model
        target = utils.get_m2m_reverse_field_name(model_field)
        for history_id in (record.history_id for record in records):
            values[(model_field, history_id)] = set()
        for history_id, pk in rows.objects.filter(
                history_id__in=[record.history_id for record in records]).values_list(
                "history_id", f"{target}_id"):
            values[(model_field, history_id)].add(pk)
    return values


def _names(ids, model, related) -> str:
    """The related objects' names, in their list's order."""
    shown = sorted((related[(model, pk)] for pk in ids if (model, pk) in related),
                   key=lambda obj: getattr(obj, "order_key", None) or (str(obj),))
    return ", ".join(str(obj) for obj in shown) or "—"


def history_entries(records, skip=(), label="", steps=None) -> list[Entry]:
    """One entry per historical record: what it created or changed, newest first.

    `records` are history records of one model (of one object or several), with
    `history_user` selected; each is compared with the previous record of the same object,
    many-to-many fields whose history is kept included (co-operating departments, units).
    Related objects named in the changes are read in one query per model. `label` names the
    kind of object in each entry's title (a function of the record: the object's own name).
    `steps` (reason → label) are the reasons the
    caller's own entries tell (a lifecycle step and its event): a record of one that changed
    nothing else shown is left out, and one that did says the step's label.
    """
    steps = steps or {}
    records = sorted(records, key=lambda r: (r.id, r.history_date), reverse=True)
    pairs = [(record, previous if previous is not None and previous.id == record.id else None)
             for record, previous in zip(records, [*records[1:], None], strict=False)]
    meta = records[0].instance_type._meta if records else None
    concrete = {f.name: f for f in meta.concrete_fields} if meta else {}
    # Many-to-many fields are compared from their rows, read at once (diff_against would read
    # them per record).
    many_to_many = [f.name for f in meta.many_to_many] if meta else []
    m2m_values = _many_to_many_values(records, meta, {*skip, *NOT_SHOWN})
    m2m_fields = {model_field for model_field, _history_id in m2m_values}
    deltas = []
    wanted = {}
    for record, previous in pairs:
        if previous is None or record.history_type != "~":
            deltas.append([])
            continue
        changed = []
        delta = record.diff_against(previous, excluded_fields=many_to_many,
                                    foreign_keys_are_objs=False)
        for change in delta.changes:
            model_field = concrete.get(change.field)
            if model_field is None or change.field in NOT_SHOWN or change.field in skip:
                continue
            changed.append((model_field, change.old, change.new))
            if isinstance(model_field, models.ForeignKey):
                for value in (change.old, change.new):
                    if value is not None:
                        wanted.setdefault(model_field.related_model, set()).add(value)
        for model_field in sorted(m2m_fields, key=lambda f: f.name):
            old = m2m_values[(model_field, previous.history_id)]
            new = m2m_values[(model_field, record.history_id)]
            if old != new:
                changed.append((model_field, old, new))
                wanted.setdefault(model_field.related_model, set()).update(old | new)
        deltas.append(changed)
    related = {(model, pk): obj for model, ids in wanted.items()
               for pk, obj in model._default_manager.in_bulk(ids).items()}

    def shown(model_field, value):
        if model_field.many_to_many:
            return _names(value, model_field.related_model, related)
        return display_value(model_field, value, related)

    entries = []
    for (record, _previous), changed in zip(pairs, deltas, strict=True):
        if record.history_type == "+":
            title = _("Created")
        elif record.history_type == "-":
            title = _("Deleted")
        elif not changed and (not record.history_change_reason
                              or record.history_change_reason in steps):
            continue
        else:
            title = _("Changed")
        name = label(record) if callable(label) else label
        entries.append(Entry(
            at=record.history_date, actor=record.history_user,
            title=f"{name}: {title}" if name else title,
            text=steps.get(record.history_change_reason) or REASONS.get(
                record.history_change_reason, record.history_change_reason or ""),
            changes=[(f.verbose_name, shown(f, old), shown(f, new))
                     for f, old, new in changed]))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
