"""The issuer's signing keys: from settings or a key file, never from the database.

A keyring is JSON, as written by `manage.py elsx_signing_key`:

    {"current": 2, "keys": [
        {"n": 1, "created": "...", "retired": "...", "publicKeyMultibase": "z6Mk..."},
        {"n": 2, "created": "...", "publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2..."}]}

ELSX["SIGNING_KEYS"] holds that object inline (e.g. from a secrets store);
ELSX["SIGNING_KEY_FILE"] names a file holding it. Key n is published at
/elsx/issuer/keys/<n> for as long as it is in the ring; rotating adds a key and
keeps the old one's public half, so credentials it signed still verify.
"""
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from elsx import conf
from elsx.credentials import multikey


class KeysNotConfigured(RuntimeError):
    """No signing key: set ELSX["SIGNING_KEY_FILE"] or ELSX["SIGNING_KEYS"] (see docs/credentials.md)."""


@dataclass(frozen=True)
class Key:
    n: int
    public_multibase: str
    secret_multibase: str = ""
    created: str = ""
    retired: str = ""

    def private_key(self):
        return multikey.private_key(self.secret_multibase)

    def public_key(self):
        return multikey.public_key(self.public_multibase)


@dataclass(frozen=True)
class Keyring:
    keys: tuple
    current_n: int

    @property
    def current(self):
        for key in self.keys:
            if key.n == self.current_n:
                if not key.secret_multibase:
                    raise KeysNotConfigured("the current signing key has no secret part")
                return key
        raise KeysNotConfigured(f"the keyring has no key {self.current_n}")

    def get(self, n):
        return next((key for key in self.keys if key.n == n), None)


def parse(data):
    keys = []
    for item in data.get("keys", []):
        key = Key(n=int(item["n"]), public_multibase=item["publicKeyMultibase"],
                  secret_multibase=item.get("secretKeyMultibase", ""), created=item.get("created", ""),
                  retired=item.get("retired", ""))
        if key.secret_multibase and multikey.public_multibase(key.private_key().public_key()) != key.public_multibase:
            raise KeysNotConfigured(f"signing key {key.n}: the public key does not match the secret key")
        keys.append(key)
    if not keys:
        raise KeysNotConfigured("the keyring is empty")
    return Keyring(keys=tuple(sorted(keys, key=lambda k: k.n)), current_n=int(data.get("current", keys[-1].n)))


def serialize(ring):
    return {"current": ring.current_n, "keys": [
        {k: v for k, v in (("n", key.n), ("created", key.created), ("retired", key.retired),
                           ("publicKeyMultibase", key.public_multibase),
                           ("secretKeyMultibase", key.secret_multibase)) if v}
        for key in ring.keys]}


def new_ring():
    private = multikey.generate()
    key = Key(n=1, public_multibase=multikey.public_multibase(private.public_key()),
              secret_multibase=multikey.secret_multibase(private), created=timezone.now().isoformat())
    return Keyring(keys=(key,), current_n=1)


def rotated(ring):
    """A new current key; the old keys keep only their public half and a retired date."""
    now = timezone.now().isoformat()
    private = multikey.generate()
    n = max(key.n for key in ring.keys) + 1
    old = tuple(Key(n=k.n, public_multibase=k.public_multibase, created=k.created, retired=k.retired or now)
                for k in ring.keys)
    new = Key(n=n, public_multibase=multikey.public_multibase(private.public_key()),
              secret_multibase=multikey.secret_multibase(private), created=now)
    return Keyring(keys=old + (new,), current_n=n)


def write_file(path, ring):
    """Write the keyring readable by its owner only (replacing atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(serialize(ring), handle, indent=2)
    os.replace(tmp, path)


_lock = threading.Lock()
_cache = {}


def _read_file(path):
    path = Path(path)
    stat = path.stat()
    cached = _cache.get(str(path))
    if cached and cached[0] == (stat.st_mtime_ns, stat.st_size):
        return cached[1]
    ring = parse(json.loads(path.read_text(encoding="utf-8")))
    _cache[str(path)] = ((stat.st_mtime_ns, stat.st_size), ring)
    return ring


def _dev_ring(path):
    """The demo's key (settings.ELSX_DEV_SIGNING_KEY_FILE), made on first use; never set in production."""
    path = Path(path)
    with _lock:
        if not path.exists():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(serialize(new_ring()), handle, indent=2)
    return _read_file(path)


def keyring():
    """The configured Keyring, or KeysNotConfigured."""
    inline = conf.get("SIGNING_KEYS")
    if inline:
        return parse(inline if isinstance(inline, dict) else json.loads(inline))
    path = conf.get("SIGNING_KEY_FILE")
    if path:
        try:
            return _read_file(path)
        except (OSError, ValueError, KeyError) as exc:
            raise KeysNotConfigured(f"the signing key file could not be read: {type(exc).__name__}") from exc
    dev = getattr(settings, "ELSX_DEV_SIGNING_KEY_FILE", None)
    if dev:
        Path(dev).parent.mkdir(parents=True, exist_ok=True)
        return _dev_ring(dev)
    raise KeysNotConfigured(KeysNotConfigured.__doc__)
