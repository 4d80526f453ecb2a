"""The HTTP caching helpers: ETags, dates, 304/412 decisions, ``Cache-Control``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shipyard.cache.http import (
    cache_control,
    etag_in,
    http_date,
    not_modified,
    parse_http_date,
    precondition_failed,
    strong_etag,
    weak_etag,
)

MOMENT = datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=UTC)


def test_etags() -> None:
    assert strong_etag(b"a") == strong_etag(b"a") != strong_etag(b"b")
    assert strong_etag(b"a").startswith('"')
    assert weak_etag(3).startswith('W/"')
    assert weak_etag(3) != weak_etag(4)


def test_etag_comparison() -> None:
    tag = strong_etag(b"x")
    assert etag_in(f'"other", {tag}', tag, strong=True)
    assert etag_in(f"W/{tag}", tag, strong=False)
    assert not etag_in(f"W/{tag}", tag, strong=True)
    assert not etag_in(tag, "W/" + tag, strong=True)
    assert etag_in("*", tag, strong=True)
    assert not etag_in("", tag, strong=False)


def test_http_dates_round_trip_and_refuse_garbage() -> None:
    text = http_date(MOMENT)
    assert text == "Mon, 07 Dec 2026 08:30:15 GMT"
    assert parse_http_date(text) == MOMENT.replace(microsecond=0)
    for bad in ["", "yesterday", "Mon, 99 Foo 2026 99:99:99 GMT", "\x00" * 50]:
        assert parse_http_date(bad) is None


def test_not_modified_rules() -> None:
    tag = strong_etag(b"x")
    assert not_modified({"if-none-match": tag}, tag)
    assert not not_modified({"if-none-match": '"other"'}, tag)
    since = http_date(MOMENT)
    assert not_modified({"if-modified-since": since}, None, MOMENT)
    assert not not_modified({"if-modified-since": since}, None, MOMENT + timedelta(seconds=2))
    assert not not_modified({"if-modified-since": "garbage"}, None, MOMENT)
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    assert not not_modified({"if-none-match": '"other"', "if-modified-since": since}, tag, MOMENT)
    assert not not_modified({}, tag, MOMENT)


def test_precondition_failed_rules() -> None:
    tag = strong_etag(b"x")
    assert not precondition_failed({}, tag)
    assert not precondition_failed({"if-match": tag}, tag)
    assert precondition_failed({"if-match": '"stale"'}, tag)
    assert precondition_failed({"if-match": "*"}, None)  # nothing there to match
    assert not precondition_failed({"if-match": "*"}, tag)


def test_cache_control() -> None:
    assert cache_control(max_age=60, public=True) == "public, max-age=60"
    assert cache_control(no_store=True) == "no-store"
    assert (
        cache_control(private=True, max_age=0, must_revalidate=True, stale_while_revalidate=30)
        == "private, must-revalidate, max-age=0, stale-while-revalidate=30"
    )
    with pytest.raises(ValueError, match="public or private"):
        cache_control(public=True, private=True)
    with pytest.raises(ValueError, match="negative"):
        cache_control(max_age=-1)
