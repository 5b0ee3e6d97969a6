"""Error handlers: every bad request gets a 4xx with a sentence a person can act on, never a 500."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from search.backend import QueryError


def describe(errors: Sequence[Any]) -> str:
    """One readable line per validation error: where, then what is wrong."""
    lines = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("query", "path", "body")]
        where = f"parameter '{loc[0]}'" if loc else "request"
        if len(loc) > 1 and loc[1].isdigit():
            where += f" (value {int(loc[1]) + 1})"
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return "; ".join(lines) or "invalid request"


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 body plus a one-line message."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    body = {"detail": jsonable_encoder(errors), "message": describe(errors)}
    return JSONResponse(body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _query_error(request: Request, exc: Exception) -> JSONResponse:
    """The engine could not parse the query."""
    return JSONResponse({"detail": f"cannot parse query: {exc}"}, status_code=status.HTTP_400_BAD_REQUEST)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(QueryError, _query_error)
