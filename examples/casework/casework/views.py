"""The screens: each asks kwflow, shows its answer, and sends commands back.

Every POST carries the case version the page was rendered from
(``expected_version``: a stale page is refused as a conflict, nothing
stored) and an idempotency key made when the form was rendered (a double
click stores once). Refusals are kwflow's `KwflowError`s, shown in the
user's language with their reasons or per-field errors.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import kwflow
from kwflow.exceptions import (
    ActionNotAllowed,
    ArtifactInvalid,
    CaseNotFound,
    ConcurrencyConflict,
    KwflowError,
    NotPermitted,
)

from . import cases, document_forms, outbox, people, screens
from .models import Delivery

if TYPE_CHECKING:
    from collections.abc import Callable

    from kwflow.definition import Artifact, Process

# The HTTP status a refusal answers with; the first class that fits wins.
_STATUS: list[tuple[type[KwflowError], int]] = [
    (NotPermitted, 403),
    (CaseNotFound, 404),
    (ArtifactInvalid, 422),
    (ConcurrencyConflict, 409),
    (ActionNotAllowed, 409),
]


def _lang() -> str:
    return "en" if (get_language() or "cs").startswith("en") else "cs"


def _status(error: KwflowError) -> int:
    return next((status for kind, status in _STATUS if isinstance(error, kind)), 400)


def _refusal(error: KwflowError, lang: str) -> dict[str, Any]:
    """A refusal as the template shows it: the message and every reason."""
    reasons = [reason.render(lang) for reason in getattr(error, "reasons", ()) or ()]
    return {
        "message": error.render(lang),
        "reasons": reasons,
        "conflict": isinstance(error, ConcurrencyConflict),
    }


def _key() -> str:
    """A fresh idempotency key, rendered into a form as a hidden field."""
    return uuid.uuid4().hex


def _posted_key(request: HttpRequest) -> str | None:
    """The form's idempotency key, or none (a form from before keys, a hand-made POST)."""
    return request.POST.get("idempotency_key") or None


class _Posted(TypedDict):
    """What every command on an existing case takes from its form."""

    expected_version: int | None
    idempotency_key: str | None


def _posted(request: HttpRequest) -> _Posted:
    """The case version the page was rendered from and the form's key, for ``**`` in a command.

    A version that is not a whole number is taken as none (no check), as
    from a form without the field.
    """
    raw = request.POST.get("expected_version", "")
    return _Posted(
        expected_version=int(raw) if raw.isdigit() else None,
        idempotency_key=_posted_key(request),
    )


