"""The counts behind the dashboard (models.Tally), kept exact in the transaction of every write.

A session is the unit of refresh: each of its tally rows is recomputed from its records
(a few hundred rows, by indexed lookups) whenever one of them changes, rather than added to
or taken from, so no sequence of writes can make a count drift. Signal receivers (connected
in RecommendationsConfig.ready) tell which sessions a save, delete or change of who raised
what touches, so admin, imports and the services are all covered; writes that send no
signals (bulk_create, update(), COPY) call `sessions_changed` themselves, or `rebuild()`.

A service that writes many rows runs inside `deferred()`: the sessions are collected and
refreshed once, at the end of its transaction.
"""

import datetime
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice

from django.db import router, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import task

from communes.cache import data_changed
from communes.workdays import WorkingDayCounter
from inspections.models import Difficulty, DirectiveFollowUp, Session

from .models import OPEN_STATUSES, Recommendation, Status, Tally

Kind = Tally.Kind
ON_TIME, LATE, OPEN, PENDING, CENTRAL = "on_time", "late", "open", "pending", "central"

# The sessions a deferred() block has touched, refreshed when it ends.
_pending: ContextVar[set | None] = ContextVar("tally_pending", default=None)


@contextmanager
def deferred():
    """Collect the sessions the writes inside touch and refresh them once at the end, in
    the same transaction (nested blocks join the outermost)."""
    if _pending.get() is not None:
        yield
        return
    pending = set()
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
            _pending.set(None)
            refresh(pending)
    finally:
        _pending.reset(token)


def sessions_changed(session_ids) -> None:
    """Refresh the tally of these sessions now, or at the end of the deferred() block."""
    ids = {pk for pk in session_ids if pk is not None}
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending |= ids
    else:
        refresh(ids)


def refresh(session_ids) -> None:
    """Recompute the tally rows of these sessions (and drop those of sessions that are
    gone)."""
    ids = sorted(set(session_ids))
    if not ids:
        return
    with transaction.atomic():
        # Two writes to one session refresh it one after the other: without the lock, the
        # second DELETE would miss the rows the first inserts, and both sets would stay.
        list(Session.objects.select_for_update(of=("self",)).filter(pk__in=ids)
             .order_by("pk").values_list("pk", flat=True))
        # delete() would fetch the rows to send signals: these have no receivers.
        Tally.objects.filter(session_id__in=ids)._raw_delete(router.db_for_write(Tally))
        Tally.objects.bulk_create(_rows(ids), batch_size=2000)


def rebuild(batch_size=500) -> int:
    """Recompute every session's tally (manage.py rebuild_tally, and after a bulk load)."""
    with transaction.atomic():
        Tally.objects.all()._raw_delete(router.db_for_write(Tally))
        ids = Session.objects.order_by("pk").values_list("pk", flat=True).iterator(
            chunk_size=batch_size)
        while batch := list(islice(ids, batch_size)):
            Tally.objects.bulk_create(_rows(batch), batch_size=2000)
    return Tally.objects.count()


def _rows(session_ids) -> list[Tally]:
    sessions = {
        pk: {"session_id": pk, "session_date": date, "group_id": group, "round_id": round_,
             "province_id": province}
        for pk, date, group, round_, province in Session.objects.filter(
            pk__in=session_ids).values_list("pk", "date", "group_id", "group__round_id",
                                            "group__round__province_id")}
    if not sessions:
        return []
    ids = list(sessions)
    # (kind, session, lead department, category, unit, status, due, days, month)
    counts = Counter()
    unmerged = Recommendation.objects.filter(session_id__in=ids, consolidated_into=None)
    for session, lead, category, status, due, count in _grouped(unmerged, (
            "session_id", "lead_department_id", "category_id", "status", "due_date")):
        # Only an open one's due date counts (overdue, due soon): fewer rows.
        due = due if status in OPEN_STATUSES else None
        counts[Kind.RECOMMENDATIONS, session, lead, category, None, status, due, None,
               None] += count
    _count_resolved(counts, unmerged)
    _count_raised(counts, ids)
    _count_completion(counts, unmerged)
    _count_directives(counts, ids)
    for session, unit, category, count in _grouped(
            Difficulty.units.through.objects.filter(difficulty__session_id__in=ids),
            ("difficulty__session_id", "administrativeunit_id", "difficulty__category_id")):
        counts[Kind.DIFFICULTIES, session, None, category, unit, "", None, None, None] += count
    return [Tally(kind=kind, **sessions[session], lead_department_id=lead, category_id=category,
                  unit_id=unit, status=status or "", due_date=due, days=days, month=month,
                  number=count)
            for (kind, session, lead, category, unit, status, due, days, month), count
            in counts.items()]


def _grouped(queryset, fields):
    return queryset.values_list(*fields).annotate(n=Count("pk")).order_by()


