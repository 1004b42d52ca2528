from django.urls import path

from edile.sanitation import views

app_name = "sanitation"

urlpatterns = [
    path("", views.index, name="index"),
]