# ------------------------------------------------------------------ lists


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Moje úkoly: the cases with something for this person now."""
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    items = []
    for item in engine.inbox(person):
        data = item.to_dict()
        process = engine.registry.get(
            data["case"]["process"]["id"], data["case"]["process"]["version"]
        )
        items.append(
            {
                "case_id": data["case"]["id"],
                "process": screens.text(data["case"]["process"]["title"], lang),
                "phase": screens.text(data["case"]["phase"]["label"], lang),
                "actions": [screens.text(action["label"], lang) for action in data["actions"]],
                "deadlines": [
                    {
                        "label": screens.text(process.deadline(d["id"]).label, lang)
                        if process.deadline(d["id"])
                        else d["id"],
                        "status": d["status"],
                        "status_text": screens.deadline_status(d["status"]),
                        "due": screens.local(d.get("due"), process.timezone),
                    }
                    for d in data["deadlines"]
                ],
                "breached": data["breached"],
            }
        )
    return render(request, "casework/inbox.html", {"items": items, "person": person})


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The person's cases, filtered by process, phase, open and role, from the case index."""
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    registry = engine.registry
    filters: dict[str, Any] = {"person": person, "limit": 50}
    chosen = {name: request.GET.get(name, "") for name in ("process", "phase", "open", "role")}
    if chosen["process"]:
        filters["process"] = chosen["process"]
    if chosen["phase"]:
        filters["phase"] = chosen["phase"]
    if chosen["role"]:
        filters["role"] = chosen["role"]
    if chosen["open"] in ("yes", "no"):
        filters["open"] = chosen["open"] == "yes"
    if request.GET.get("after"):
        filters["after"] = request.GET["after"]
    error = None
    summaries: list[kwflow.CaseSummary] = []
    try:
        summaries = engine.find_cases(**filters)
    except KwflowError as refused:
        error = _refusal(refused, lang)
    processes = [registry.get(process_id) for process_id in registry.ids()]
    rows = []
    for summary in summaries:
        data = summary.to_dict()
        mine = next((p["roles"] for p in data["participants"] if p["person"] == person), [])
        rows.append(
            {
                "id": data["id"],
                "process": screens.text(data["process"]["title"], lang),
                "phase": screens.text(data["phase"]["label"], lang),
                "open": data["open"],
                "suspended": data["suspended"],
                "roles": ", ".join(screens.text(role["label"], lang) for role in mine),
                "updated": screens.local(data["updated_at"], settings.TIME_ZONE),
            }
        )
    context = {
        "rows": rows,
        "error": error,
        "chosen": chosen,
        "processes": [(p.id, screens.text(p.title, lang)) for p in processes],
        "phases": _choices(
            (info.phase.id, screens.text(info.phase.label, lang))
            for p in processes
            for info in p.all_phases()
        ),
        "roles": _choices(
            (role.id, screens.text(role.label, lang)) for p in processes for role in p.roles
        ),
        "next_page": summaries[-1].cursor if len(summaries) == filters["limit"] else "",
        "key": _key(),
    }
    return render(request, "casework/case_list.html", context, status=400 if error else 200)


def _choices(pairs: Any) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for value, label in pairs:
        seen.setdefault(value, label)
    return sorted(seen.items(), key=lambda item: item[1])


@login_required
@require_POST
def open_case(request: HttpRequest) -> HttpResponse:
    """Open a case of a process, the user in its opener role."""
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    process_id = request.POST.get("process", "")
    try:
        process = engine.registry.get(process_id)
        case = engine.execute(
            kwflow.OpenCase(
                process=process_id,
                by=person,
                organisation=people.organisation(person, process),
                idempotency_key=_posted_key(request),
            )
        )
    except KwflowError as refused:
        messages.error(request, _refusal(refused, lang)["message"])
        return redirect("case_list")
    return redirect("case_detail", case_id=case.id)


# ------------------------------------------------------------------ the case page


