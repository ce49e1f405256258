"""Routes of the reader-app APIs; newsloom.urls mounts them at the site root."""

from django.urls import path, re_path

from newsloom.api import fever, greader, settings_views
from newsloom.api import miniflux as mf
from newsloom.api.rest import api

E = mf.endpoint
urlpatterns = [
    path("api/greader/accounts/ClientLogin", greader.client_login),
    path("api/greader/reader/api/0/<path:endpoint>", greader.dispatch),
    re_path(r"^api/greader/(?P<endpoint>.*)$", greader.unknown),
    path("api/fever.php", fever.fever),
    path("api/v1/", api.urls),
    path("accounts/api-password/", settings_views.api_password, name="api-password"),
    path("v1/me", E(get=mf.me)),
    path("v1/version", E(get=mf.version)),
    path("v1/categories", E(get=mf.categories)),
    path("v1/categories/<int:category_id>/feeds", E(get=mf.category_feeds)),
    path("v1/categories/<int:category_id>/entries", E(get=mf.category_entries)),
    path("v1/feeds", E(get=mf.feeds, post=mf.create_feed)),
    path("v1/feeds/refresh", E(put=mf.refresh_all)),
    path("v1/feeds/counters", E(get=mf.counters)),
    path("v1/feeds/<int:feed_id>", E(get=mf.feed, put=mf.update_feed, delete=mf.delete_feed)),
    path("v1/feeds/<int:feed_id>/refresh", E(put=mf.refresh_feed)),
    path("v1/feeds/<int:feed_id>/icon", E(get=mf.feed_icon)),
    path("v1/feeds/<int:feed_id>/mark-all-as-read", E(put=mf.mark_feed_read)),
    path("v1/feeds/<int:feed_id>/entries", E(get=mf.feed_entries)),
    path("v1/feeds/<int:feed_id>/entries/<int:entry_id>", E(get=mf.feed_entry)),
    path("v1/entries", E(get=mf.entries, put=mf.update_entries)),
    path("v1/entries/<int:entry_id>", E(get=mf.entry)),
    path("v1/entries/<int:entry_id>/bookmark", E(put=mf.toggle_bookmark)),
    path("v1/export", E(get=mf.export)),
    re_path(r"^v1/(?P<rest>.*)$", E(get=mf.not_found, post=mf.not_found, put=mf.not_found,
                                    delete=mf.not_found)),
]
