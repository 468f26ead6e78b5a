from __future__ import annotations

from django.urls import path

from clonacare.education import views

app_name = "education"
urlpatterns = [
    path("", views.home, name="home"),
    path("learn/<slug:slug>/", views.article, name="article"),
    path("search/", views.search_page, name="search"),
]
