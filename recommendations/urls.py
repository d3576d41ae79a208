from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("rounds/<int:round_pk>/routing/", views.routing, name="routing"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("recommendations/", views.recommendation_list, name="list"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/", views.follow_up_update, name="follow_up_update"),
    path("recommendations/<int:pk>/", views.detail, name="detail"),
    path("recommendations/<int:pk>/<slug:action>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("sessions/<int:pk>/attachments/", views.session_attachment_add,
         name="session_attachment_add"),
]
