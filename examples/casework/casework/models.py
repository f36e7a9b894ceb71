"""What the host keeps itself: who a user is to kwflow, and what was delivered.

kwflow keeps the cases; Django keeps the users. A `Person` row maps a Django
user to the person id kwflow knows them by and to the organisation they
work for (kwflow's `Organisation`, named on every command that needs it).
A `Delivery` is one notification handed to one person by the outbox
drainer (``manage.py drain_outbox``): the host's copy of what it delivered,
never an outbox of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Person(models.Model):
    """A Django user as kwflow knows them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    person_id = models.CharField(max_length=200, unique=True)
    organisation_id = models.CharField(max_length=200, blank=True, default="")
    organisation_kind = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return self.person_id


class Delivery(models.Model):
    """One outbox notification delivered to one person (shown on their page)."""

    person_id = models.CharField(max_length=200, db_index=True)
    notification_key = models.CharField(max_length=255)
    case_id = models.CharField(max_length=200)
    text_cs = models.TextField()
    text_en = models.TextField()
    due = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # A notification claimed again after a lost acknowledgement is
        # delivered once per person all the same.
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "notification_key"], name="one_delivery_per_person"
            )
        ]
        ordering = ["-delivered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notification_key} -> {self.person_id}"
