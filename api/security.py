"""API-key checks: every write needs a key with the write scope; reads need one only when configured."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep, StoreDep
from vrscope.apikeys import ApiKey, Scope, verify_key
from vrscope.store import Store

# auto_error=False: a missing key is answered below with our own 401, in the API's error format.
_bearer = HTTPBearer(auto_error=False, description="An API key from `vrscope apikey create`.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key, as a header.")

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vrscope"'}
OPEN_PATHS = ("/health",)  # liveness stays open even when reads need a key


def presented_key(
    bearer: HTTPAuthorizationCredentials | None, header: str | None
) -> str | None:
    """The key from ``Authorization: Bearer`` or ``X-API-Key``; blank counts as none."""
    for value in (bearer.credentials if bearer else None, header):
        if value and value.strip():
            return value.strip()
    return None


def check_key(store: Store, token: str | None, scope: Scope) -> ApiKey:
    """The key's record when it is valid, live and carries the scope; 401 or 403 otherwise."""
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            f"an API key with the {scope} scope is needed: send 'Authorization: Bearer <key>'"
            " or 'X-API-Key: <key>' (create one with 'vrscope apikey create')",
            headers=CHALLENGE,
        )
    record = verify_key(store.conn, token)
    if record is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the API key is not valid")
    if record.revoked:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"the API key {record.key_id!r} was revoked")
    if not record.allows(scope):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"the API key {record.key_id!r} lacks the {scope} scope (it has: {', '.join(record.scopes)})",
        )
    return record


def require_write_key(
    store: StoreDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> ApiKey:
    """A valid, unrevoked key with the write scope (401 without a key, 403 with a bad one)."""
    return check_key(store, presented_key(bearer, header), "write")


def require_read_access(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> ApiKey | None:
    """Reads are open unless ``VRSCOPE_API_READ_REQUIRES_KEY`` is set; then any live key may read."""
    if not settings.api_read_requires_key or request.url.path.startswith(OPEN_PATHS):
        return None
    return check_key(store, presented_key(bearer, header), "read")


WriteKey = Annotated[ApiKey, Depends(require_write_key)]
ReadAccess = Annotated[ApiKey | None, Depends(require_read_access)]
