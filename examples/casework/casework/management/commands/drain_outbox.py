"""``manage.py drain_outbox``: deliver kwflow's due notifications, once.

Claims the due notifications for one lease, records one `Delivery` per
recipient (the notifications page shows them) and acknowledges each. Run it
from cron or a systemd timer every few minutes; two drainers at once never
get the same notification within a lease, and a delivery that was made but
not acknowledged is not made twice (one per notification and person).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from casework import cases, outbox
from casework.models import Delivery


class Command(BaseCommand):
    help = "Deliver the due notifications of kwflow's outbox."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=100, help="most notifications per round")

    def handle(self, *args: Any, **options: Any) -> None:
        engine = cases.engine()
        if not outbox.available(engine):
            raise CommandError(
                "this kwflow has no notification outbox (Engine.claim_notifications)"
            )
        delivered = 0
        for notification in outbox.claim(engine, timezone.now(), options["limit"]):
            with transaction.atomic():
                for person in notification.recipients:
                    Delivery.objects.get_or_create(
                        person_id=person,
                        notification_key=notification.key,
                        defaults={
                            "case_id": notification.case_id,
                            "text_cs": notification.text["cs"],
                            "text_en": notification.text["en"],
                            "due": notification.due,
                        },
                    )
            outbox.ack(engine, notification)
            delivered += 1
        self.stdout.write(f"delivered {delivered}")
