from django.urls import path

from edile.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
]
