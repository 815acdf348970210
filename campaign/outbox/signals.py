"""What the outbox tells the rest of the product, without knowing who listens."""

from django.dispatch import Signal

# Sent after the commit that settles a delivery: sent, failed or suppressed.
# Arguments: delivery (the EmailDelivery row). A sender that groups its deliveries (by
# `group_key`) listens to follow its progress.
delivery_settled = Signal()
