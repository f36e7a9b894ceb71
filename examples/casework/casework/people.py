"""Django users as kwflow persons: their id, organisation and display name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

import kwflow

from .models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from kwflow.definition import Process


def person_id(user: AbstractBaseUser | AnonymousUser) -> str:
    """The id kwflow knows this user by (their username without a mapping)."""
    person = Person.objects.filter(user_id=user.pk).first()
    return person.person_id if person is not None else str(user.get_username())


def organisation(person: str, process: Process) -> kwflow.Organisation | None:
    """The person's organisation, if the process knows organisations of its kind.

    A process without that kind (version 1 files have none) takes no
    organisation; kwflow decides whether a role needs one.
    """
    record = Person.objects.filter(person_id=person).first()
    if record is None or not record.organisation_id:
        return None
    if process.organisation_kind(record.organisation_kind) is None:
        return None
    return kwflow.Organisation(record.organisation_id, record.organisation_kind)


def display_names() -> dict[str, str]:
    """Person id -> the name to show (the user's full name, else the id)."""
    names: dict[str, str] = {}
    for record in Person.objects.select_related("user"):
        full = record.user.get_full_name()
        names[record.person_id] = full or record.person_id
    return names


def known_people() -> list[tuple[str, str]]:
    """(person id, name) of every user, for the assignment forms."""
    names = display_names()
    for user in get_user_model().objects.all():
        names.setdefault(person_id(user), str(user.get_username()))
    return sorted(names.items(), key=lambda item: item[1])
