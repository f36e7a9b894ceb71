"""Who may read what of a case: participants by their roles, others by a granted capability.

Reads are scoped to a person (docs/data-protection.md). A person who takes
part in a case reads what the roles they hold may read: a document whose
``read`` (or ``write``) lists one of their roles whole, a document whose
``read_fields`` lists one of them only those fields, nothing else. A person
who takes no part reads nothing of the case (`NotPermitted`, reason
``not_a_participant``) unless the host grants them a `Capability`:

- ``supervision`` (a team leader, a methodologist of the office): reads the
  case as the holder of the process's opener role does (the referrer, the
  convener: OSPOD), together with what their own roles in the case give.
  So a supervisor sees what the authority sees, never a document the
  process keeps from the authority (the coordinator's preparation notes).
- ``audit`` (the data-protection officer, a complaint inquiry): reads every
  document whole.

Capabilities are kwflow's, not the process file's: a host maps its own
staff rights onto these two and nothing else widens a read. Every read a
capability allows is logged with it, like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from kwflow.exceptions import InvalidValue, NotPermitted, Reason, ReasonCode
from kwflow.history import FrozenMap

if TYPE_CHECKING:
    from ._artifacts import ArtifactSchema
    from ._compiled import CompiledProcess
    from ._records import Case

__all__ = [
    "Capability",
    "Grants",
    "Reader",
    "capabilities_of",
    "reader_of",
    "visible_data",
]


class Capability(StrEnum):
    """A right to read cases one takes no part in, granted by the host."""

    SUPERVISION = "supervision"
    """Read a case as the process's opener role (the authority) reads it."""
    AUDIT = "audit"
    """Read every document of a case, whole."""


Grants: TypeAlias = (
    Mapping[str, Iterable["Capability | str"]] | Callable[[str, str], Iterable["Capability | str"]]
)
"""What a host grants: person -> capabilities, or a function of (person, case id)
giving them (so a host can grant supervision of its own team's cases only)."""

PARTICIPANT = "participant"
"""The access of a person who reads through the roles they hold, and nothing more."""


def capabilities_of(grants: Grants | None, person: str, case_id: str) -> frozenset[Capability]:
    """The capabilities ``grants`` gives ``person`` for ``case_id``.

    Raises `InvalidValue` for a capability kwflow does not declare (a typo
    must never widen or silently narrow a read).
    """
    if grants is None:
        return frozenset()
    given = grants(person, case_id) if callable(grants) else grants.get(person, ())
    found = set()
    for capability in given or ():
        try:
            found.add(Capability(capability))
        except ValueError:
            known = ", ".join(c.value for c in Capability)
            raise InvalidValue("capability", f"one of {known}", repr(capability)) from None
    return frozenset(found)


@attrs.frozen
class Reader:
    """One person reading one case: their roles and the rights they read with.

    ``access`` is how they came to read it: ``participant``, ``supervision``
    or ``audit``. ``reading_roles`` are the roles whose read rights apply
    (their own, plus the opener role under supervision); ``everything`` is
    true under audit.
    """

    person: str
    roles: tuple[str, ...]
    access: str
    reading_roles: frozenset[str]
    everything: bool = False

    def fields(self, schema: ArtifactSchema) -> frozenset[str] | None:
        """What of a document the reader sees: ``None`` all of it, else those fields.

        An empty set: nothing (the document is hidden).
        """
        if self.everything or not self.reading_roles.isdisjoint(schema.readers):
            return None
        shown: frozenset[str] = frozenset()
        for role in self.reading_roles:
            some = schema.field_readers.get(role)
            if some:
                shown |= some
        return shown


def reader_of(
    compiled: CompiledProcess,
    case: Case,
    person: str,
    grants: Grants | None,
    *,
    doing: str,
) -> Reader:
    """The `Reader` ``person`` is for ``case``; raises `NotPermitted` if they may read nothing.

    ``doing`` says in English what was refused ("read the case 'x'").
    """
    roles = case.participants.get(person, ())
    capabilities = capabilities_of(grants, person, case.id)
    if Capability.AUDIT in capabilities:
        return Reader(person, roles, Capability.AUDIT.value, frozenset(roles), everything=True)
    if Capability.SUPERVISION in capabilities:
        reading = frozenset(roles) | {compiled.process.opener}
        return Reader(person, roles, Capability.SUPERVISION.value, reading)
    if roles:
        return Reader(person, roles, PARTICIPANT, frozenset(roles))
    reason = Reason(
        ReasonCode.NOT_A_PARTICIPANT,
        f"{person!r} takes no part in the case and holds no capability to read it",
        params={"person": person, "reading": "true"},
    )
    raise NotPermitted(person, doing, [reason], kind="read", facts={"case_id": case.id})


def visible_data(data: Mapping[str, Any], fields: frozenset[str]) -> FrozenMap[str, Any]:
    """Only ``fields`` of a document's data (the rest is left out, not blanked)."""
    return FrozenMap({name: value for name, value in data.items() if name in fields})
