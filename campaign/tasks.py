import logging

from celery import shared_task

from .emails import build_email

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_templated_email(self, *, template, to_user_id=None, to_email="", context=None):
    """Render one email in its recipient's language and send it."""
    message = build_email(template=template, to_user_id=to_user_id, to_email=to_email, context=context or {})
    message.send()
    log.info("sent %s to %s", template, message.to)
