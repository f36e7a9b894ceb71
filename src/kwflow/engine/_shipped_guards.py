"""The guards the shipped processes name, as kwflow implements them.

A process file names a guard for a check its declarative rules cannot say.
The shipped family conference names two, the case conference (version 2)
one, and they need nothing but what the case holds (the referral's answers,
the agreed review date, the attendance list, the time), so
kwflow ships reference implementations: an `Engine` uses them for cases of
those processes unless the host registers a guard of the same name.

They are keyed by process id, not by version: a later version keeps the
meaning of its guards, and so does a provider's variant made by an overlay
(its id is the base's, ``__`` and a name; see `variant_base_id`). A variant
that drops a field a guard reads gets a refusal saying so, never a crash.
"""

from __future__ import annotations

import calendar
import zoneinfo
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from kwflow.definition import Label, variant_base_id
from kwflow.history import FrozenMap

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._authorization import Guard
    from ._records import GuardContext

__all__ = [
    "REVIEW_MONTHS_OTHERWISE",
    "REVIEW_MONTHS_UNDER_SEVEN",
    "SHIPPED_GUARDS",
    "absences_decided",
    "child_safe_to_attend",
    "months_later",
    "review_date_within_period",
    "shipped_guards",
]

REVIEW_MONTHS_UNDER_SEVEN = 6
"""How far the (next) review of a family plan may be, at most, for a child under 7."""

REVIEW_MONTHS_OTHERWISE = 12
"""How far the (next) review of a family plan may be, at most, for an older child."""


def child_safe_to_attend(context: GuardContext) -> bool | Label:
    """Every child assigned to the case may attend: the referrer did not judge it unsafe.

    A case without a child in the ``child`` role passes. Otherwise the
    referral's ``child_attendance`` decides: ``whole`` or ``in_part`` pass,
    ``not_safe`` (or no answer) refuses.
    """
    case = context.case
    if not case.people_in("child"):
        return True
    referral = case.latest("referral")
    attendance = referral.data.get("child_attendance") if referral is not None else None
    if attendance is None:
        return Label(
            cs="zadání neříká, zda se dítě může konference bezpečně účastnit",
            en="the referral does not say whether the child may safely attend",
        )
    if attendance == "not_safe":
        return Label(
            cs="zadavatel posoudil, že účast pro dítě není bezpečná",
            en="the referrer judged that attending is not safe for the child",
        )
    return True


def absences_decided(context: GuardContext) -> bool | Label:
    """Nobody on the attendance list is absent, or the organizer decided to go ahead.

    "Nobody absent" is read from the list itself (every attendee ``present``),
    so it can never disagree with it; only when someone is absent must the
    attendance's ``absence_decision`` be ``proceed``.
    """
    attendance = context.case.latest("attendance")
    if attendance is None:
        return Label(cs="prezence není zapsaná", en="the attendance is not recorded")
    attendees = attendance.data.get("attendees") or ()
    absent = [a.get("name", "?") for a in attendees if a.get("present") is not True]
    if not absent:
        return True
    if attendance.data.get("absence_decision") == "proceed":
        return True
    names = ", ".join(str(name) for name in absent)
    return Label(
        cs=f"chybí {names} a organizátor nezapsal, že se jedná i bez nich",
        en=f"{names} absent and the organizer did not record going ahead without them",
    )


# The artifact and field holding the agreed review date, per action naming the guard.
_REVIEW_DATE = {
    "approve_plan": ("approval_decision", "review_on"),
    "continue_plan": ("review_record", "next_review_on"),
}


def review_date_within_period(context: GuardContext) -> bool | Label:
    """The agreed (next) review is at most 6 months away for a child under 7, else 12.

    The date is the approval decision's ``review_on`` when the plan is
    approved, the review record's ``next_review_on`` when it continues;
    the child's age is the referral's ``child_age_band``. "Away" counts
    calendar months from today in the process's timezone; a month without
    the day (31 August + 6 months) ends on its last day (28 or 29 February).
    """
    case = context.case
    artifact, field = _REVIEW_DATE.get(context.action, _REVIEW_DATE["continue_plan"])
    source = case.latest(artifact)
    agreed = source.data.get(field) if source is not None else None
    if agreed is None:
        return Label(
            cs=f"není dohodnut den revize ({artifact}.{field} je prázdné)",
            en=f"no review date is agreed ({artifact}.{field} is empty)",
        )
    referral = case.latest("referral")
    age_band = referral.data.get("child_age_band") if referral is not None else None
    if age_band is None:
        return Label(
            cs="zadání neuvádí věk dítěte (child_age_band)",
            en="the referral does not give the child's age (child_age_band)",
        )
    if context.now is None:
        return Label(cs="čas rozhodnutí není znám", en="the time of the decision is not known")
    months = REVIEW_MONTHS_UNDER_SEVEN if age_band == "under_seven" else REVIEW_MONTHS_OTHERWISE
    today = context.now.astimezone(_zone(context.process.timezone)).date()
    latest_allowed = months_later(today, months)
    if date.fromisoformat(agreed) > latest_allowed:
        return Label(
            cs=(
                f"revize {agreed} je dál než {months} měsíců "
                f"(nejpozději {latest_allowed.isoformat()})"
            ),
            en=(
                f"the review on {agreed} is more than {months} months away "
                f"(at the latest {latest_allowed.isoformat()})"
            ),
        )
    return True


def months_later(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=16)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


SHIPPED_GUARDS: FrozenMap[str, FrozenMap[str, Guard]] = FrozenMap(
    {
        "family_conference": FrozenMap(
            {
                "child_safe_to_attend": child_safe_to_attend,
                "review_date_within_period": review_date_within_period,
            }
        ),
        "case_conference": FrozenMap({"absences_decided": absences_decided}),
    }
)
"""kwflow's guards by process id, then by the name the process file gives them."""

_NONE: FrozenMap[str, Guard] = FrozenMap({})


def shipped_guards(process_id: str) -> Mapping[str, Guard]:
    """The guards kwflow ships for the process ``process_id`` (empty for others).

    A provider's variant (``case_conference__provider``, made by an overlay)
    keeps the meaning of its base's guards, so it gets the base's.
    """
    found = SHIPPED_GUARDS.get(process_id)
    if found is None:
        base = variant_base_id(process_id)
        found = SHIPPED_GUARDS.get(base) if base is not None else None
    return _NONE if found is None else found
