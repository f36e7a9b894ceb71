"""Properties of the list cursor: it round-trips, and anything else is `InvalidQuery`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwflow.engine._summaries import decode_cursor, encode_cursor
from kwflow.exceptions import InvalidQuery

moments = st.datetimes(
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5))]),
)


@given(moments, st.text(min_size=1))
def test_a_cursor_gives_back_its_time_and_case(moment: datetime, case_id: str) -> None:
    at, found = decode_cursor(encode_cursor(moment, case_id))
    assert at == moment
    assert at.utcoffset() == timedelta(0)
    assert found == case_id


@given(st.one_of(st.text(), st.binary(), st.integers(), st.none()))
def test_anything_else_is_refused_as_invalid_query(junk: object) -> None:
    if isinstance(junk, str) and junk.startswith("c1."):
        junk = junk + "\x00"
    with pytest.raises(InvalidQuery) as raised:
        decode_cursor(junk)
    assert raised.value.parameter == "after"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
def test_a_forged_body_is_refused_or_decoded_never_crashing(body: str) -> None:
    try:
        at, case_id = decode_cursor("c1." + body)
    except InvalidQuery:
        return
    assert at.tzinfo is not None
    assert case_id
