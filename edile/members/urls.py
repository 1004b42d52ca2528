from django.urls import path

from edile.members import views

app_name = "members"
urlpatterns = [
    path("", views.local_government_list, name="local_government_list"),
    path("export.<str:fmt>", views.local_government_export, name="local_government_export"),
    path("map/", views.members_map, name="map"),
    path("map/points.geojson", views.members_map_points, name="map_points"),
    path("statistics/", views.members_statistics, name="statistics"),
    path("<slug:slug>/", views.local_government_detail, name="local_government_detail"),
    path("<slug:slug>/edit/", views.local_government_edit, name="local_government_edit"),
]
