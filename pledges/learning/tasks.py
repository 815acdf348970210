"""Celery tasks of local actions and peer learning. Beat runs `remind_peer_reviewers` once a
day (migration 0003 registers it); the logic is pledges/learning/services/reviews.py's
``remind_reviewers``, which sends each reminder once only, so a second run sends nothing."""

from celery import shared_task

from .services import reviews


@shared_task(acks_late=True, ignore_result=True)
def remind_peer_reviewers():
    """One reminder ever per official of a reviewer whose feedback is due within a week."""
    return reviews.remind_reviewers()
