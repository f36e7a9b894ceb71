"""The app holds no process logic, and its Czech texts are what it ships.

Every rule comes from the process files: no id of a phase, action, role,
document, deadline or outcome of a registered process is written into the
app's views, screens or templates (the demo data, which plays shipped
scenarios, is the one place that names them).
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import kwflow

APP = Path(__file__).resolve().parents[1] / "casework"
# Demo data opens and fills cases on purpose; migrations are Django's.
NOT_CHECKED = {"demo.py"}
# Words of kwflow's own JSON and the app's text that a process happens to
# use as an id too: `CaseSummary.to_dict()["suspended"]`, the word shown
# for a suspended case. Never a phase the app looks for.
KWFLOW_WORDS = {"suspended"}


def _process_ids() -> set[str]:
    registry = kwflow.Registry.shipped()
    ids: set[str] = set()
    for process_id in registry.ids():
        for version in registry.versions(process_id):
            process = registry.get(process_id, version)
            ids.add(process.id)
            ids |= {info.phase.id for info in process.all_phases()}
            ids |= {action.id for action in process.actions}
            ids |= {role.id for role in process.roles}
            ids |= {artifact.id for artifact in process.artifacts}
            ids |= {deadline.id for deadline in process.deadlines}
            ids |= {guard.id for guard in process.guards}
    return ids


def _python_strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _template_strings(path: Path) -> set[str]:
    """Quoted words inside template tags and attribute values."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"[\"']([A-Za-z_]+)[\"']", text))


def test_no_id_of_a_process_is_written_into_the_app() -> None:
    ids = _process_ids() - KWFLOW_WORDS
    assert {"referral", "approve_plan", "coordinator", "family_plan"} <= ids  # the check sees them
    found = {}
    for path in APP.rglob("*.py"):
        if path.name in NOT_CHECKED or "migrations" in path.parts:
            continue
        if hits := _python_strings(path) & ids:
            found[str(path.relative_to(APP))] = sorted(hits)
    for path in APP.rglob("*.html"):
        if hits := _template_strings(path) & ids:
            found[str(path.relative_to(APP))] = sorted(hits)
    assert found == {}


def test_the_compiled_czech_texts_are_the_po_file() -> None:
    po = APP / "locale" / "cs" / "LC_MESSAGES" / "django.po"
    pairs = dict(
        re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po.read_text(encoding="utf-8"), re.MULTILINE)
    )
    with (po.parent / "django.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    assert len(pairs) > 80
    for english, czech in pairs.items():
        assert czech, english
        assert compiled.gettext(english.replace('\\"', '"')) == czech.replace('\\"', '"'), english


def test_every_text_the_app_translates_has_its_czech() -> None:
    po = (APP / "locale" / "cs" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    known = set(re.findall(r'^msgid "(.+)"$', po, re.MULTILINE))
    used: set[str] = set()
    for path in APP.rglob("*.html"):
        used |= set(re.findall(r'{% translate "([^"]+)" %}', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"{% translate '([^']+)' %}", path.read_text(encoding="utf-8")))
    for path in APP.rglob("*.py"):
        used |= set(re.findall(r'_\(\s*"([^"]+)"\s*\)', path.read_text(encoding="utf-8")))
    assert len(used) > 80
    assert sorted(used - known) == []


def test_postgresql_is_one_setting_for_both_databases() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "casework_settings_probe", APP.parent / "casework_site" / "settings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    settings = importlib.util.module_from_spec(spec)
    sys.modules.pop("casework_settings_probe", None)
    spec.loader.exec_module(settings)
    databases = settings._databases("postgresql://worker:s%40fe@db.internal:5433/casework")
    assert databases["default"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "casework",
        "USER": "worker",
        "PASSWORD": "s@fe",
        "HOST": "db.internal",
        "PORT": "5433",
    }
    assert settings._databases(None)["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.LANGUAGE_CODE == "cs"
