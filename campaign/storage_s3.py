"""The private storage in an S3-compatible bucket, for deployments on several hosts
(PRIVATE_STORAGE=s3; settings, "Static and media").

A module of its own so that a site on the filesystem storage never imports boto3.
"""

from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]


class PrivateS3Storage(S3Storage):
    """Objects written with the private ACL, never overwritten (a second file of the same name
    gets a new one, as on the filesystem), and without URL: the bucket is not a public address,
    the views stream each file after checking who asks."""

    def __init__(self, **options):
        options.update(default_acl="private", file_overwrite=False, querystring_auth=False)
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files have no URL: link to the view that serves them.")
