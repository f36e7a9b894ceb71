"""``process_definitions()``: random process definitions that are valid by construction.

A generated process is built the way a methodologist would build one, so the
static checks hold without filtering:

- roles: the first is the opener; every other role may be assigned by the
  opener (and perhaps by others), so every role can be held; exclusivity is
  declared on both sides;
- phases: a chain of top-level phases, some compound (with a chain of
  sub-phases, the first one initial), then one to three terminal phases;
- a *spine* of actions leads from every leaf to the next and from the last to
  an outcome, so every phase is reachable and every case can end; each
  other outcome gets an action from some phase; extra actions jump forward,
  back, or stay (recording a step);
- every action is taken by a role present (or on call) where it may be taken;
  what it requires can be written in that same phase by someone present
  there, and field conditions are ones a writer can meet;
- deadlines run from a spine action (or a date field) to a later one;
- sometimes a suspension phase (``on_hold``, its deadlines paused or
  running) that an action enters from some phases, a resume action leaves
  and perhaps another action closes.

The draws are small integers and choices, so hypothesis shrinks a failing
definition to a short one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from kwflow.definition import (
    FIELD_TYPES,
    BoolField,
    DateField,
    DateTimeField,
    EnumField,
    FieldTypeTable,
    IntField,
    ListField,
    MoneyField,
    PersonField,
    Process,
    TextField,
    field_type_name,
)
from kwflow.exceptions import InvalidValue

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["FIELD_DRAWS", "SCALAR_TYPES", "FieldDraws", "process_definitions"]

ROLE_NAMES = ("worker", "coordinator", "parent", "child", "expert", "advocate")
ROLE_KINDS = ("authority", "independent", "family", "child", "professional", "support")
PHASE_NAMES = (
    "intake",
    "planning",
    "meeting",
    "review",
    "decision",
    "follow_up",
    "assessment",
    "support",
)
OUTCOME_NAMES = ("closed", "withdrawn", "referred_elsewhere")
PERIOD_UNITS = ("minutes", "hours", "days", "weeks", "months", "working_days")


def _label(name: str) -> dict[str, str]:
    words = name.replace("_", " ")
    return {"cs": f"{words} (cs)", "en": words.capitalize()}


class _Builder:
    """Accumulates one process as plain data, then validates it into a :class:`Process`."""

    def __init__(self, draw: st.DrawFn, *, max_phases: int, invariants: bool) -> None:
        self.draw = draw
        self.max_phases = max_phases
        self.with_invariants = invariants
        self.roles: list[dict[str, Any]] = []
        self.artifacts: list[dict[str, Any]] = []
        self.phases: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.deadlines: list[dict[str, Any]] = []
        self.guards: list[str] = []
        # leaf id -> (present roles, on-call roles, writable artifacts or None)
        self.leaf_present: dict[str, frozenset[str]] = {}
        self.leaf_on_call: dict[str, frozenset[str]] = {}
        self.leaf_artifacts: dict[str, frozenset[str] | None] = {}
        self.leaf_parent: dict[str, str | None] = {}
        self.leaves: list[str] = []  # non-terminal leaves, in spine order
        self.terminals: list[str] = []

    # -- roles

    def build_roles(self) -> None:
        draw = self.draw
        count = draw(st.integers(2, 4))
        names = ROLE_NAMES[:count]
        for index, name in enumerate(names):
            minimum = draw(st.sampled_from((0, 0, 1, 2))) if index else 1
            maximum = draw(st.sampled_from((None, None, 1, 2, 3)))
            if maximum is not None and maximum < minimum:
                maximum = minimum
            assigners = ["worker"]
            if index and draw(st.booleans()):
                assigners.append(draw(st.sampled_from(names[: index + 1])))
            role: dict[str, Any] = {
                "id": name,
                "label": _label(name),
                "kind": ROLE_KINDS[index],
                "min": minimum,
                "max": maximum,
                "exclusive_with": [],
                "assigned_by": sorted(set(assigners)) if index else [],
            }
            self.roles.append(role)
        for i in range(count):
            for j in range(i + 1, count):
                if draw(st.integers(0, 3)) == 0:
                    self.roles[i]["exclusive_with"].append(names[j])
                    self.roles[j]["exclusive_with"].append(names[i])

    @property
    def role_ids(self) -> list[str]:
        return [r["id"] for r in self.roles]

    # -- artifacts

    def build_artifacts(self) -> None:
        draw = self.draw
        for index in range(draw(st.integers(0, 3))):
            name = f"document_{index}"
            fields = [self.field(f"field_{k}", nested=True) for k in range(draw(st.integers(1, 4)))]
            writers = draw(
                st.lists(st.sampled_from(self.role_ids), min_size=1, max_size=2, unique=True)
            )
            readers = draw(st.lists(st.sampled_from(self.role_ids), max_size=2, unique=True))
            artifact: dict[str, Any] = {
                "id": name,
                "label": _label(name),
                "fields": fields,
                "write": writers,
                "read": [r for r in readers if r not in writers],
            }
            # Some of the other roles read only some fields (read_fields).
            others = [r for r in self.role_ids if r not in writers and r not in readers]
            partial = draw(st.lists(st.sampled_from(others), max_size=1)) if others else []
            if partial:
                ids = [f["id"] for f in fields]
                some = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
                artifact["read_fields"] = [{"role": partial[0], "fields": some}]
            self.artifacts.append(artifact)

    def field(self, name: str, *, nested: bool) -> dict[str, Any]:
        """One field of an artifact (``nested``: it may be a list of records)."""
        draw = self.draw
        kinds = FIELD_TYPES if nested else SCALAR_TYPES
        kind = draw(st.sampled_from(kinds))
        field: dict[str, Any] = {
            "id": name,
            "label": _label(name),
            "type": kind,
            "required": draw(st.booleans()),
        }
        FIELD_DRAWS.named(kind).details(self, field)
        return field

    # -- phases

    def _presence(self) -> tuple[list[str] | None, list[str], list[str] | None]:
        """(present, on_call, artifacts) of a phase: each left out (None, []) or drawn."""
        draw = self.draw
        roles = self.role_ids
        present: list[str] | None = None
        on_call: list[str] = []
        if draw(st.integers(0, 2)) == 0:
            present = draw(st.lists(st.sampled_from(roles), min_size=1, unique=True))
            absent = [r for r in roles if r not in present]
            some_on_call: bool = draw(st.booleans())
            if absent and some_on_call:
                on_call = draw(st.lists(st.sampled_from(absent), min_size=1, unique=True))
        artifacts: list[str] | None = None
        if self.artifacts and draw(st.integers(0, 3)) == 0:
            artifacts = draw(
                st.lists(st.sampled_from([a["id"] for a in self.artifacts]), unique=True)
            )
        return present, on_call, artifacts

    def build_phases(self) -> None:
        draw = self.draw
        count = draw(st.integers(1, self.max_phases))
        all_roles = frozenset(self.role_ids)
        for index in range(count):
            name = PHASE_NAMES[index]
            present, on_call, artifacts = self._presence()
            if index == 0:
                # The opener must be present where a case starts.
                if present is not None and "worker" not in present:
                    present = [*present, "worker"]
                on_call = [r for r in on_call if r != "worker"]
            phase: dict[str, Any] = {"id": name, "label": _label(name)}
            if index == 0:
                phase["initial"] = True
            if present is not None:
                phase["present"] = present
            if on_call:
                phase["on_call"] = on_call
            if artifacts is not None:
                phase["artifacts"] = artifacts
            here = frozenset(present) if present is not None else all_roles
            allowed = frozenset(artifacts) if artifacts is not None else None
            subs = draw(st.integers(0, 3)) if index else 0
            if subs >= 2:
                phase["phases"] = []
                for k in range(subs):
                    sub_name = f"{name}_part_{k}"
                    sub: dict[str, Any] = {"id": sub_name, "label": _label(sub_name)}
                    if k == 0:
                        sub["initial"] = True
                    sub_present, sub_on_call, sub_artifacts = self._presence()
                    leaf_present = frozenset(sub_present) if sub_present is not None else here
                    if sub_present is not None:
                        sub["present"] = sub_present
                    # On call is inherited from the parent too; never both present and on call.
                    parent_on_call = frozenset(on_call)
                    sub_on_call = [r for r in sub_on_call if r not in parent_on_call]
                    if sub_present is None:
                        sub_on_call = []
                    if sub_on_call:
                        sub["on_call"] = sub_on_call
                    if parent_on_call & leaf_present:
                        # The parent's on-call roles must stay absent in every part.
                        leaf_present -= parent_on_call
                        if not leaf_present:
                            leaf_present = here
                            sub.pop("present", None)
                            sub.pop("on_call", None)
                            sub_on_call = []
                        else:
                            sub["present"] = sorted(leaf_present)
                    if sub_artifacts is not None:
                        sub["artifacts"] = sub_artifacts
                    phase["phases"].append(sub)
                    self.leaf_present[sub_name] = leaf_present
                    self.leaf_on_call[sub_name] = frozenset(sub_on_call) | parent_on_call
                    self.leaf_artifacts[sub_name] = (
                        frozenset(sub_artifacts) if sub_artifacts is not None else allowed
                    )
                    self.leaf_parent[sub_name] = name
                    self.leaves.append(sub_name)
            else:
                self.leaf_present[name] = here
                self.leaf_on_call[name] = frozenset(on_call)
                self.leaf_artifacts[name] = allowed
                self.leaf_parent[name] = None
                self.leaves.append(name)
            self.phases.append(phase)
        for index in range(draw(st.integers(1, len(OUTCOME_NAMES)))):
            name = OUTCOME_NAMES[index]
            self.phases.append({"id": name, "label": _label(name), "outcome": name})
            self.terminals.append(name)

    # -- actions

    def may_act(self, leaf: str) -> list[str]:
        """Roles that can be there to act in ``leaf``."""
        return sorted(self.leaf_present[leaf] | self.leaf_on_call[leaf])

    def _allowed(self, leaf: str, artifact_id: str) -> bool:
        allowed = self.leaf_artifacts[leaf]
        return allowed is None or artifact_id in allowed

    def writable_here(self, leaf: str) -> list[dict[str, Any]]:
        """Artifacts someone present in ``leaf`` may write there."""
        allowed = self.leaf_artifacts[leaf]
        return [
            a
            for a in self.artifacts
            if (allowed is None or a["id"] in allowed) and set(a["write"]) & self.leaf_present[leaf]
        ]

    def _requirements(self, leaf: str) -> dict[str, Any]:
        draw = self.draw
        requires: dict[str, Any] = {}
        available = self.writable_here(leaf)
        if available and draw(st.integers(0, 2)) == 0:
            artifact = draw(st.sampled_from(available))
            requires["artifacts"] = [artifact["id"]]
            condition = self._condition(artifact)
            if condition is not None and draw(st.booleans()):
                requires["fields"] = [condition]
        if draw(st.integers(0, 3)) == 0:
            requires["roles"] = draw(
                st.lists(st.sampled_from(self.role_ids), min_size=1, max_size=2, unique=True)
            )
        if draw(st.integers(0, 5)) == 0:
            guard = f"guard_{len(self.guards)}"
            self.guards.append(guard)
            requires["guards"] = [guard]
        return requires

    def _condition(self, artifact: dict[str, Any]) -> dict[str, Any] | None:
        """A condition on one of the artifact's fields that some version meets."""
        field = self.draw(st.sampled_from(artifact["fields"]))
        base = {"artifact": artifact["id"], "field": field["id"]}
        return FIELD_DRAWS.named(field["type"]).condition(self, field, base)

    def _action(
        self,
        name: str,
        from_: Sequence[str],
        to: str | None,
        *,
        requirements: bool,
        once: bool = True,
    ) -> dict[str, Any]:
        draw = self.draw
        leaves = [leaf for phase in from_ for leaf in self._leaves_of(phase)]
        by: list[str] = []
        for phase in from_:
            options = sorted({r for leaf in self._leaves_of(phase) for r in self.may_act(leaf)})
            by.append(draw(st.sampled_from(options)))
        by = sorted(set(by))
        action: dict[str, Any] = {"id": name, "label": _label(name), "from": list(from_), "by": by}
        if to is not None:
            action["to"] = to
        elif not once:
            action["once"] = False
        if requirements and len(leaves) == 1:
            requires = self._requirements(leaves[0])
            if requires:
                action["requires"] = requires
        return action

    def _leaves_of(self, phase: str) -> list[str]:
        return [leaf for leaf in self.leaves if leaf == phase or self.leaf_parent[leaf] == phase]

    def build_actions(self) -> None:
        draw = self.draw
        leaves = self.leaves
        compound = {p for p in self.leaf_parent.values() if p is not None}
        for index, leaf in enumerate(leaves):
            if index + 1 < len(leaves):
                target = leaves[index + 1]
                parent = self.leaf_parent[target]
                if (
                    parent is not None
                    and parent != self.leaf_parent[leaf]
                    and target == self._leaves_of(parent)[0]
                    and draw(st.booleans())
                ):
                    target = parent  # entering the compound phase enters its first part
            else:
                target = self.terminals[0]
            self.actions.append(self._action(f"step_{index}", [leaf], target, requirements=True))
        for k, terminal in enumerate(self.terminals[1:], 1):
            sources = sorted({*leaves, *compound})
            source = draw(st.sampled_from(sources))
            self.actions.append(self._action(f"end_{k}", [source], terminal, requirements=False))
        for k in range(draw(st.integers(0, 3))):
            source = draw(st.sampled_from(sorted({*leaves, *compound})))
            kind = draw(st.sampled_from(("jump", "stay", "stay_repeat")))
            if kind == "jump":
                target = draw(st.sampled_from(sorted({*leaves, *compound})))
                self.actions.append(self._action(f"jump_{k}", [source], target, requirements=True))
            else:
                self.actions.append(
                    self._action(
                        f"note_{k}", [source], None, requirements=True, once=kind == "stay"
                    )
                )
        self._record_some()

    def _record_some(self) -> None:
        """Let some stay actions record an artifact their roles may write there."""
        for action in self.actions:
            if "to" in action or self.draw(st.integers(0, 2)):
                continue
            leaves = [leaf for phase in action["from"] for leaf in self._leaves_of(phase)]
            options = [
                a
                for a in self.artifacts
                if all(self._allowed(leaf, a["id"]) for leaf in leaves)
                and set(action["by"]) <= set(a["write"])
            ]
            if options:
                action["records"] = self.draw(st.sampled_from(options))["id"]

    def build_suspension(self) -> None:
        """Perhaps a suspension phase, entered from some phases, resumed and perhaps closed."""
        draw = self.draw
        if draw(st.integers(0, 3)):
            return
        name = "on_hold"
        mode = draw(st.sampled_from(("pause", "run")))
        # Before the outcomes, after the course of the case: never the initial phase.
        self.phases.insert(
            len(self.phases) - len(self.terminals),
            {
                "id": name,
                "label": _label(name),
                "suspension": {"deadlines": mode},
                "artifacts": [],
            },
        )
        everyone = frozenset(self.role_ids)
        self.leaf_present[name] = everyone
        self.leaf_on_call[name] = frozenset()
        self.leaf_artifacts[name] = frozenset()
        self.leaf_parent[name] = None
        compound = {p for p in self.leaf_parent.values() if p is not None}
        sources = sorted({*self.leaves, *compound})
        from_ = sorted(set(draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3))))
        suspend = self._action("suspend", from_, name, requirements=False)
        if draw(st.booleans()):
            suspend["requires_presence"] = False
        self.actions.append(suspend)
        self.actions.append(
            {
                "id": "resume",
                "label": _label("resume"),
                "from": [name],
                "resume": True,
                "by": [draw(st.sampled_from(sorted(everyone)))],
            }
        )
        if draw(st.booleans()):
            self.actions.append(
                {
                    "id": "abandon",
                    "label": _label("abandon"),
                    "from": [name],
                    "to": draw(st.sampled_from(self.terminals)),
                    "by": [draw(st.sampled_from(sorted(everyone)))],
                }
            )

    # -- making every declaration count (the unused-* warnings)

    def use_everything(self) -> None:
        for artifact in self.artifacts:
            # An artifact nobody present can write anywhere gets the opener as a writer.
            if not any(artifact in self.writable_here(leaf) for leaf in self.leaves):
                artifact["write"] = sorted({*artifact["write"], "worker"})
                artifact["read"] = [r for r in artifact["read"] if r != "worker"]
                # A writer reads the whole document: it gives up a partial right.
                partial = [p for p in artifact.get("read_fields", ()) if p["role"] != "worker"]
                if partial:
                    artifact["read_fields"] = partial
                else:
                    artifact.pop("read_fields", None)
                if not any(artifact in self.writable_here(leaf) for leaf in self.leaves):
                    self.phases[0].pop("artifacts", None)
                    self.leaf_artifacts[self.leaves[0]] = None
        used_artifacts = {
            ref
            for action in self.actions
            for ref in (
                *action.get("requires", {}).get("artifacts", ()),
                *(c["artifact"] for c in action.get("requires", {}).get("fields", ())),
                action.get("records"),
            )
            if ref
        } | {a for phase in self._all_phases() for a in phase.get("artifacts", ())}
        for artifact in self.artifacts:
            if artifact["id"] not in used_artifacts:
                leaf = next(leaf for leaf in self.leaves if artifact in self.writable_here(leaf))
                writer = min(set(artifact["write"]) & self.leaf_present[leaf])
                name = f"record_{artifact['id']}"
                self.actions.append(
                    {
                        "id": name,
                        "label": _label(name),
                        "from": [leaf],
                        "by": [writer],
                        "records": artifact["id"],
                        "once": False,
                    }
                )
        used_roles = {"worker"}
        for role in self.roles:
            used_roles |= set(role["assigned_by"])
        for artifact in self.artifacts:
            used_roles |= {*artifact["write"], *artifact["read"]}
        for phase in self._all_phases():
            used_roles |= {*phase.get("present", ()), *phase.get("on_call", ())}
        for action in self.actions:
            used_roles |= {*action["by"], *action.get("requires", {}).get("roles", ())}
        for role_id in self.role_ids:
            if role_id not in used_roles:
                self.actions[0]["by"] = sorted({*self.actions[0]["by"], role_id})

    def _all_phases(self) -> list[dict[str, Any]]:
        return [*self.phases, *(sub for p in self.phases for sub in p.get("phases", ()))]

    # -- deadlines and invariants

    def build_deadlines(self) -> None:
        draw = self.draw
        spine = [a for a in self.actions if a["id"].startswith("step_")]
        for k in range(draw(st.integers(0, 2))):
            anchor_index = draw(st.integers(0, len(spine) - 1))
            satisfied = draw(st.sampled_from(spine[anchor_index + 1 :] or spine[-1:]))
            anchor: dict[str, Any] = {"action": spine[anchor_index]["id"]}
            dated = [
                (a["id"], f["id"])
                for a in self.artifacts
                for f in a["fields"]
                if FIELD_DRAWS.named(f["type"]).anchors
            ]
            direction = "after"
            if dated and draw(st.integers(0, 2)) == 0:
                artifact_id, field_id = draw(st.sampled_from(dated))
                anchor = {"field": {"artifact": artifact_id, "field": field_id}}
                satisfied = spine[-1]
                direction = draw(st.sampled_from(("after", "before")))
            elif satisfied is spine[anchor_index]:
                continue  # a one-leaf process has no later step to meet it
            unit = draw(st.sampled_from(PERIOD_UNITS))
            deadline: dict[str, Any] = {
                "id": f"deadline_{k}",
                "label": _label(f"deadline {k}"),
                "anchor": anchor,
                "direction": direction,
                "satisfied_by": [satisfied["id"]],
                "responsible": draw(st.sampled_from(self.role_ids)),
                "roll_to_working_day": draw(st.booleans()),
                "breach": _label("breach"),
            }
            which = draw(st.sampled_from(("target", "limit", "both")))
            if which in ("target", "both"):
                deadline["target"] = {unit: draw(st.integers(1, 10))}
            if which in ("limit", "both"):
                deadline["limit"] = {unit: draw(st.integers(1, 20))}
            with_planned: bool = draw(st.booleans())
            if dated and with_planned:
                # The planned moment of the satisfying step may be any dated field.
                artifact_id, field_id = draw(st.sampled_from(dated))
                deadline["planned"] = {"artifact": artifact_id, "field": field_id}
            self.deadlines.append(deadline)

    def build_invariants(self) -> list[dict[str, Any]]:
        draw = self.draw
        found: list[dict[str, Any]] = []
        phase_ids = [p["id"] for p in self._all_phases()]
        action_ids = [a["id"] for a in self.actions]
        for k in range(draw(st.integers(0, 3))):
            kind = draw(
                st.sampled_from(
                    (
                        "action_only_after",
                        "role_never_acts_in",
                        "artifact_present_on_entry",
                        "phase_entered_at_most_once",
                        "role_never_empty",
                        "only_actions_in",
                    )
                )
            )
            invariant: dict[str, Any] = {
                "id": f"invariant_{k}",
                "label": _label(f"invariant {k}"),
                "kind": kind,
            }
            if kind == "action_only_after":
                invariant["action"] = draw(st.sampled_from(action_ids))
                invariant["after"] = draw(st.sampled_from(action_ids))
            elif kind == "role_never_acts_in":
                invariant["role"] = draw(st.sampled_from(self.role_ids))
                invariant["phase"] = draw(st.sampled_from(phase_ids))
            elif kind == "artifact_present_on_entry":
                if not self.artifacts:
                    continue
                invariant["artifact"] = draw(st.sampled_from([a["id"] for a in self.artifacts]))
                invariant["phase"] = draw(st.sampled_from(phase_ids))
            elif kind == "role_never_empty":
                invariant["role"] = draw(st.sampled_from(self.role_ids))
            elif kind == "only_actions_in":
                invariant["phase"] = draw(st.sampled_from(phase_ids))
                invariant["actions"] = sorted(
                    set(draw(st.lists(st.sampled_from(action_ids), min_size=1, max_size=2)))
                )
            else:
                invariant["phase"] = draw(st.sampled_from(phase_ids))
            found.append(invariant)
        return found

    def build_organisations(self) -> list[dict[str, Any]]:
        """Now and then: kinds of organisation, rules on roles' holders and on actions.

        The opener's role gets no rules, so every case can be opened. A
        kind is never both allowed and forbidden (a check error).
        """
        draw = self.draw
        if draw(st.integers(0, 2)):
            return []
        kinds = ["ospod", "ngo", "provider"]
        top = [p["id"] for p in self.phases if "outcome" not in p]
        for role in self.roles[1:]:
            if draw(st.booleans()):
                allowed = draw(st.lists(st.sampled_from(kinds), unique=True, max_size=2))
                forbidden = draw(
                    st.lists(st.sampled_from([k for k in kinds if k not in allowed]), unique=True)
                )
                others = [r for r in self.role_ids if r != role["id"]]
                role["organisation"] = {
                    "required": draw(st.booleans()),
                    "kinds": allowed,
                    "not_kinds": forbidden,
                    "not_same_as": draw(st.lists(st.sampled_from(others), unique=True, max_size=2)),
                }
            if top and draw(st.integers(0, 3)) == 0:
                role["assignable_in"] = draw(
                    st.lists(st.sampled_from(top), min_size=1, unique=True, max_size=2)
                )
        for action in self.actions:
            if draw(st.integers(0, 3)) == 0:
                needs = {
                    "role": draw(st.sampled_from(self.role_ids[1:] or self.role_ids)),
                    "kinds": draw(st.lists(st.sampled_from(kinds), min_size=1, unique=True)),
                }
                action.setdefault("requires", {})["organisations"] = [needs]
        return [{"id": kind, "label": _label(kind)} for kind in kinds]

    def process(self, number: int) -> Process:
        data: dict[str, Any] = {
            "id": f"generated_{number}",
            "version": 1,
            "title": _label("generated process"),
            "timezone": "Europe/Prague",
            "calendar": "cz",
            "opener": "worker",
            "roles": self.roles,
            "artifacts": self.artifacts,
            "phases": self.phases,
            "actions": self.actions,
            "deadlines": self.deadlines,
            "guards": [{"id": g, "label": _label(g)} for g in self.guards],
        }
        kinds = self.build_organisations()
        if kinds:
            data["organisation_kinds"] = kinds
        if self.with_invariants:
            data["invariants"] = self.build_invariants()
        return Process.model_validate(data)


