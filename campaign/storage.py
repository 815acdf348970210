"""Where private documents live: outside MEDIA_ROOT's public URL, served only by views
that check who asks (council resolutions, evidence letters)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _PrivateStorage(LazyObject):
    def _setup(self):
        # base_url None: these files have no public address.
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = _PrivateStorage()


def get_private_storage():
    """Callable used by FileFields so that migrations do not freeze the location."""
    return private_storage


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
