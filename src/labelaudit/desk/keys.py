"""Desk passwords and the members' signing keys, encrypted under their password.

A password is stored only as an Argon2id hash (argon2-cffi's `PasswordHasher`, RFC 9106
parameters). A member's Ed25519 private key is stored encrypted: a key-encryption key of 32
bytes is derived from the password by Argon2id with its own random 16-byte salt, and the raw
32-byte private key is sealed with AES-256-GCM (random 12-byte nonce) whose associated data
binds the ciphertext to the account and the key id, so that a sealed key moved to another
account, or swapped for another key, fails to open. The plain key exists only in the server's
memory, for the signed-in session that unlocked it.
"""

from __future__ import annotations

import base64
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from attrs import frozen
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from labelaudit.committee.signing import key_id

HASHER = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4 (argon2-cffi's RFC 9106 low-memory profile)
TAG = b"labelaudit desk key v1\n"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@frozen
class SealedKey:
    """A private key as the desk stores it: all three parts in base64."""

    key_id: str
    salt: str
    nonce: str
    ciphertext: str


def _kek(password: str, salt: bytes) -> bytes:
    params = HASHER  # the same cost as the password hash
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=params.time_cost, memory_cost=params.memory_cost,
                           parallelism=params.parallelism, hash_len=32, type=Type.ID)


def _aad(account: str, kid: str) -> bytes:
    return TAG + account.encode("utf-8") + b"\n" + kid.encode("ascii")


def seal(account: str, key: Ed25519PrivateKey, password: str) -> SealedKey:
    kid = key_id(key.public_key())
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    sealed = AESGCM(_kek(password, salt)).encrypt(nonce, raw, _aad(account, kid))
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    return SealedKey(kid, b64(salt), b64(nonce), b64(sealed))


def unseal(account: str, sealed: SealedKey, password: str) -> Ed25519PrivateKey | None:
    """The private key, or None when the password (or the stored parts) do not open it."""
    try:
        salt, nonce, data = (base64.b64decode(x, validate=True) for x in (sealed.salt, sealed.nonce, sealed.ciphertext))
        raw = AESGCM(_kek(password, salt)).decrypt(nonce, data, _aad(account, sealed.key_id))
    except (InvalidTag, ValueError):
        return None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    return key if key_id(key.public_key()) == sealed.key_id else None