@st.composite
def _process(draw: st.DrawFn, max_phases: int, invariants: bool) -> Process:
    builder = _Builder(draw, max_phases=max_phases, invariants=invariants)
    builder.build_roles()
    builder.build_artifacts()
    builder.build_phases()
    builder.build_actions()
    builder.build_suspension()
    builder.use_everything()
    builder.build_deadlines()
    return builder.process(draw(st.integers(0, 999)))


def process_definitions(
    *, max_phases: int = 5, invariants: bool = False
) -> st.SearchStrategy[Process]:
    """Random process definitions that pass the static checks, to test an engine with.

    Each has two to four roles (the first, ``worker``, opens cases), up to
    ``max_phases`` top-level phases (some with parts), one to three
    outcomes, actions with requirements, records and guards, deadlines in
    every unit, and artifacts with every field type; about one in three
    declares organisation kinds, with rules on roles' holders (and
    ``assignable_in``) and organisation requirements on actions. With ``invariants=True``
    it also declares random invariants, which may or may not hold: a test of
    the explorer, not of the process.
    """
    if not 1 <= max_phases <= len(PHASE_NAMES):
        raise InvalidValue("max_phases", "phase-count", repr(max_phases))
    return _process(max_phases, invariants)


# ------------------------------------------------------------ field types
# Per type: the keys of its own a field draws, and a condition some version
# of the field meets.


