"""Response headers that limit what a page may do if something hostile ever gets into it.

Content-Security-Policy: scripts, styles, fonts, frames, workers and connections from this
site only, no inline script or style, no plugins, no <base> rewriting, no framing, forms
post only here. Article bodies and comments are sanitized before they are stored and
shown; the policy is the second wall behind that. Images come from this site, unless
remote images are enabled (see remote_images). The service worker (/sw.js) and htmx
(/static/web/htmx.min.js, configured without eval or injected styles) are own scripts.

Permissions-Policy: a news portal needs no camera, microphone, location, payment or USB,
and no Topics API tracking; every feature is denied to the page and any frame.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from newsloom.web import remote_images

_DENIED_FEATURES = ("accelerometer", "autoplay", "camera", "display-capture", "geolocation",
                    "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
                    "browsing-topics")
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in _DENIED_FEATURES)


def content_security_policy() -> str:
    images = "'self' data: https: http:" if remote_images.allowed() else "'self' data:"
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "font-src": "'self'",
        "connect-src": "'self'",
        "manifest-src": "'self'",
        "worker-src": "'self'",
        "frame-src": "'none'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds the two policies to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
