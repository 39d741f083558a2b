"""The unread count for the header badge (``notifications/_header_badge.html``).

Lazy: the count is queried only when a template uses it, once per request."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from jineng.notifications.selectors import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from jineng.identity.two_factor import needs_second_factor

    if needs_second_factor(user=user):
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
