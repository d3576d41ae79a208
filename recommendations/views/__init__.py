from .detail import act, attachment_download, detail, session_attachment_add
from .follow_up import follow_up, follow_up_update
from .inbox import inbox
from .oversight import dashboard_view, recommendation_list
from .routing import routing

__all__ = [
    "act", "attachment_download", "dashboard_view", "detail", "follow_up", "follow_up_update",
    "inbox", "recommendation_list", "routing", "session_attachment_add",
]
