"""Where private documents live (council resolutions, evidence letters) and how they are
handed out.

They are kept by the storage named "private" in STORAGES: a folder outside MEDIA_ROOT
(PRIVATE_MEDIA_ROOT) or an S3-compatible bucket (campaign/storage_s3.py). Neither has a
public address: code goes through the storage API (save, open, exists, delete), never a
filesystem path, and a person gets a file only from a view that checked who asks, through
`private_download()`.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, cached_property, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

PRIVATE_STORAGE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT. It has no URL: Django's own would fall back to
    MEDIA_URL, an address where a proxy serving /media/ might answer."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Private files have no URL: link to the view that serves them.")


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    # Django rebuilds its storages when STORAGES changes (tests); this handle follows.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def get_private_storage():
    """Callable used by FileFields so that migrations do not freeze the backend."""
    return private_storage


def private_download(field_file, filename: str, content_type: str = "application/pdf") -> FileResponse:
    """A private file as an attachment, read through the storage API (a folder or a bucket).

    Call it only after the access helper has allowed the download. Raises FileNotFoundError
    when the stored file is gone.
    """
    handle = field_file.storage.open(field_file.name, "rb")
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@checks.register(checks.Tags.security)
def check_no_private_files_left_in_media(app_configs, **kwargs):
    """Before private files moved out of MEDIA_ROOT they were kept in MEDIA_ROOT/private/:
    files still there are published by any proxy serving /media/, and no longer found."""
    leftover = Path(settings.MEDIA_ROOT) / "private"
    if not leftover.is_dir() or not any(p.is_file() for p in leftover.rglob("*")):
        return []
    return [
        checks.Warning(
            f"{leftover} still holds private documents, where the web server may publish them.",
            hint="Move them to PRIVATE_MEDIA_ROOT or the bucket and delete the folder (README, Production).",
            id="campaign.W001",
        )
    ]


def _without_source_maps(patterns):
    """Django's manifest storage rewrites `sourceMappingURL` comments and fails when the
    map is missing; some packaged front-end libraries mention maps
    they do not ship. Maps are a debugging aid, so their references are left untouched."""
    kept = []
    for extension, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in (r if isinstance(r, str) else r[0]))
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed storage, minus source-map rewriting (see above)."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
