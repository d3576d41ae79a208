from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("rounds/<int:round_pk>/routing/", views.routing, name="routing"),
]
