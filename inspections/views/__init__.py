from .groups import group_create, group_detail, group_edit
from .register import (
    directive_cite_view,
    register_detail,
    register_file,
    register_list,
    register_upload,
    register_withdraw,
)
from .rounds import (
    figures_import_view,
    round_create,
    round_detail,
    round_edit,
    round_list,
)
from .sessions import (
    directive_detail,
    session_create,
    session_edit,
    session_history,
    session_reopen_view,
)
from .settings import (
    audit_log,
    calendar,
    calendar_day,
    departments,
    issuer_edit,
    issuers,
    people,
    person_edit,
    routing_edit,
    routing_list,
    settings_home,
)

__all__ = [
    "directive_detail", "figures_import_view", "group_create", "group_detail", "group_edit",
    "round_create", "round_detail", "round_edit", "round_list", "session_create",
    "session_edit", "session_history", "session_reopen_view", "calendar", "calendar_day",
    "departments", "issuer_edit", "issuers", "people", "person_edit", "routing_edit",
    "routing_list", "settings_home", "audit_log",
    "directive_cite_view", "register_detail", "register_file", "register_list",
    "register_upload", "register_withdraw",
]
