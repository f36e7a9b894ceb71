"""kwflow's pytest plugin, run as a user's suite would run it (pytest's ``pytester``).

Each test writes a small test suite into a temporary folder and runs pytest
on it in a fresh process, where the plugin is loaded through its
``pytest11`` entry point as in any project that installs kwflow.
"""

from __future__ import annotations

import pytest

from tests.support.testing import FIXTURES

pytestmark = pytest.mark.slow

SOUND = (FIXTURES / "sound.yaml").as_posix()


def test_the_profiles_are_registered_and_chosen_with_hypothesis_option(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from hypothesis import settings

        def test_profiles():
            assert settings.get_profile("kwflow-quick").max_examples == 25
            assert settings.get_profile("kwflow-quick").stateful_step_count == 25
            assert settings.get_profile("kwflow-thorough").max_examples == 200
            assert settings.get_profile("kwflow-thorough").deadline is None
            assert settings.default.max_examples == 200
        """
    )

    result = pytester.runpytest_subprocess("--hypothesis-profile=kwflow-thorough")

    result.assert_outcomes(passed=1)


def test_the_fixtures_give_an_engine_on_a_simulated_clock_and_a_temporary_store(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        from datetime import timedelta

        from kwflow import SqliteStore
        from kwflow.testing import START

        def test_engine(kwflow_engine_for, kwflow_clock, kwflow_store, tmp_path):
            engine = kwflow_engine_for({SOUND!r})
            case = engine.open_case("sound", by="jana", case_id="c1")
            assert case.opened_at == START
            kwflow_clock.advance(timedelta(days=2))
            engine.assign("c1", "petr", "parent", by="jana")
            engine.act("c1", "start", by="jana")
            assert isinstance(kwflow_store, SqliteStore)
            assert kwflow_store.path.parent == tmp_path
            again = kwflow_engine_for({SOUND!r})
            assert again.get_unfiltered("c1").phase.id == "planning"
            assert again.history_unfiltered("c1")[-1].at == START + timedelta(days=2)
        """
    )

    result = pytester.runpytest_subprocess()

    result.assert_outcomes(passed=1)


def test_a_stateful_run_ends_with_what_it_reached_and_what_it_never_did(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        from hypothesis import HealthCheck, settings

        from kwflow.definition import load_process
        from kwflow.testing import process_state_machine

        TestSound = process_state_machine(load_process({SOUND!r})).TestCase
        TestSound.settings = settings(
            max_examples=10, stateful_step_count=15, database=None, deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        """
    )

    result = pytester.runpytest_subprocess()

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*kwflow: what the stateful tests reached*",
            "  sound version 1: * runs, * events",
            "    actions: * of 4*",
            "    phases: * of 4*",
            "    outcomes: * of 1*",
        ]
    )


def test_the_coverage_summary_can_be_left_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        from hypothesis import HealthCheck, settings

        from kwflow.definition import load_process
        from kwflow.testing import process_state_machine

        TestSound = process_state_machine(load_process({SOUND!r})).TestCase
        TestSound.settings = settings(
            max_examples=3, stateful_step_count=5, database=None, deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        """
    )

    result = pytester.runpytest_subprocess("--no-kwflow-coverage")

    result.assert_outcomes(passed=1)
    assert "what the stateful tests reached" not in result.stdout.str()


def test_a_suite_without_stateful_tests_gets_no_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")

    result = pytester.runpytest_subprocess()

    result.assert_outcomes(passed=1)
    assert "stateful tests reached" not in result.stdout.str()