def _no_details(builder: _Builder, field: dict[str, Any]) -> None:
    pass


def _text_details(builder: _Builder, field: dict[str, Any]) -> None:
    if builder.draw(st.booleans()):
        field["max_length"] = builder.draw(st.integers(1, 50))


def _int_details(builder: _Builder, field: dict[str, Any]) -> None:
    low = builder.draw(st.none() | st.integers(-5, 5))
    high = builder.draw(st.none() | st.integers(0, 10))
    if low is not None and high is not None and high < low:
        low, high = high, low
    field["min"], field["max"] = low, high


def _enum_details(builder: _Builder, field: dict[str, Any]) -> None:
    count = builder.draw(st.integers(1, 3))
    field["values"] = [{"id": f"value_{k}", "label": _label(f"value {k}")} for k in range(count)]


def _person_details(builder: _Builder, field: dict[str, Any]) -> None:
    if builder.draw(st.booleans()):
        field["roles"] = builder.draw(
            st.lists(st.sampled_from(builder.role_ids), min_size=1, max_size=2, unique=True)
        )


def _list_details(builder: _Builder, field: dict[str, Any]) -> None:
    field["fields"] = [
        builder.field(f"item_{k}", nested=False) for k in range(builder.draw(st.integers(1, 2)))
    ]
    field["min_items"] = builder.draw(st.integers(0, 2))


