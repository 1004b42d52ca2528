from django.urls import path

from edile.datagov import views

app_name = "datagov"
urlpatterns = [
    path("", views.index, name="index"),
]
