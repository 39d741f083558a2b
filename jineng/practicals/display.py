"""The big screen's content: the absolute sign-in address of the current code and its QR (SVG
from segno, as a data URI the page's <img> shows under the strict CSP)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpRequest

from jineng.practicals import selectors


def public_url(request: HttpRequest, path: str) -> str:
    """The absolute address a phone opens: ``JINENG_PUBLIC_URL`` if set (behind a proxy), else the request's."""
    base = (getattr(settings, "JINENG_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=10, border=2)


def display_payload(request: HttpRequest, facts: selectors.DisplayFacts) -> dict:
    """What the display page and its refresh endpoint (``api.session_code``) show."""
    url = public_url(request, facts.path) if facts.open else ""
    return {"open": facts.open, "message": facts.message, "url": url, "qr": qr_data_uri(url) if url else "",
            "seconds_left": facts.seconds_left, "signed_count": facts.signed_count, "roster_size": facts.roster_size,
            "minute": facts.minute, "state": facts.session.state}
