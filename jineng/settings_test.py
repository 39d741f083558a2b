"""Test settings: the real settings, with fast password hashing and a temporary media root."""

import tempfile

from jineng.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="jineng-test-media-")
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="jineng-test-static-")
