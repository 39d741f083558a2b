"""Staff sign in with two factors: after the password, a TOTP code (django-otp)."""

from django.conf import settings
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/verify/", "/notice/", "/healthz")
# Heartbeats that carry a beat token are authenticated by it, not by the cookie session; looking at
# request.user here would cost the session, user and role queries the token exists to avoid.
BEAT_TOKEN_PATH = "/api/learning/heartbeats"
BEAT_TOKEN_META = "HTTP_X_BEAT_TOKEN"


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == BEAT_TOKEN_PATH and BEAT_TOKEN_META in request.META:
            from jineng.learning.beat_tokens import beat_token_read

            if beat_token_read(request.META[BEAT_TOKEN_META]) is not None:
                return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            settings.JINENG_STAFF_2FA
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            from jineng.identity.two_factor import needs_second_factor

            if needs_second_factor(user=user):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"error": {"code": "second_factor_required", "message": "请先完成动态口令验证", "field": None}},
                        status=403,
                    )
                return redirect("web:otp_verify")
        return self.get_response(request)
