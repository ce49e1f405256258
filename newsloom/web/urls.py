"""Reader web routes. Article pages live at /a/<id>/ (a slug may follow)."""

from django.urls import path

from newsloom.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<int:article_id>/", views.article, name="article"),
    path("a/<int:article_id>/<str:slug>/", views.article, name="article-slug"),
    path("a/<int:article_id>/ask", views.ask, name="ask"),
    path("s/<int:story_id>/", views.story, name="story"),
    path("sources/", views.sources, name="sources"),
    path("healthz", views.healthz, name="healthz"),
]
