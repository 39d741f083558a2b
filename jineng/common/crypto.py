"""Authenticated encryption of personal data and keyed digests for look-up.

A token is ``v1.<key id>.<nonce>.<ciphertext>`` (URL-safe base64), sealed with AES-256-GCM;
the key id lets old rows be read after the key is rotated. The look-up digest is an
HMAC-SHA256 under a separate key, so equal values can be found and kept unique without
storing them in clear and without a key that also decrypts.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    pass


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=4)
def _parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    current = ""
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, material = part.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("JINENG_DATA_KEYS 格式应为 keyid:base64key[,keyid:base64key…]")
        raw = base64.b64decode(material)
        if len(raw) != 32:
            raise ImproperlyConfigured(f"数据加密密钥 {key_id} 必须是 32 字节 (AES-256)")
        keys[key_id] = raw
        current = current or key_id
    if not keys:
        raise ImproperlyConfigured("JINENG_DATA_KEYS 至少需要一个密钥")
    return current, keys


def _keys() -> tuple[str, dict[str, bytes]]:
    return _parse_keys(settings.DATA_ENCRYPTION_KEYS)


def encrypt_text(plaintext: str, *, context: bytes = b"jineng") -> str:
    key_id, keys = _keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode(), context)
    return f"v1.{key_id}.{_b64e(nonce)}.{_b64e(sealed)}"


def decrypt_text(token: str, *, context: bytes = b"jineng") -> str:
    try:
        version, key_id, nonce, sealed = token.split(".")
    except ValueError as exc:
        raise DecryptionError("not an encrypted token") from exc
    if version != "v1":
        raise DecryptionError(f"unknown token version {version}")
    _, keys = _keys()
    if key_id not in keys:
        raise DecryptionError(f"key {key_id} is not configured")
    try:
        return AESGCM(keys[key_id]).decrypt(_b64d(nonce), _b64d(sealed), context).decode()
    except Exception as exc:  # InvalidTag: altered or sealed under another key
        raise DecryptionError("ciphertext failed authentication") from exc


def token_key_id(token: str) -> str:
    return token.split(".")[1]


def lookup_digest(value: str, *, purpose: str) -> str:
    key = base64.b64decode(settings.DATA_LOOKUP_KEY)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
