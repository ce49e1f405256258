"""A clear answer when the data folder cannot take a write: full disk, read-only mount,
lost permissions. Reading pages goes on (see newsloom.data_folder); a request that must
write (sign in, comment, save) gets a 503 page saying what is wrong, and the log gets one
line instead of a traceback per request."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("newsloom.web")

# "disk I/O error": SQLite could not recreate a WAL database's index (-shm) file, which a
# fresh connection needs once every connection has closed: on a full disk, reads fail too
_FULL = ("database or disk is full", "no space left", "disk i/o error")
_READ_ONLY = ("readonly database", "read-only", "unable to open database file")
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def storage_problem(exc: BaseException) -> str:
    """'full', 'read-only' or '' for an exception that is not about the data folder."""
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return "full"
        return "read-only" if exc.errno in _READ_ONLY_ERRNOS else ""
    if isinstance(exc, DatabaseError | sqlite3.DatabaseError):
        message = str(exc).lower()
        if any(text in message for text in _FULL):
            return "full"
        if any(text in message for text in _READ_ONLY):
            return "read-only"
    return ""


class StorageErrorMiddleware:
    """Turns a failed write to the data folder into a 503 page with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        problem = storage_problem(exception)
        if not problem:
            return None
        log.error("cannot write to the data folder (%s): %s %s refused: %s", problem,
                  request.method, request.path, exception)
        message = (_("The server's disk is full, so this change could not be saved. "
                     "Reading works; please try again later.") if problem == "full" else
                   _("This site is read-only at the moment, so this change could not be "
                     "saved. Reading works as usual."))
        response = render(request, "web/storage_error.html", {"message": message}, status=503)
        response["Retry-After"] = "300"
        return response
