"""Readable timelines from django-simple-history records: who changed what, when."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

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


def _display(model_field, value, related):
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, models.ForeignKey):
        return str(related.get((model_field.related_model, value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def history_entries(records, skip=()) -> list[Entry]:
    """One entry per historical record: what it created or changed, newest first.

    `records` are the object's history records, newest first, with `history_user` selected;
    related objects named in the changes are read in one query per model.
    """
    records = list(records)
    pairs = list(zip(records, records[1:] + [None], strict=True))
    concrete = {f.name: f for f in records[0].instance_type._meta.concrete_fields} \
        if records else {}
    deltas = []
    wanted = {}
    for record, previous in pairs:
        if previous is None or record.history_type != "~":
            deltas.append([])
            continue
        changed = []
        for change in record.diff_against(previous, foreign_keys_are_objs=False).changes:
            model_field = concrete.get(change.field)
            if model_field is None or change.field in NOT_SHOWN or change.field in skip:
                continue
            changed.append((model_field, change.old, change.new))
            if isinstance(model_field, models.ForeignKey):
                for value in (change.old, change.new):
                    if value is not None:
                        wanted.setdefault(model_field.related_model, set()).add(value)
        deltas.append(changed)
    related = {(model, pk): obj for model, ids in wanted.items()
               for pk, obj in model._default_manager.in_bulk(ids).items()}
    entries = []
    for (record, _previous), changed in zip(pairs, deltas, strict=True):
        if record.history_type == "+":
            title = _("Created")
        elif record.history_type == "-":
            title = _("Deleted")
        elif not changed:
            continue
        else:
            title = _("Changed")
        entries.append(Entry(
            at=record.history_date, actor=record.history_user, title=title,
            text=REASONS.get(record.history_change_reason, record.history_change_reason or ""),
            changes=[(f.verbose_name, _display(f, old, related), _display(f, new, related))
                     for f, old, new in changed]))
    return entries
