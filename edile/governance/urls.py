from django.urls import path

from edile.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
]
