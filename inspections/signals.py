"""Signals of the inspections app for what its models' own signals do not tell."""

from django.dispatch import Signal

# Rows of a session's records written in bulk (bulk_create sends no post_save): sender the
# model, `session_ids` the sessions. Those that keep figures over the records (the
# dashboard's tally, recommendations/tally.py) refresh them.
written_in_bulk = Signal()
