"""The heartbeat fast path: the hottest request answered without the parts of the stack it does not use.

Every studying learner's player posts a batch of heartbeats every 30 s: a province at peak sends
thousands a second, more than every other request together. A batch that carries a valid beat token
(``jineng.learning.beat_tokens``) is authenticated by that token alone, so the cookie session, the
user and role look-ups, CSRF, messages, locale and the URL resolver have nothing to do for it; this
middleware, placed right after ``SecurityMiddleware`` (HSTS, nosniff, referrer policy), answers it
itself with the endpoint's own code (``api.heartbeats_answer``): the same service, the same JSON,
the same error bodies, and the same ``X-Frame-Options`` and ``Content-Security-Policy`` headers as
every other response, built once instead of per request (django-csp builds its header anew for
every response: a tenth of this request's cost).

Everything else goes on down the ordinary stack to the ninja endpoint, which then answers exactly
as before: a batch without a token or with a forged or expired one (cookie session and CSRF), and a
body the input model refuses (422 naming the field).
"""

from __future__ import annotations

import functools
import json

import pydantic
from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from jineng.common.errors import DomainError
from jineng.learning import beat_tokens
from jineng.learning.api import HeartbeatsIn, heartbeats_answer

PATH = "/api/learning/heartbeats"
CONTENT_TYPE = "application/json; charset=utf-8"


@functools.cache
def _frame_and_content_policies() -> dict[str, str]:
    """What ``XFrameOptionsMiddleware`` and ``CSPMiddleware`` add to a response that has no nonce."""
    return {"X-Frame-Options": settings.X_FRAME_OPTIONS, CSP_HEADER: build_policy()}


class HeartbeatFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH or request.method != "POST":
            return self.get_response(request)
        principal = beat_tokens.beat_token_read(request.META.get(beat_tokens.META_KEY, ""))
        if principal is None:
            return self.get_response(request)
        request.get_host()  # an unknown Host is refused (400) here as CommonMiddleware would
        try:
            payload = HeartbeatsIn.model_validate_json(request.body)
        except pydantic.ValidationError:
            return self.get_response(request)  # ninja answers 422 with the field at fault
        try:
            body, status = heartbeats_answer(actor=principal, payload=payload,
                                             ip=request.META.get("REMOTE_ADDR") or None), 200
        except DomainError as exc:  # as jineng.api.domain_error renders it
            body, status = {"error": exc.as_dict()}, exc.status
        return HttpResponse(json.dumps(body, cls=NinjaJSONEncoder), status=status, content_type=CONTENT_TYPE,
                            headers=_frame_and_content_policies())
