"""Second factor for staff: a TOTP device (django-otp). A staff member without a confirmed
device enrols on first sign-in by scanning a QR code, then confirms it with a code."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jineng.audit.services import audit_record
from jineng.common.errors import DomainError
from jineng.identity.selectors import user_is_staff


def is_verified(user) -> bool:
    """OTPMiddleware gives request.user ``is_verified``; a user object fresh from ``login()`` has none."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_second_factor(*, user) -> bool:
    return settings.JINENG_STAFF_2FA and user_is_staff(user=user) and not is_verified(user)


def confirmed_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(*, user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机动态口令", confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4)


def verify_and_login(*, request, device: TOTPDevice, token: str) -> None:
    token = token.strip()
    if not token.isdigit() or not device.verify_token(token):
        raise DomainError("invalid_token", "动态口令不正确或已过期，请输入手机验证器上当前显示的 6 位数字", field="token")
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=device.user, action="two_factor.enrol", target=device.user, summary={"device": device.name})
    otp_login(request, device)


def device_create_confirmed(*, user, key_hex: str | None = None) -> TOTPDevice:
    """For set-up scripts and tests: a confirmed device (optionally with a known key)."""
    kwargs = {"key": key_hex} if key_hex else {}
    return TOTPDevice.objects.create(user=user, name="手机动态口令", confirmed=True, **kwargs)


def current_token(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
