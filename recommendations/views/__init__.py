from .detail import act, attachment_download, detail, session_attachment_add
from .follow_up import follow_up, follow_up_update
from .inbox import inbox
from .routing import routing

__all__ = ["act", "attachment_download", "detail", "follow_up", "follow_up_update", "inbox",
           "routing", "session_attachment_add"]
