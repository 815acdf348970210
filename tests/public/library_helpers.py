"""Local actions for the library's tests, written straight with the ORM (as the services
would leave them), reindexed for the search."""

from datetime import timedelta
from itertools import count

from django.core.files.base import ContentFile
from django.utils import timezone

from pledges.learning.models import LocalAction, LocalActionFile, LocalActionTranslation
from pledges.learning.search import reindex_action

_order = count()


def make_action(
    campaign,
    municipality,
    *,
    state=LocalAction.State.PUBLISHED,
    language="en",
    title="Welcome desk for newcomers",
    summary="One desk where newcomers find every service of the city.",
    commitments=(),
    published_ago=None,
    **extra,
) -> LocalAction:
    published_at = None
    if state == LocalAction.State.PUBLISHED or extra.get("published_at"):
        # Each new action a little newer than the one before, unless told.
        published_at = extra.pop("published_at", None) or timezone.now() - (
            published_ago if published_ago is not None else timedelta(minutes=1000 - next(_order) % 1000)
        )
    extra.setdefault("contact_role", "Integration office")
    action = LocalAction.objects.create(
        campaign=campaign,
        municipality=municipality,
        language=language,
        title=title,
        summary=summary,
        state=state,
        published_at=published_at,
        **extra,
    )
    if commitments:
        action.commitments.set(commitments)
    reindex_action(action)
    return action


def translate(action, language, title, summary, description="") -> LocalActionTranslation:
    translation = LocalActionTranslation.objects.create(
        action=action, language=language, title=title, summary=summary, description=description
    )
    reindex_action(action)
    return translation


def set_state(action, state) -> LocalAction:
    action.state = state
    action.save()
    reindex_action(action)
    return action


def add_file(action, *, kind="pdf", content=b"", name="plan.pdf", content_type="application/pdf", **extra):
    extension = name.rsplit(".", 1)[-1]
    upload = LocalActionFile(
        action=action,
        kind=kind,
        original_name=name,
        content_type=content_type,
        extension=extension,
        size=len(content),
        **extra,
    )
    upload.file.save(f"upload.{extension}", ContentFile(content), save=False)
    upload.save()
    return upload
