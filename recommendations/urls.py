from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    # What waits for the user, whatever their role (recommendations/work.py).
    path("", views.home, name="home"),
    # A session's page and its recording page show its recommendations beside what the
    # inspections app keeps of it (recommendations/views/sessions.py).
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/record/", views.session_record, name="session_record"),
    path("sessions/<int:pk>/notice/", views.session_notice, name="session_notice"),
    path("sessions/<int:pk>/notice/issue/", views.session_notice_issue,
         name="session_notice_issue"),
    path("units/<int:pk>/", views.unit_profile, name="unit_profile"),
    path("search/", views.search_view, name="search"),
    path("rounds/<int:pk>/report/", views.round_report, name="round_report"),
    path("rounds/<int:pk>/report/issue/", views.round_report_issue, name="round_report_issue"),
    path("rounds/<int:round_pk>/routing/", views.routing, name="routing"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("recommendations/", views.recommendation_list, name="list"),
    path("directives/", views.directive_list, name="directive_list"),
    path("task-tracking.xlsx", views.tracking_export, name="tracking_export"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/", views.follow_up_update, name="follow_up_update"),
    path("unit-reports/<int:pk>/", views.unit_report_decide, name="unit_report_decide"),
    # The pages of a commune's or ward's staff.
    path("unit/", views.unit_home, name="unit_home"),
    path("unit/sessions/<int:pk>/", views.unit_session, name="unit_session"),
    path("unit/recommendations/<int:pk>/", views.unit_recommendation,
         name="unit_recommendation"),
    path("unit/tasks/<int:pk>/", views.unit_directive, name="unit_directive"),
    # What makes them work offline (recommendations/views/offline.py).
    path("unit/manifest.webmanifest", views.unit_manifest, name="unit_manifest"),
    path("unit/sw.js", views.unit_service_worker, name="unit_sw"),
    path("unit/offline/", views.unit_offline, name="unit_offline"),
    path("recommendations/<int:pk>/", views.detail, name="detail"),
    path("recommendations/<int:pk>/<slug:action>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("sessions/<int:pk>/attachments/", views.session_attachment_add,
         name="session_attachment_add"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    # The user's work calendar: its page, and the feed at the secret address, read by
    # calendar programs without a login (recommendations/calendar.py).
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
