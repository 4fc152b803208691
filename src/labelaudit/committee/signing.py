"""Ed25519 keys and signatures of the committee's entries (the `cryptography` package).

As in TUF's signed metadata, a signature covers a canonical serialisation (here the entry's
canonical JSON without `hash` and `signature`, after a domain tag so that a signature made for
another purpose never verifies as an entry), and a key is named by its key id, the sha256 of
its raw 32-byte public key. The roster (in the register) maps key ids to members; only the
public key is ever stored there. A private key lives in its own PEM file, created with mode
0600 from its creation (never widened then narrowed with chmod), written whole, and never overwritten.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labelaudit.errors import InputError
from labelaudit.files import write_atomic
from labelaudit.i18n import tr

DOMAIN = b"labelaudit committee entry v2\n"  # signed bytes = DOMAIN + canonical body
ENV_KEY = "LABELAUDIT_KEY"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """`ed25519:` + sha256 of the raw public key, in hex."""
    return "ed25519:" + hashlib.sha256(raw_public(key)).hexdigest()


def public_text(key: Ed25519PublicKey) -> str:
    """The public key as stored in the register: the raw 32 bytes in base64."""
    return base64.b64encode(raw_public(key)).decode("ascii")


def public_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign(key: Ed25519PrivateKey, body: bytes) -> str:
    return base64.b64encode(key.sign(DOMAIN + body)).decode("ascii")


def verifies(public: Ed25519PublicKey, signature: str, body: bytes) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        public.verify(raw, DOMAIN + body)
    except InvalidSignature:
        return False
    return True


# --- files -------------------------------------------------------------------------------------


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """The private key as unencrypted PKCS#8 PEM, mode 0600 from its creation, written whole;
    an existing file is refused."""
    if path.exists():
        raise InputError.at(path, "", tr("committee.key.exists"))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_atomic(path, pem, mode=0o600)


def _read_key_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(1 << 16)  # a PEM key is a few hundred bytes: never read a huge file
    except FileNotFoundError:
        raise InputError.at(path, "", tr("file.missing")) from None
    except OSError as exc:
        raise InputError.at(path, "", tr("file.unreadable", detail=exc.strerror)) from None
    return data


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise InputError.at(path, "", tr("committee.key.not_private")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError.at(path, "", tr("committee.key.not_ed25519"))
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key file: PEM (SubjectPublicKeyInfo), or a private key PEM whose public half is taken."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        try:
            return load_private_key(path).public_key()
        except InputError:
            raise InputError.at(path, "", tr("committee.key.not_public")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError.at(path, "", tr("committee.key.not_ed25519"))
    return key


def key_file(given: Path | None) -> Path:
    """--key, else LABELAUDIT_KEY."""
    if given is not None:
        return given
    env = os.environ.get(ENV_KEY)
    if not env:
        raise InputError.at("--key", "", tr("committee.key.needed"))
    return Path(env)
