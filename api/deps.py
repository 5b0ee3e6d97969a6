"""Dependencies: settings, the store of record and the search backend, opened lazily, closed at shutdown."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from pydantic import BaseModel

from search.backend import SearchBackend
from vrscope.settings import Settings
from vrscope.store import Store


class Resources:
    """What the app holds open: a Store per worker thread and one search backend, opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._stores: dict[int, Store] = {}
        self._backend: SearchBackend | None = None

    def store(self) -> Store:
        """This thread's Store (the Store is meant to be used by one thread at a time)."""
        ident = threading.get_ident()
        with self._lock:
            store = self._stores.get(ident)
            if store is None:
                store = self._stores[ident] = Store(self.settings.db_path)
            return store

    def backend(self) -> SearchBackend:
        """The configured search backend, opened once."""
        with self._lock:
            if self._backend is None:
                # Imported here so that the API still imports (and serves /docs) without an engine.
                from search.factory import get_backend

                self._backend = get_backend(self.settings)
            return self._backend

    def close(self) -> None:
        """Close every Store and the backend."""
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
            if self._backend is not None:
                self._backend.close()
                self._backend = None


def get_resources(request: Request) -> Resources:
    """The app's Resources, created by create_app."""
    resources: Resources = request.app.state.resources
    return resources


def get_settings_dep(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(resources: Annotated[Resources, Depends(get_resources)]) -> Store:
    """The store of record."""
    return resources.store()


def get_search(resources: Annotated[Resources, Depends(get_resources)]) -> SearchBackend:
    """The search backend; 503 when the engine cannot be opened."""
    try:
        return resources.backend()
    except Exception as exc:  # any failure to open the engine is 'unavailable', not a crash
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"search backend unavailable: {exc}"
        ) from exc


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
StoreDep = Annotated[Store, Depends(get_store)]
SearchDep = Annotated[SearchBackend, Depends(get_search)]


def allowed_params(model: type[BaseModel]) -> set[str]:
    """The query parameter names a query model accepts (aliases where set)."""
    return {field.alias or name for name, field in model.model_fields.items()}


def reject_unknown_params(*models: type[BaseModel]) -> Callable[[Request], None]:
    """A dependency answering 400 for any query parameter the models do not define."""
    allowed: set[str] = set().union(*(allowed_params(m) for m in models))

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params.keys()) - allowed)
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                f"unknown query parameter{'s' if len(unknown) > 1 else ''} {names}; "
                f"allowed: {', '.join(sorted(allowed))}",
            )

    return check
