"""Working groups: their pages, and their creation and edit with their members."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communes import roles
from communes.decorators import office_required, read_only, reader_required

from ..forms import GroupMemberFormSet, WorkingGroupForm
from ..queries import group_for, round_for


def _group_page(request, inspection_round, group=None):
    """Create or edit a working group with its members, saved together or not at all."""
    form = WorkingGroupForm(request.POST or None, instance=group, inspection_round=inspection_round)
    members = GroupMemberFormSet(request.POST or None, instance=form.instance, prefix="member",
                                 province=inspection_round.province)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        with transaction.atomic():
            group = form.save()
            members.instance = group
            members.save()
        messages.success(request, _("The working group was saved."))
        return redirect(group)
    return render(request, "inspections/form.html", {
        "form": form, "formsets": [(members, _("Members"), _("Add a member"), _("Member"))],
        "title": _("Edit the working group") if group else _("New working group"),
        "back": group or inspection_round, "can_edit": True,
    })


@require_http_methods(["GET", "POST"])
@office_required
def group_create(request, round_pk):
    return _group_page(request, round_for(request.user, round_pk))


@require_http_methods(["GET", "POST"])
@office_required
def group_edit(request, pk):
    group = group_for(request.user, pk)
    return _group_page(request, group.round, group)


@read_only
@reader_required
def group_detail(request, pk):
    group = group_for(request.user, pk)
    return render(request, "inspections/group_detail.html", {
        "group": group,
        "members": group.members.select_related("department"),
        "units": group.units.all(),
        "sessions": group.sessions.prefetch_related("units").order_by("date"),
        "can_edit": roles.is_office(request.user),
    })
