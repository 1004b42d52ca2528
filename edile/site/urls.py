from django.urls import path

from edile.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
]