def _count_resolved(counts, unmerged):
    """The scorecard and the months: resolved on time (by the due date), late (after it,
    with that due date: the month it was missed in) or neither (no due date); the month of
    the resolution and the working days from the first routing to it (local dates)."""
    resolved = [
        (session, lead, due, timezone.localdate(resolved_at) if resolved_at else None,
         timezone.localdate(routed_at) if routed_at else None)
        for session, lead, due, resolved_at, routed_at in unmerged.filter(
            status=Status.RESOLVED)
        .annotate(routed_at=Min("events__at", filter=Q(events__to_status=Status.ROUTED)))
        .values_list("session_id", "lead_department_id", "due_date", "resolved_at", "routed_at")]
    dates = [d for *_rest, resolved_on, routed_on in resolved for d in (resolved_on, routed_on)
             if d]
    counter = WorkingDayCounter(min(dates), max(dates)) if dates else None
    for session, lead, due, resolved_on, routed_on in resolved:
        timing = ""
        if due and resolved_on:
            timing = ON_TIME if resolved_on <= due else LATE
        days = counter.between(routed_on, resolved_on) if routed_on and resolved_on else None
        month = resolved_on.replace(day=1) if resolved_on else None
        counts[Kind.RESOLVED, session, lead, None, None, timing,
               due if timing == LATE else None, days, month] += 1


def _count_raised(counts, ids):
    """Per unit, the distinct unmerged recommendations it raised, directly or through a
    duplicate merged into them, in the session of the unmerged one."""
    through = Recommendation.units.through.objects
    own = through.filter(recommendation__session_id__in=ids,
                         recommendation__consolidated_into=None).values_list(
        "recommendation__session_id", "administrativeunit_id", "recommendation_id")
    # One level, as the list's unit filter follows it: what was merged into a recommendation
    # merged in turn counts nowhere.
    merged = through.filter(recommendation__consolidated_into__session_id__in=ids,
                            recommendation__consolidated_into__consolidated_into=None
                            ).values_list(
        "recommendation__consolidated_into__session_id", "administrativeunit_id",
        "recommendation__consolidated_into_id")
    for session, unit, _recommendation in set(own) | set(merged):
        counts[Kind.RAISED, session, None, None, unit, "", None, None, None] += 1


def _count_completion(counts, unmerged):
    """Per unit, what it raised, itself or through a duplicate merged into it (as the
    list's unit filter finds it): answered on the spot or resolved by the due date (on
    time), resolved after it (late), open with a due date (by that date), proposed to
    central level. Waiting for routing (new, returned), and resolved or open without a due
    date, are in none of these."""
    states = {}
    for pk, session, status, due, resolved_at in unmerged.values_list(
            "pk", "session_id", "status", "due_date", "resolved_at"):
        if status == Status.ANSWERED_ON_THE_SPOT:
            states[pk] = (session, ON_TIME, None)
        elif status == Status.RESOLVED and due and resolved_at:
            states[pk] = (session, ON_TIME if timezone.localdate(resolved_at) <= due
                          else LATE, None)
        elif status in OPEN_STATUSES and due:
            states[pk] = (session, OPEN, due)
        elif status == Status.PROPOSED_CENTRAL:
            states[pk] = (session, CENTRAL, None)
    through = Recommendation.units.through.objects
    own = through.filter(recommendation__in=unmerged).values_list(
        "administrativeunit_id", "recommendation_id")
    merged = through.filter(recommendation__consolidated_into__in=unmerged).values_list(
        "administrativeunit_id", "recommendation__consolidated_into_id")
    for unit, recommendation in set(own) | set(merged):
        if recommendation in states:
            session, state, due = states[recommendation]
            counts[Kind.COMPLETION, session, None, None, unit, state, due, None, None] += 1


def _count_directives(counts, ids):
    """Per unit, the directives given to it: done by the due date or without one (on time),
    done after it (late), pending (by due date, if any)."""
    rows = DirectiveFollowUp.objects.filter(
        directive__session_id__in=ids, unit__isnull=False).values_list(
        "directive__session_id", "unit_id", "status", "directive__due_date", "completed_on")
    for session, unit, status, due, completed_on in rows:
        if status == DirectiveFollowUp.Status.PENDING:
            state = PENDING
        elif due is None or (completed_on and completed_on <= due):
            state, due = ON_TIME, None
        elif completed_on:
            state, due = LATE, None
        else:
            continue
        counts[Kind.DIRECTIVES, session, None, None, unit, state, due, None, None] += 1


# Which sessions a write touches (receivers connected in RecommendationsConfig.ready) -------

def _sessions_of(condition: Q) -> set:
    """The sessions of these recommendations and of those they were merged into."""
    rows = Recommendation.objects.filter(condition).values_list(
        "session_id", "consolidated_into__session_id")
    return {pk for row in rows for pk in row if pk}


def on_recommendation_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # Where it was counted before: a save may move it to another session or another merge.
    moved = update_fields is None or {"session", "consolidated_into"} & set(update_fields)
    if not raw and not instance._state.adding and moved:
        instance._tally_sessions = _sessions_of(Q(pk=instance.pk))


