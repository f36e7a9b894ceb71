"""``manage.py casework_demo``: the demo users (with a printed password) and cases."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from casework import cases, demo


class Command(BaseCommand):
    help = "Create the demo users and cases (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password",
            default=os.environ.get("CASEWORK_DEMO_PASSWORD", "kwflow-demo"),
            help="the password every demo user gets",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = demo.make_users(options["password"])
        made = demo.make_cases(cases.engine())
        self.stdout.write("Demo users / ukázkoví uživatelé: " + ", ".join(names))
        self.stdout.write(f"Password / heslo: {options['password']}")
        self.stdout.write("New cases / nové případy: " + (", ".join(made) or "-"))
