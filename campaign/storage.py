"""Where private documents live: outside MEDIA_ROOT's public URL, served only by views
that check who asks (council resolutions, evidence letters)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PrivateStorage(LazyObject):
    def _setup(self):
        # base_url None: these files have no public address.
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = _PrivateStorage()


def get_private_storage():
    """Callable used by FileFields so that migrations do not freeze the location."""
    return private_storage