def on_recommendation_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: `manage.py rebuild_tally` afterwards
        return
    sessions = {instance.session_id, *getattr(instance, "_tally_sessions", ())}
    if instance.consolidated_into_id:
        sessions |= _sessions_of(Q(pk=instance.consolidated_into_id))
    sessions_changed(sessions)


def on_recommendation_pre_delete(sender, instance, **kwargs):
    # Its duplicates count again in their own sessions once it is gone (SET_NULL).
    instance._tally_sessions = _sessions_of(Q(pk=instance.pk) | Q(consolidated_into=instance.pk))


def on_deleted(sender, instance, **kwargs):
    sessions_changed(getattr(instance, "_tally_sessions", ()))


def on_raised_by_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Who raised a recommendation (or what a unit raised) changed."""
    if not reverse:
        if action.startswith("post_"):
            sessions_changed(_sessions_of(Q(pk=instance.pk)))
    elif action == "pre_clear":
        instance._tally_sessions = _sessions_of(Q(units=instance))
    elif action == "post_clear":
        on_deleted(sender, instance)
    elif action.startswith("post_"):
        sessions_changed(_sessions_of(Q(pk__in=pk_set)))


def on_difficulty_units_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            sessions_changed({instance.session_id})
    elif action == "pre_clear":
        instance._tally_sessions = set(Difficulty.objects.filter(units=instance).values_list(
            "session_id", flat=True))
    elif action == "post_clear":
        on_deleted(sender, instance)
    elif action.startswith("post_"):
        sessions_changed(Difficulty.objects.filter(pk__in=pk_set).values_list(
            "session_id", flat=True))


# The lookup from a session's record to its session.
SESSION_OF = {Difficulty: "session_id", DirectiveFollowUp: "directive__session_id"}


def _session_of(sender, pk):
    lookup = SESSION_OF.get(sender, "session_id")
    return set(sender.objects.filter(pk=pk).values_list(lookup, flat=True))


def on_session_item_pre_save(sender, instance, raw=False, **kwargs):
    """A difficulty, a directive or a follow-up may be moved to another session (admin):
    the one it leaves is refreshed too."""
    if not raw and not instance._state.adding:
        instance._tally_sessions = _session_of(sender, instance.pk)


def on_session_item_changed(sender, instance, raw=False, **kwargs):
    """A session itself (its date, its group), a difficulty or a directive."""
    if not raw:
        sessions_changed({instance.pk if sender is Session else instance.session_id,
                          *getattr(instance, "_tally_sessions", ())})


def on_follow_up_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        sessions_changed(_session_of(sender, instance.pk)
                         | set(getattr(instance, "_tally_sessions", ())))


def on_unit_pre_delete(sender, instance, **kwargs):
    """A unit deleted takes its part of who raised what with it (the through rows go without
    m2m_changed)."""
    instance._tally_sessions = _sessions_of(Q(units=instance)) | set(
        Difficulty.objects.filter(units=instance).values_list("session_id", flat=True)) | set(
        DirectiveFollowUp.objects.filter(unit=instance).values_list(
            "directive__session_id", flat=True))


def on_follow_up_pre_delete(sender, instance, **kwargs):
    instance._tally_sessions = set(Session.objects.filter(
        directives__follow_ups=instance.pk).values_list("pk", flat=True))


def on_group_saved(sender, instance, raw=False, **kwargs):
    if not raw and not kwargs.get("created"):  # its round, hence its sessions' rows
        sessions_changed(instance.sessions.values_list("pk", flat=True))


@task()
def refresh_spanning(day: str):
    """Refresh the sessions of what was resolved after `day` (ISO) and routed before it: their
    working days to resolution count that day (run by `manage.py db_worker`)."""
    start = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(),
                                      tzinfo=datetime.UTC)
    margin = datetime.timedelta(days=2)  # local dates on either side of UTC
    ids = sorted(set(Recommendation.objects.filter(
        status=Status.RESOLVED, resolved_at__gte=start - margin,
        events__to_status=Status.ROUTED, events__at__lte=start + margin,
    ).values_list("session_id", flat=True)))
    for first in range(0, len(ids), 500):
        refresh(ids[first:first + 500])
    if ids:
        data_changed()  # pages cached since the calendar changed hold the old figures


def on_calendar_pre_save(sender, instance, raw=False, **kwargs):
    if not raw and not instance._state.adding:
        instance._old_date = sender.objects.filter(pk=instance.pk).values_list(
            "date", flat=True).first()


def on_calendar_changed(sender, instance, raw=False, **kwargs):
    """A day off added, moved or removed changes the working days to resolution of what was
    open over it: the task worker refreshes those sessions."""
    if raw:
        return
    for day in {instance.date, getattr(instance, "_old_date", None)} - {None}:
        refresh_spanning.enqueue(day=day.isoformat())


def fill_after_migrate(using="default", **kwargs):
    """The first migrate that creates the tally (or a database restored without it) fills it
    from the records, with the schema complete."""
    if not Tally.objects.using(using).exists() and Session.objects.using(using).exists():
        with transaction.atomic(using=using):
            rebuild()


def on_written_in_bulk(sender, session_ids, **kwargs):
    sessions_changed(session_ids)
