"""A model field whose value is encrypted at rest (see ``jineng.common.crypto``)."""

from django.db import models

from jineng.common.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Stores AES-GCM tokens; Python code sees plain text. Not searchable: pair it with a
    digest column (``lookup_digest``) for equality look-ups and uniqueness."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))