def _present(_builder: _Builder, _field: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    return {**base, "present": True}


def _text_condition(
    builder: _Builder, field: dict[str, Any], base: dict[str, Any]
) -> dict[str, Any]:
    if builder.draw(st.booleans()):
        return {**base, "non_empty": True}
    return _present(builder, field, base)


def _bool_condition(
    builder: _Builder, _field: dict[str, Any], base: dict[str, Any]
) -> dict[str, Any]:
    return {**base, "equals": builder.draw(st.booleans())}


def _enum_condition(
    builder: _Builder, field: dict[str, Any], base: dict[str, Any]
) -> dict[str, Any]:
    values = [v["id"] for v in field["values"]]
    if builder.draw(st.booleans()):
        return {**base, "equals": builder.draw(st.sampled_from(values))}
    return {**base, "one_of": values[: builder.draw(st.integers(1, len(values)))]}


def _list_condition(
    builder: _Builder, _field: dict[str, Any], base: dict[str, Any]
) -> dict[str, Any]:
    if builder.draw(st.booleans()):
        return {**base, "min_count": builder.draw(st.integers(0, 2))}
    return {**base, "non_empty": True}


@attrs.frozen
class FieldDraws:
    """How generated definitions draw fields of one type.

    ``details(builder, field)`` draws the type's own keys into the field's
    data; ``condition(builder, field, base)`` is a condition on the field
    that some version meets (``base`` names the artifact and field);
    ``in_lists``: the type may be a field of a list's records; ``anchors``: a
    deadline may count from it.
    """

    details: Callable[[_Builder, dict[str, Any]], None]
    condition: Callable[[_Builder, dict[str, Any], dict[str, Any]], dict[str, Any]]
    in_lists: bool = True
    anchors: bool = False


FIELD_DRAWS: FieldTypeTable[FieldDraws] = FieldTypeTable(
    "generated process definitions",
    {
        TextField: FieldDraws(_text_details, _text_condition),
        BoolField: FieldDraws(_no_details, _bool_condition),
        IntField: FieldDraws(_int_details, _present),
        DateField: FieldDraws(_no_details, _present, anchors=True),
        DateTimeField: FieldDraws(_no_details, _present, anchors=True),
        MoneyField: FieldDraws(_no_details, _present),
        EnumField: FieldDraws(_enum_details, _enum_condition),
        PersonField: FieldDraws(_person_details, _present),
        # Lists are not nested: a list's records hold the other types only.
        ListField: FieldDraws(_list_details, _list_condition, in_lists=False),
    },
)
"""Per field type, how generated process definitions draw it."""

SCALAR_TYPES = tuple(field_type_name(m) for m, draws in FIELD_DRAWS.items() if draws.in_lists)
"""The field types a list's records may hold in generated definitions."""
