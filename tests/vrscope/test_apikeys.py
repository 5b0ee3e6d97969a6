"""API keys: hashed at rest, shown once, revocable; and the `vrscope apikey` commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vrscope.apikeys import (
    ApiKeyError,
    create_key,
    list_keys,
    normalize_scopes,
    revoke_key,
    split_token,
    verify_key,
)
from vrscope.cli import app
from vrscope.store import Store

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite3") as st:
        yield st


def test_create_returns_a_key_that_verifies(store: Store) -> None:
    record, token = create_key(store.conn, "scouts", ["write"])
    assert token.startswith(f"vrs_{record.key_id}_")
    found = verify_key(store.conn, token)
    assert found is not None
    assert (found.id, found.name, found.scopes) == (record.id, "scouts", ("write",))
    assert found.allows("write") and found.allows("read")


def test_the_plain_key_is_not_stored(store: Store) -> None:
    _, token = create_key(store.conn, "scouts", ["write"])
    secret = split_token(token)[1]  # type: ignore[index]
    dump = "\n".join(store.conn.iterdump())
    assert secret not in dump and token not in dump
    salt, digest = store.conn.execute("SELECT salt, hash FROM api_keys").fetchone()
    assert len(digest) == 64 and secret not in digest and salt


def test_each_key_is_salted_differently(store: Store) -> None:
    create_key(store.conn, "a")
    create_key(store.conn, "b")
    salts = {row[0] for row in store.conn.execute("SELECT salt FROM api_keys")}
    assert len(salts) == 2


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "vrs__x", "vrs_abc_", "Bearer vrs_a_b", "vrs_000000000000_wrongsecret"],
)
def test_malformed_or_unknown_tokens_do_not_verify(store: Store, token: str) -> None:
    create_key(store.conn, "scouts", ["write"])
    assert verify_key(store.conn, token) is None


def test_a_wrong_secret_with_a_real_key_id_does_not_verify(store: Store) -> None:
    record, token = create_key(store.conn, "scouts", ["write"])
    assert verify_key(store.conn, f"vrs_{record.key_id}_{'x' * 43}") is None
    assert verify_key(store.conn, token[:-1]) is None


def test_read_scope_cannot_write(store: Store) -> None:
    record, _ = create_key(store.conn, "dashboard")
    assert record.scopes == ("read",)
    assert record.allows("read") and not record.allows("write")


def test_revoked_key_still_identifies_but_is_marked(store: Store) -> None:
    record, token = create_key(store.conn, "old", ["write"])
    revoked = revoke_key(store.conn, record.id)
    assert revoked.revoked and revoked.revoked_at
    found = verify_key(store.conn, token)
    assert found is not None and found.revoked
    assert revoke_key(store.conn, record.id).revoked_at == revoked.revoked_at  # first time kept


def test_verify_notes_last_use(store: Store) -> None:
    record, token = create_key(store.conn, "scouts", ["write"])
    assert record.last_used_at is None
    verify_key(store.conn, token)
    assert list_keys(store.conn)[0].last_used_at is not None


def test_bad_input_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ApiKeyError, match="needs a name"):
        create_key(store.conn, "  ")
    with pytest.raises(ApiKeyError, match="unknown scope admin"):
        create_key(store.conn, "x", ["admin"])
    with pytest.raises(ApiKeyError, match="no API key with id 42"):
        revoke_key(store.conn, 42)
    for huge in (2**63, -1, 0):
        with pytest.raises(ApiKeyError, match=f"no API key with id {huge}"):
            revoke_key(store.conn, huge)


def test_scopes_are_normalized() -> None:
    assert normalize_scopes(["WRITE", "read", "write"]) == ("read", "write")
    assert normalize_scopes([]) == ("read",)


def test_cli_create_list_revoke(tmp_path: Path) -> None:
    args = ["apikey", "create", "scouts", "--scope", "write", "--data-dir", str(tmp_path)]
    created = runner.invoke(app, args)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("vrs_")

    listed = runner.invoke(app, ["apikey", "list", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    assert "scouts" in listed.output and "write" in listed.output
    assert split_token(token)[1] not in listed.output  # type: ignore[index]
    with Store(tmp_path / "vrscope.sqlite3") as store:
        digest = store.conn.execute("SELECT hash FROM api_keys").fetchone()[0]
    assert digest not in listed.output

    revoked = runner.invoke(app, ["apikey", "revoke", "1", "--data-dir", str(tmp_path)])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked API key 1 'scouts'" in revoked.output
    with Store(tmp_path / "vrscope.sqlite3") as store:
        found = verify_key(store.conn, token)
    assert found is not None and found.revoked


def test_cli_errors(tmp_path: Path) -> None:
    bad_scope = runner.invoke(app, ["apikey", "create", "x", "--scope", "admin", "--data-dir", str(tmp_path)])
    assert bad_scope.exit_code != 0 and "unknown scope admin" in bad_scope.output
    missing = runner.invoke(app, ["apikey", "revoke", "7", "--data-dir", str(tmp_path)])
    assert missing.exit_code == 2 and "no API key with id 7" in missing.output
    empty = runner.invoke(app, ["apikey", "list", "--data-dir", str(tmp_path)])
    assert empty.exit_code == 0 and "no API keys yet" in empty.output
    for command in ("create", "list", "revoke"):
        helped = runner.invoke(app, ["apikey", command, "--help"])
        assert helped.exit_code == 0 and "--data-dir" in helped.output