def _case_context(
    request: HttpRequest, case_id: str, *, refusal: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the case page shows this person (raises kwflow's refusals)."""
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    view = engine.view(case_id, person).to_dict()
    process = engine.registry.get(view["process"]["id"], view["process"]["version"])
    options = engine.available_actions(case_id, person)
    names = people.display_names()
    mine = screens.my_roles(view)
    actions = []
    for option in options:
        action = process.action(option.action)
        actions.append(
            {
                "id": option.action,
                "label": screens.text(option.label, lang),
                "allowed": option.allowed,
                "reasons": [reason.render(lang) for reason in option.reasons],
                "records": bool(action and action.records),
            }
        )
    holders = {role["id"]: role["people"] for role in view["roles"]}
    assignable = [
        (role.id, screens.text(role.label, lang))
        for role in process.roles
        if set(role.assigned_by) & mine
    ]
    handovers = [
        {
            "role": role.id,
            "role_label": screens.text(role.label, lang),
            "person": holder,
            "name": names.get(holder, holder),
        }
        for role in process.roles
        if set(role.replaced_by) & mine
        for holder in holders.get(role.id, [])
    ]
    # Who may take a role away is who may assign it (the file's `assigned_by`);
    # a role already at its `min` holders is not offered, kwflow would refuse.
    removable = [
        {
            "role": role.id,
            "role_label": screens.text(role.label, lang),
            "person": holder,
            "name": names.get(holder, holder),
        }
        for role in process.roles
        if set(role.assigned_by) & mine and len(holders.get(role.id, [])) > role.min
        for holder in holders.get(role.id, [])
    ]
    on_call = screens.effective(process, view["phase"]["id"], "on_call") or ()
    # The view names each called-in role ({id, label}); only someone present
    # in the phase calls a role in or sends it out, so nobody else is offered to.
    called_in = [role["id"] for role in view["called_in"]]
    present = screens.is_present(process, view)
    follow_ups = (
        [
            (candidate.id, screens.text(candidate.title, lang))
            for candidate in screens.follow_up_processes(engine.registry, process, view["outcome"])
        ]
        if view["closed"]
        else []
    )
    return {
        "case": view,
        "case_id": case_id,
        "version": view["version"],
        "lang": lang,
        "title": screens.text(view["process"]["title"], lang),
        "phase_path": " / ".join(
            screens.text(step["label"], lang) for step in view["phase"]["path"]
        ),
        "my_roles": ", ".join(screens.text(role["label"], lang) for role in view["person_roles"]),
        "participants": [
            {
                "name": names.get(p["person"], p["person"]),
                "person": p["person"],
                "roles": ", ".join(screens.text(role["label"], lang) for role in p["roles"]),
                "organisation": next(
                    (
                        f"{o['id']} ({screens.text(o['kind']['label'], lang)})"
                        for o in view["organisations"]
                        if o["person"] == p["person"]
                    ),
                    "",
                ),
            }
            for p in view["participants"]
        ],
        "outcome": view["outcome"],
        "suspension": view["suspension"],
        "documents": screens.documents(process, view, lang),
        "hidden": [screens.text(h["label"], lang) for h in view["hidden"]],
        "deadlines": screens.deadlines(process, view, lang),
        "timeline": screens.timeline(process, engine.history_for(case_id, person), lang),
        "actions": actions,
        "writable": [
            (artifact.id, screens.text(artifact.label, lang))
            for artifact in screens.writable_documents(process, view)
        ],
        "assignable": assignable,
        "handovers": handovers,
        "removable": removable,
        "call_in": [
            (role_id, screens.text(process.role(role_id).label, lang))
            for role_id in on_call
            if present and process.role(role_id) and role_id not in called_in
        ],
        "dismissable": [
            (role_id, screens.text(process.role(role_id).label, lang))
            for role_id in called_in
            if present and process.role(role_id)
        ],
        "follow_ups": follow_ups,
        "known_people": people.known_people(),
        "key": _key(),
        "refusal": refusal,
    }


def _case_page(
    request: HttpRequest, case_id: str, refusal: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        context = _case_context(request, case_id, refusal=refusal)
    except NotPermitted:
        return render(request, "casework/not_yours.html", {"case_id": case_id}, status=403)
    except CaseNotFound as missing:
        raise Http404(case_id) from missing
    return render(request, "casework/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case as this person may see it, and what they may do in it."""
    return _case_page(request, case_id)


def _command(
    request: HttpRequest, case_id: str, command: Callable[[], kwflow.Command]
) -> HttpResponse:
    """Execute a command from the case page: back to the page, or the page with the refusal.

    ``command`` makes the record: kwflow checks its fields as it is made
    (a blank reason, an empty id), and refuses those with its errors too.
    """
    try:
        cases.engine().execute(command())
    except KwflowError as refused:
        return _case_page(request, case_id, _refusal(refused, _lang()), status=_status(refused))
    messages.success(request, _("Done."))
    return redirect("case_detail", case_id=case_id)


@login_required
@require_POST
def act(request: HttpRequest, case_id: str) -> HttpResponse:
    """Take an action that records no document."""
    person = people.person_id(request.user)
    return _command(
        request,
        case_id,
        lambda: kwflow.Act(
            case_id=case_id,
            action=request.POST.get("action", ""),
            by=person,
            **_posted(request),
        ),
    )


@login_required
@require_POST
def assign(request: HttpRequest, case_id: str) -> HttpResponse:
    """Assign a person to a role."""
    person = people.person_id(request.user)
    assignee = request.POST.get("person", "")
    process = cases.engine().process_of(case_id)
    return _command(
        request,
        case_id,
        lambda: kwflow.Assign(
            case_id=case_id,
            person=assignee,
            role=request.POST.get("role", ""),
            by=person,
            organisation=people.organisation(assignee, process),
            **_posted(request),
        ),
    )


def _role_and_holder(request: HttpRequest, select: str) -> tuple[str, str]:
    """The role and its holder a form names: its one select (``role|holder``), or two fields."""
    role, _, holder = request.POST.get(select, "").partition("|")
    return role or request.POST.get("role", ""), holder or request.POST.get("person", "")


@login_required
@require_POST
def handover(request: HttpRequest, case_id: str) -> HttpResponse:
    """Hand a role over from its holder to a successor, with a reason."""
    person = people.person_id(request.user)
    successor = request.POST.get("successor", "")
    process = cases.engine().process_of(case_id)
    role, holder = _role_and_holder(request, "handover")
    return _command(
        request,
        case_id,
        lambda: kwflow.Replace(
            case_id=case_id,
            role=role,
            person=holder,
            successor=successor,
            by=person,
            reason=request.POST.get("reason", ""),
            organisation=people.organisation(successor, process),
            **_posted(request),
        ),
    )


@login_required
@require_POST
def unassign(request: HttpRequest, case_id: str) -> HttpResponse:
    """Take a role away from one of its holders."""
    person = people.person_id(request.user)
    role, holder = _role_and_holder(request, "unassign")
    return _command(
        request,
        case_id,
        lambda: kwflow.Unassign(
            case_id=case_id,
            person=holder,
            role=role,
            by=person,
            **_posted(request),
        ),
    )


@login_required
@require_POST
def call_in(request: HttpRequest, case_id: str) -> HttpResponse:
    """Call an on-call role in, or dismiss one called in."""
    person = people.person_id(request.user)
    role = request.POST.get("role", "")
    record: type[kwflow.CallIn | kwflow.Dismiss] = (
        kwflow.Dismiss if request.POST.get("dismiss") else kwflow.CallIn
    )
    return _command(
        request,
        case_id,
        lambda: record(
            case_id=case_id,
            role=role,
            by=person,
            **_posted(request),
        ),
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, case_id: str) -> HttpResponse:
    """Open a follow-up case (a control conference) of an ended case."""
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    process_id = request.POST.get("process", "")
    try:
        process = engine.registry.get(process_id)
        case = engine.execute(
            kwflow.OpenCase(
                process=process_id,
                by=person,
                follows=case_id,
                organisation=people.organisation(person, process),
                idempotency_key=_posted_key(request),
            )
        )
    except KwflowError as refused:
        return _case_page(request, case_id, _refusal(refused, lang), status=_status(refused))
    messages.success(request, _("Follow-up case opened."))
    return redirect("case_detail", case_id=case.id)


# ------------------------------------------------------------------ documents


def _document_page(
    request: HttpRequest,
    case_id: str,
    artifact: Artifact,
    process: Process,
    *,
    action: str | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    refusal: dict[str, Any] | None,
    version: int,
    key: str,
    about: str,
    status: int = 200,
) -> HttpResponse:
    lang = _lang()
    engine = cases.engine()
    view = engine.view(case_id, people.person_id(request.user)).to_dict()
    names = people.display_names()
    case_people = [
        (p["person"], names.get(p["person"], p["person"]), tuple(r["id"] for r in p["roles"]))
        for p in view["participants"]
    ]
    inputs = document_forms.form_inputs(
        artifact,
        lang=lang,
        timezone=process.timezone,
        values=values,
        errors=errors,
        people=case_people,
    )
    about_choices = (
        [(p, name) for p, name, roles in case_people if set(roles) & set(artifact.per_person)]
        if artifact.per_person
        else []
    )
    action_label = ""
    if action is not None:
        found = process.action(action)
        action_label = screens.text(found.label, lang) if found else action
    return render(
        request,
        "casework/document_form.html",
        {
            "case_id": case_id,
            "artifact": artifact.id,
            "label": screens.text(artifact.label, lang),
            "description": screens.text(artifact.description, lang),
            "inputs": inputs,
            "refusal": refusal,
            "version": version,
            "key": key,
            "action": action,
            "action_label": action_label,
            "about_choices": about_choices,
            "about": about,
        },
        status=status,
    )


def _latest_values(case_id: str, person: str, artifact_id: str, about: str) -> dict[str, Any]:
    view = cases.engine().view(case_id, person)
    latest = view.latest(artifact_id, about=about) if about else view.latest(artifact_id)
    return dict(latest.data) if latest is not None else {}


@login_required
def document(request: HttpRequest, case_id: str, artifact_id: str) -> HttpResponse:
    """A document's form (GET) and its submission (POST)."""
    return _document_or_action(request, case_id, artifact_id, action=None)


@login_required
def action_form(request: HttpRequest, case_id: str, action_id: str) -> HttpResponse:
    """An action that records a document: its form, and taking it with the data."""
    engine = cases.engine()
    try:
        process = engine.process_of(case_id)
    except CaseNotFound as missing:
        raise Http404(case_id) from missing
    action = process.action(action_id)
    if action is None or action.records is None:
        raise Http404(action_id)
    return _document_or_action(request, case_id, action.records, action=action_id)


def _document_or_action(
    request: HttpRequest, case_id: str, artifact_id: str, *, action: str | None
) -> HttpResponse:
    lang = _lang()
    person = people.person_id(request.user)
    engine = cases.engine()
    try:
        view = engine.view(case_id, person)
    except NotPermitted:
        return render(request, "casework/not_yours.html", {"case_id": case_id}, status=403)
    except CaseNotFound as missing:
        raise Http404(case_id) from missing
    process = engine.process_of(case_id)
    artifact = process.artifact(artifact_id)
    if artifact is None:
        raise Http404(artifact_id)
    about = request.POST.get("about", "") or request.GET.get("about", "")
    if request.method != "POST":
        values = {} if action else _latest_values(case_id, person, artifact_id, about)
        return _document_page(
            request,
            case_id,
            artifact,
            process,
            action=action,
            values=values,
            errors={},
            refusal=None,
            version=view.version,
            key=_key(),
            about=about,
        )
    values = document_forms.posted_values(artifact, request.POST)
    data = document_forms.document_data(artifact, values, process.timezone)
    try:
        command: kwflow.Command
        if action is None:
            command = kwflow.Submit(
                case_id=case_id,
                artifact=artifact_id,
                data=data,
                by=person,
                about=about or None,
                **_posted(request),
            )
        else:
            command = kwflow.Act(
                case_id=case_id,
                action=action,
                by=person,
                data=data,
                **_posted(request),
            )
        engine.execute(command)
    except KwflowError as refused:
        errors = (
            document_forms.errors_by_path(refused.errors, lang)
            if isinstance(refused, ArtifactInvalid)
            else {}
        )
        # Nothing the user typed is lost: the form comes back with their
        # values, the case's version now (a conflict shows what changed on
        # the case page; sending again is their decision) and the same key.
        return _document_page(
            request,
            case_id,
            artifact,
            process,
            action=action,
            values=values,
            errors=errors,
            refusal=_refusal(refused, lang),
            version=engine.view(case_id, person).version,
            key=_posted_key(request) or _key(),
            about=about,
            status=_status(refused),
        )
    messages.success(request, _("Saved."))
    return redirect("case_detail", case_id=case_id)


# ------------------------------------------------------------------ notifications


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """What the outbox delivered to this person."""
    lang = _lang()
    person = people.person_id(request.user)
    deliveries = [
        {
            "case_id": d.case_id,
            "text": d.text_en if lang == "en" else d.text_cs,
            "due": screens.local(d.due, settings.TIME_ZONE) if d.due else "",
            "delivered": screens.local(d.delivered_at, settings.TIME_ZONE),
        }
        for d in Delivery.objects.filter(person_id=person)[:200]
    ]
    return render(
        request,
        "casework/notifications.html",
        {"deliveries": deliveries, "outbox": outbox.available(cases.engine())},
    )
