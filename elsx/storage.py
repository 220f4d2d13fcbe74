"""Where elsx keeps learner files (certificate PDFs, export CSVs): a storage no web server serves.

Django's default_storage is MEDIA_ROOT, which Tutor's uwsgi serves at /media
(tutor/templates/build/openedx/settings/uwsgi.ini: static-map /media=...), so
anything there can be downloaded by anyone who guesses its name. elsx writes
through its own storage instead, with random names, and hands files out only
through its permission-checked handlers.

ELSX["STORAGE"]:
- None (default): a private folder beside MEDIA_ROOT, "<parent of MEDIA_ROOT>/elsx-private";
- a path: that folder (it must not lie inside MEDIA_ROOT or STATIC_ROOT);
- {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {...}}: any Django storage class,
  e.g. a private S3 bucket through django-storages.
"""
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

from elsx import conf

CERTIFICATES = "elsx/certificates"
EXPORTS = "elsx/exports"
_cache = {}


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder with no URL: url() refuses, so no template can link a file past the handlers."""

    def url(self, name):
        raise ValueError("elsx private storage has no public URL; serve files through elsx's handlers")


def private_root():
    """The folder used when ELSX["STORAGE"] is unset or a path."""
    configured = conf.get("STORAGE")
    if isinstance(configured, (str, os.PathLike)) and str(configured):
        return Path(configured).resolve()
    media = getattr(settings, "MEDIA_ROOT", "") or ""
    base = Path(media).resolve().parent if media else Path.cwd() / "var"
    return base / "elsx-private"


def _check_outside_served_folders(root):
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        served = getattr(settings, name, "") or ""
        if served and (root == Path(served).resolve() or Path(served).resolve() in root.parents):
            raise ImproperlyConfigured(f'ELSX["STORAGE"] ({root}) lies inside {name}, which the web server serves.')


def _build(configured):
    if isinstance(configured, dict):
        backend = import_string(configured.get("BACKEND", "django.core.files.storage.FileSystemStorage"))
        return backend(**(configured.get("OPTIONS") or {}))
    root = private_root()
    _check_outside_served_folders(root)
    # 0o600/0o700: only the platform's own user reads learner files.
    return PrivateFileSystemStorage(location=str(root), base_url=None, file_permissions_mode=0o600,
                                    directory_permissions_mode=0o700)


def get_storage():
    """The storage for learner files, built once per configuration."""
    configured = conf.get("STORAGE")
    key = (repr(configured), getattr(settings, "MEDIA_ROOT", ""), getattr(settings, "STATIC_ROOT", ""))
    if key not in _cache:
        _cache.clear()
        _cache[key] = _build(configured)
    return _cache[key]


def new_name(folder, suffix):
    """An unguessable name: 256 random bits, nothing about the learner, course or date."""
    return f"{folder}/{secrets.token_urlsafe(32)}{suffix}"


def save(folder, suffix, content):
    """Store content under a fresh random name; returns the stored name."""
    return get_storage().save(new_name(folder, suffix), content)


def open_file(name, mode="rb"):
    return get_storage().open(name, mode)


def delete(name):
    """Delete name if it exists; True if something was deleted."""
    store = get_storage()
    if name and store.exists(name):
        store.delete(name)
        return True
    return False


def exists(name):
    return bool(name) and get_storage().exists(name)
