"""Retry-After is honoured: delta-seconds and HTTP dates."""

from __future__ import annotations

import asyncio
import email.utils

import pytest
from scrapy import Request
from scrapy.http import Response

from crawlers.middlewares import RetryAfterMiddleware, retry_after_seconds


def test_retry_after_parses_seconds_and_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(b"0") == 0.0
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after_seconds(date, now=1_000_000) == pytest.approx(30.0)
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_429_with_retry_after_is_retried_then_given_up() -> None:
    middleware = RetryAfterMiddleware(max_wait=0.01, max_times=2)
    request = Request("http://127.0.0.1/x")
    busy = Response(request.url, status=429, headers={"Retry-After": "5"}, request=request)
    again = asyncio.run(middleware.process_response(request, busy))
    assert isinstance(again, Request) and again.meta["retry_after_times"] == 1
    again.meta["retry_after_times"] = 2
    final = asyncio.run(middleware.process_response(again, busy))
    assert isinstance(final, Response) and final.status == 429


def test_other_answers_pass_through() -> None:
    middleware = RetryAfterMiddleware(max_wait=0.01, max_times=2)
    request = Request("http://127.0.0.1/x")
    ok = Response(request.url, status=200, request=request)
    assert asyncio.run(middleware.process_response(request, ok)) is ok
