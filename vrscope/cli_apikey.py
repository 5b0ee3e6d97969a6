"""``vrscope apikey``: create, list and revoke API keys; registered on the app in vrscope.cli."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vrscope.settings import Settings, get_settings

app = typer.Typer(
    help="API keys for the HTTP API: every write needs one (stored hashed).", no_args_is_help=True
)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (store, index, models); default VRSCOPE_DATA_DIR."),
]
Name = Annotated[str, typer.Argument(help="Who or what uses the key, e.g. 'scout-team' or 'importer'.")]
Scopes = Annotated[
    list[str] | None,
    typer.Option("--scope", help="read or write (repeatable; write also reads); default read."),
]
KeyNumber = Annotated[int, typer.Argument(help="The key's id, as `vrscope apikey list` shows it.")]


def _settings(data_dir: Path | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"data_dir": data_dir}) if data_dir is not None else settings


@app.command("create")
def create(name: Name, scope: Scopes = None, data_dir: DataDir = None) -> None:
    """Create a key and print it once (alone on stdout); only its hash is stored, so copy it now."""
    from vrscope.apikeys import ApiKeyError, create_key
    from vrscope.store import Store

    with Store(_settings(data_dir).db_path) as store:
        try:
            record, token = create_key(store.conn, name, scope or ["read"])
        except ApiKeyError as exc:
            raise typer.BadParameter(str(exc)) from None
    typer.echo(f"created API key {record.id} '{record.name}' (scopes: {', '.join(record.scopes)}).", err=True)
    typer.echo("It is shown only now (only its hash is stored); send it as 'Authorization: Bearer <key>'"
               " or 'X-API-Key: <key>':", err=True)
    typer.echo(token)


@app.command("list")
def list_(data_dir: DataDir = None) -> None:
    """List keys: id, name, scopes, created, last used, revoked; never the key or its hash."""
    from vrscope.apikeys import list_keys
    from vrscope.store import Store

    with Store(_settings(data_dir).db_path) as store:
        keys = list_keys(store.conn)
    if not keys:
        console.print("no API keys yet; create one with 'vrscope apikey create NAME --scope write'",
                      markup=False)
        return
    table = Table(title=f"{len(keys)} API key{'s' if len(keys) != 1 else ''}")
    for column in ("id", "key id", "name", "scopes", "created", "last used", "revoked"):
        table.add_column(column)
    for key in keys:
        table.add_row(str(key.id), key.key_id, key.name, ",".join(key.scopes), key.created_at,
                      key.last_used_at or "-", key.revoked_at or "-")
    console.print(table)


@app.command("revoke")
def revoke(key_number: KeyNumber, data_dir: DataDir = None) -> None:
    """Revoke a key: requests with it get 403 from now on."""
    from vrscope.apikeys import ApiKeyError, revoke_key
    from vrscope.store import Store

    with Store(_settings(data_dir).db_path) as store:
        try:
            record = revoke_key(store.conn, key_number)
        except ApiKeyError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=2) from None
    console.print(f"revoked API key {record.id} '{record.name}' at {record.revoked_at}", markup=False)
