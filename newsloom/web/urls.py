"""Reader web routes. Article pages live at /a/<id>/ (a slug may follow), story pages at
/s/<id>/, search at /search?q=."""

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter
from django.views.generic import RedirectView

from newsloom.web import accounts, comments, library, pwa, views
from newsloom.web.feeds import LatestAtomFeed, LatestFeed
from newsloom.web.params import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("edition/<slug:region>/", views.edition, name="edition"),
    path("lang/<slug:code>/", views.language, name="language"),
    path("topic/<slug:name>/", views.topic, name="topic"),
    path("source/<id:source_id>/", views.source_page, name="source"),
    path("a/<id:article_id>/", views.article, name="article"),
    path("a/<id:article_id>/ask", views.ask, name="ask"),
    path("a/<id:article_id>/comments", comments.post_comment, name="comment-post"),
    path("a/<id:article_id>/save", library.toggle_save, name="save"),
    path("a/<id:article_id>/<str:slug>/", views.article, name="article-slug"),
    path("c/<id:comment_id>/edit", comments.edit_comment, name="comment-edit"),
    path("c/<id:comment_id>/delete", comments.delete_comment, name="comment-delete"),
    path("c/<id:comment_id>/report", comments.report_comment, name="comment-report"),
    path("c/<id:comment_id>/hide", comments.hide_comment, name="comment-hide"),
    path("s/<id:story_id>/", views.story, name="story"),
    path("search", views.search_page, name="search"),
    path("search/", RedirectView.as_view(pattern_name="search", query_string=True)),
    path("sources/", views.sources, name="sources"),
    path("saved/", library.saved, name="saved"),
    path("for-you/", library.for_you, name="for-you"),
    path("history/", library.history, name="history"),
    path("follow", library.toggle_follow, name="follow"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", accounts.ThrottledPasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("feeds/rss/", LatestFeed(), name="feed-rss"),
    path("feeds/atom/", LatestAtomFeed(), name="feed-atom"),
    path("feeds/rss/<slug:kind>/", LatestFeed(), name="feed-rss-kind"),
    path("feeds/atom/<slug:kind>/", LatestAtomFeed(), name="feed-atom-kind"),
    path("feeds/rss/<slug:kind>/<str:value>/", LatestFeed(), name="feed-rss-value"),
    path("feeds/atom/<slug:kind>/<str:value>/", LatestAtomFeed(), name="feed-atom-value"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("offline/", pwa.offline, name="offline"),
    path("language", views.switch_language, name="switch-language"),
    path("healthz", views.healthz, name="healthz"),
]
