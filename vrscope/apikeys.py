"""API keys for the HTTP API: stored hashed (HMAC-SHA256 with a per-key salt), shown in plain text once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
TOKEN_PREFIX = "vrs"
MAX_ID = 2**63 - 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
"""


class ApiKeyError(ValueError):
    """A key cannot be created or revoked as asked."""


@dataclass(frozen=True)
class ApiKey:
    """One key's record, without its secret: what `vrscope apikey list` shows and the API checks."""

    id: int
    key_id: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: str
    last_used_at: str | None = None
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        """The key was revoked and opens nothing."""
        return self.revoked_at is not None

    def allows(self, scope: Scope) -> bool:
        """Whether the key carries a scope; a write key may also read."""
        return scope in self.scopes or (scope == "read" and "write" in self.scopes)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _minutes_ago(now: str, minutes: int) -> str:
    return (dt.datetime.fromisoformat(now) - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def normalize_scopes(scopes: Iterable[str]) -> tuple[Scope, ...]:
    """Known scopes in a stable order; an unknown one is an error, none at all means read."""
    given = [s.strip().lower() for s in scopes if s.strip()]
    unknown = sorted(set(given) - set(SCOPES))
    if unknown:
        raise ApiKeyError(f"unknown scope {', '.join(unknown)}; allowed: {', '.join(SCOPES)}")
    return tuple(s for s in SCOPES if s in given) or ("read",)


def split_token(token: str) -> tuple[str, str] | None:
    """``vrs_<key id>_<secret>`` → (key id, secret); None when the text is not shaped like a key."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _row(row: sqlite3.Row | tuple[object, ...]) -> ApiKey:
    id_, key_id, name, scopes, created, used, revoked = tuple(row)
    return ApiKey(
        id=int(str(id_)),
        key_id=str(key_id),
        name=str(name),
        scopes=normalize_scopes(str(scopes).split(",")),
        created_at=str(created),
        last_used_at=None if used is None else str(used),
        revoked_at=None if revoked is None else str(revoked),
    )


_COLUMNS = "id, key_id, name, scopes, created_at, last_used_at, revoked_at"


def create_key(conn: sqlite3.Connection, name: str, scopes: Iterable[str] = ("read",)) -> tuple[ApiKey, str]:
    """Create a key; returns its record and the plain key, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ApiKeyError("a key needs a name (who or what uses it)")
    chosen = normalize_scopes(scopes)
    key_id = secrets.token_hex(6)  # public: finds the row; the secret below is what proves the key
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    with conn:
        cur = conn.execute(
            "INSERT INTO api_keys(key_id, name, scopes, salt, hash, created_at) VALUES (?,?,?,?,?,?)",
            (key_id, name, ",".join(chosen), salt, _digest(salt, secret), _now()),
        )
    record = get_key(conn, int(cur.lastrowid or 0))
    assert record is not None
    return record, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def get_key(conn: sqlite3.Connection, id_: int) -> ApiKey | None:
    """One key's record by its number."""
    if not 0 < id_ <= MAX_ID:
        return None
    row = conn.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE id=?", (id_,)).fetchone()
    return _row(row) if row else None


def list_keys(conn: sqlite3.Connection) -> list[ApiKey]:
    """Every key's record, oldest first; never the key or its hash."""
    return [_row(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY id")]


def revoke_key(conn: sqlite3.Connection, id_: int) -> ApiKey:
    """Revoke a key by its number; revoking twice keeps the first time."""
    if not 0 < id_ <= MAX_ID:  # SQLite integers stop here; larger numbers name no key
        raise ApiKeyError(f"no API key with id {id_}")
    with conn:
        cur = conn.execute(
            "UPDATE api_keys SET revoked_at=coalesce(revoked_at, ?) WHERE id=?", (_now(), id_)
        )
    if cur.rowcount == 0:
        raise ApiKeyError(f"no API key with id {id_}")
    record = get_key(conn, id_)
    assert record is not None
    return record


def verify_key(conn: sqlite3.Connection, token: str, touch: bool = True) -> ApiKey | None:
    """The record of the key a token proves (revoked ones included), or None; notes when it was used."""
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    row = conn.execute(f"SELECT {_COLUMNS}, salt, hash FROM api_keys WHERE key_id=?", (key_id,)).fetchone()
    if row is None:
        return None
    values = tuple(row)
    salt, stored = str(values[-2]), str(values[-1])
    if not hmac.compare_digest(_digest(salt, secret), stored):
        return None
    record = _row(values[:-2])
    now = _now()
    # At most one write a minute per key, so that reads with a key do not queue behind the writer.
    if touch and not record.revoked and (record.last_used_at or "") < _minutes_ago(now, 1):
        with conn:
            conn.execute("UPDATE api_keys SET last_used_at=? WHERE id=?", (now, record.id))
    return record
