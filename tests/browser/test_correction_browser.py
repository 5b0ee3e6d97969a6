"""The document view's correction form in a real headless chromium: a refused key, then a saved correction."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from dashboards.browser import chromium, open_dashboard, serve, wait_for
from tests.browser.pages import console_errors
from vrscope.apikeys import create_key
from vrscope.records import Labels, Party, Patent
from vrscope.settings import Settings
from vrscope.store import Store

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser

DOC_ID = "CN115000001A"


@pytest.fixture(scope="module")
def site(
    browser_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """One labelled patent in a fresh store and embedded index, served on loopback; and a write key."""
    from search.factory import get_backend
    from vrscope.pipeline import index_documents

    settings = Settings(data_dir=tmp_path_factory.mktemp("correction-site"))
    with Store(settings.db_path) as store:
        store.upsert(Patent(id=DOC_ID, source="epo_ops", jurisdiction="CN",
                            titles={"en": "Volumetric capture studio"},
                            abstracts={"en": "Cameras around a stage record a person in 3D."},
                            applicants=[Party(name="Acme Capture")], priority_date=dt.date(2022, 5, 1)))
        store.set_labels([(DOC_ID, Labels(relevant=True, techs={"rendering_computation": 0.7},
                                          model_version="m1"))])
        backend = get_backend(settings)
        try:
            index_documents(store, backend)
        finally:
            backend.close()
        key = create_key(store.conn, "browser", ["write"])[1]
    with serve(settings.data_dir) as url:
        yield url, key


@pytest.fixture(scope="module")
def page(site: tuple[str, str]) -> Iterator[WebDriver]:
    session = chromium()
    try:
        yield session
    finally:
        session.quit()


def _ids(base_url: str, tech: str) -> set[str]:
    with urllib.request.urlopen(f"{base_url}/api/v1/search?tech={tech}") as resp:  # noqa: S310 - loopback
        return {hit["id"] for hit in json.load(resp)["hits"]}


def _open_form(driver: WebDriver, base_url: str) -> None:
    open_dashboard(driver, base_url, query="q=capture")
    driver.find_element("css selector", "#results li.hit h3 a").click()
    wait_for(driver, "return document.querySelector('#doc-body form.correction')")
    driver.find_element("css selector", "#doc-body details.correct summary").click()


def _status(driver: WebDriver) -> str:
    return str(wait_for(driver, "const s = document.querySelector('#doc-body form.correction [role=status]');"
                                "return s && s.textContent"))


def test_a_wrong_key_is_refused_and_nothing_changes(page: WebDriver, site: tuple[str, str]) -> None:
    base_url, _ = site
    _open_form(page, base_url)
    page.find_element("css selector", "#doc-body input[name=apikey]").send_keys("vrs_wrong_key")
    page.find_element("css selector", "#doc-body form.correction button[type=submit]").click()
    assert "The API key was refused" in _status(page)
    assert _ids(base_url, "rendering_computation") == {DOC_ID}
    page.get_log("browser")  # the refused request's 403 is logged by the browser; that is expected


def test_a_correction_saves_and_search_shows_it(page: WebDriver, site: tuple[str, str]) -> None:
    base_url, key = site
    _open_form(page, base_url)
    box = page.find_element("css selector", "#doc-body input[name=apikey]")
    box.clear()
    box.send_keys(key)
    page.find_element("css selector", "#doc-body input[name=techs][value=rendering_computation]").click()
    page.find_element("css selector", "#doc-body input[name=techs][value=content_production]").click()
    page.find_element("css selector", "#doc-body textarea[name=note]").send_keys("a capture rig")
    page.find_element("css selector", "#doc-body form.correction button[type=submit]").click()
    assert _status(page) == "Correction saved."
    assert "corrected by api:browser — a capture rig" in page.find_element("id", "doc-body").text
    assert _ids(base_url, "content_production") == {DOC_ID}
    assert _ids(base_url, "rendering_computation") == set()
    assert page.execute_script("return sessionStorage.getItem('vrscope.apiKey')") == key
    assert console_errors(page) == []
