"""The one way a change of local actions and peer learning is recorded (HistoryEntry)."""

from typing import Any

from .models import ExchangeRequest, HistoryEntry, LocalAction, Partnership, PeerReview


def record(
    verb: str,
    *,
    actor: Any,
    municipality_id: int | None,
    local_action: LocalAction | None = None,
    exchange: ExchangeRequest | None = None,
    partnership: Partnership | None = None,
    peer_review: PeerReview | None = None,
    **detail: Any,
) -> HistoryEntry:
    """Add one entry; ``detail`` must be JSON-serialisable (ids, codes, short texts)."""
    return HistoryEntry.objects.create(
        verb=verb,
        actor=actor if getattr(actor, "pk", None) else None,
        municipality_id=municipality_id,
        local_action=local_action,
        exchange=exchange,
        partnership=partnership,
        peer_review=peer_review,
        detail=detail,
    )
