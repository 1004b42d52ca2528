"""Model fields shared across apps."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class EncryptionKeyError(RuntimeError):
    """A stored value cannot be decrypted with any configured key: the keys are wrong.

    Never shown as an empty value: a wrong key would otherwise look like missing data.
    """


def _keys() -> list[str]:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    if not keys and settings.FIELD_ENCRYPTION_KEY:
        keys = [settings.FIELD_ENCRYPTION_KEY]
    if not keys:
        # Development and tests only (settings refuse an empty key in production).
        digest = hashlib.sha256(("edile-field-key:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return keys


def _fernet() -> MultiFernet:
    """Encrypts with the newest key (the first), decrypts with any of them (key rotation)."""
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in _keys()])


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError(
            "An encrypted value cannot be read with the configured keys: check "
            "FIELD_ENCRYPTION_KEYS (newest first, the old keys kept until `manage.py "
            "rotate_field_keys` has run)."
        ) from None


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with Fernet (AES-128-CBC + HMAC), key from the environment.

    The database only ever holds the token; lookups on the plain text are impossible by design.
    A wrong key raises `EncryptionKeyError`, never an empty value.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return _fernet().encrypt(str(value).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt_text(value)

    def to_python(self, value: Any) -> Any:
        return value
