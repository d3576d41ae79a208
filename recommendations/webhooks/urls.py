from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/secret/", views.subscription_new_secret, name="new_secret"),
    path("<int:pk>/pause/", views.subscription_pause, name="pause"),
    path("<int:pk>/resume/", views.subscription_resume, name="resume"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
