"""Remote images in article bodies, which would tell a publisher (and its ad partners) the
address of every reader who opens the article. Off by default: each image becomes a link to
it, so nothing is requested unless the reader chooses to; with settings.NEWSLOOM_REMOTE_IMAGES
= True they load directly and the Content-Security-Policy allows remote images."""

from __future__ import annotations

import lxml.html
from django.conf import settings
from django.utils.translation import gettext as _


def allowed() -> bool:
    """settings.NEWSLOOM_REMOTE_IMAGES (NEWSLOOM_REMOTE_IMAGES, off by default)."""
    return bool(settings.NEWSLOOM_REMOTE_IMAGES)


def without_remote_images(body_html: str) -> str:
    """The sanitized body with every remote <img> replaced by a link to the image."""
    if allowed() or "<img" not in body_html:
        return body_html
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for image in root.iter("img"):
        link = lxml.html.Element("a", href=image.get("src") or "",
                                 rel="noopener noreferrer nofollow", attrib={"class": "image-link"})
        alt = (image.get("alt") or "").strip()
        link.text = _("Image: %(alt)s") % {"alt": alt} if alt else _("Image")
        link.tail = image.tail
        image.getparent().replace(image, link)
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode")
                                       for child in root)
