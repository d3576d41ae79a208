from .calendar import calendar_feed, calendar_page, calendar_revoke
from .detail import act, attachment_download, detail, session_attachment_add
from .documents import round_report, round_report_issue, session_notice, session_notice_issue
from .follow_up import follow_up, follow_up_update, unit_report_decide
from .home import home
from .inbox import inbox
from .offline import manifest as unit_manifest
from .offline import offline_page as unit_offline
from .offline import service_worker as unit_service_worker
from .oversight import dashboard_view, directive_list, recommendation_list, tracking_export
from .routing import routing
from .search import search_view
from .sessions import session_detail, session_record
from .tokens import api_token_revoke, api_tokens
from .unit import unit_directive, unit_home, unit_recommendation, unit_session
from .units import unit_profile

__all__ = [
    "act", "api_token_revoke", "api_tokens", "attachment_download", "calendar_feed",
    "calendar_page", "calendar_revoke", "dashboard_view",
    "detail", "directive_list", "follow_up", "follow_up_update", "home",
    "inbox", "recommendation_list", "round_report", "round_report_issue",
    "session_notice_issue", "routing", "search_view",
    "session_attachment_add", "session_detail", "session_notice", "session_record",
    "tracking_export",
    "unit_directive", "unit_home", "unit_manifest", "unit_offline", "unit_profile",
    "unit_recommendation", "unit_report_decide", "unit_service_worker", "unit_session",
]
