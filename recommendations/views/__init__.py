from .detail import act, attachment_download, detail, session_attachment_add
from .follow_up import follow_up, follow_up_update
from .inbox import inbox
from .oversight import dashboard_view, recommendation_list
from .report import round_report
from .routing import routing
from .search import search_view
from .sessions import session_detail, session_record
from .tokens import api_token_revoke, api_tokens
from .units import unit_profile

__all__ = [
    "act", "api_token_revoke", "api_tokens", "attachment_download", "dashboard_view",
    "detail", "follow_up", "follow_up_update",
    "inbox", "recommendation_list", "round_report", "routing", "search_view",
    "session_attachment_add", "session_detail", "session_record", "unit_profile",
]
