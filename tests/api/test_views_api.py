"""GET /api/v1/emerging, /scoreboard and /gaps: parameters checked, JSON shapes, CSV/JSONL/XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from search.backend import IndexDoc
from tests.api.fakes import FakeBackend
from vrscope.records import Labels, Party, Patent, Standard
from vrscope.settings import Settings
from vrscope.store import Store

PATHS = ["/api/v1/emerging", "/api/v1/scoreboard", "/api/v1/gaps"]
# id, year, applicant (normalized), sub-topics
ROWS = [
    ("CN201A", 2019, "GOERTEK", ["pancake_optics"]),
    ("CN202A", 2020, "META PLATFORMS TECHNOLOGIES", ["eye_tracking"]),
    ("CN203A", 2022, "META PLATFORMS TECHNOLOGIES", ["eye_tracking", "waveguide"]),
    ("CN204A", 2023, "GOERTEK", ["waveguide"]),
    ("CN205A", 2023, "QINGDAO PICO TECHNOLOGY", ["waveguide"]),
    ("CN206A", 2023, "SONY INTERACTIVE ENTERTAINMENT", ["eye_tracking"]),
]


@pytest.fixture
def views(store: Store, backend: FakeBackend) -> None:
    """Sub-topic-labelled patents in the store and the fake engine, one of them from Qingdao."""
    for id_, year, who, subs in ROWS:
        address = "山东省青岛市崂山区" if who.startswith("QINGDAO") else None
        store.upsert(Patent(id=id_, source="t", jurisdiction="CN", titles={"en": f"Waveguide display {id_}"},
                            abstracts={"zh": "一种光波导显示装置"}, priority_date=dt.date(year, 6, 1),
                            applicants=[Party(name=who, name_normalized=who, address=address)]))
        labels = Labels(relevant=True, subtopics=dict.fromkeys(subs, 0.9), model_version="m")
        store.set_labels([(id_, labels)])
        backend.index([IndexDoc(id=id_, doc_type="patent", title=f"Waveguide display {id_}", year=year,
                                date=f"{year}-06-01", jurisdiction="CN", applicants=[who], subtopics=subs,
                                source="t", relevant=True)])
    store.upsert(Standard(id="T/QD 1-2023", source="t", title_zh="光波导模组",
                          published_date=dt.date(2023, 1, 1), drafting_orgs=["青岛虚拟现实研究院有限公司"]))
    labels = Labels(relevant=True, subtopics={"waveguide": 0.8}, model_version="m")
    store.set_labels([("T/QD 1-2023", labels)])


@pytest.mark.parametrize("path", PATHS)
def test_unknown_parameter_is_400(client: TestClient, path: str) -> None:
    """A misspelt parameter is named in a 400."""
    response = client.get(path, params={"applicant": "Goertek", "windw": "3"})
    assert response.status_code == 400
    assert "'windw'" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/api/v1/emerging", {"window": "0"}, "window"),
        ("/api/v1/emerging", {"end": "soon"}, "end"),
        ("/api/v1/emerging", {"min_count": "0"}, "min_count"),
        ("/api/v1/scoreboard", {"year_from": "2023", "year_to": "2020"}, "year_from"),
        ("/api/v1/scoreboard", {"format": "pdf"}, "format"),
        ("/api/v1/gaps", {"applicant": "Goertek", "min_world": "0"}, "min_world"),
        ("/api/v1/gaps", {"applicant": "Goertek", "newest": "11"}, "newest"),
    ],
)
def test_bad_values_are_4xx_with_a_message(
    client: TestClient, path: str, params: dict[str, str], name: str
) -> None:
    """Bad values get a 4xx naming the parameter."""
    response = client.get(path, params=params)
    assert 400 <= response.status_code < 500
    assert name in response.json()["message"]


@pytest.mark.parametrize("params", [{}, {"applicant": " "}, {"applicant": "Goertek", "competitor": "  "}])
def test_gaps_needs_an_applicant(client: TestClient, params: dict[str, str]) -> None:
    """Without an applicant name the gap analysis is a 400 saying so (a blank competitor is ignored)."""
    response = client.get("/api/v1/gaps", params=params)
    if params.get("competitor"):
        assert response.status_code == 200 and response.json()["competitors"] == []
    else:
        assert response.status_code == 400 and "applicant" in response.json()["detail"]


@pytest.mark.usefixtures("views")
def test_emerging_json(client: TestClient) -> None:
    """Sub-topics with per-year counts and G², terms with examples."""
    body = client.get("/api/v1/emerging", params={"window": "2", "min_count": "1"}).json()
    assert (body["end_year"], body["recent_years"], body["previous_years"]) == (
        2023, [2022, 2023], [2020, 2021])
    by = {s["subtopic"]: s for s in body["subtopics"]}
    assert (by["waveguide"]["recent"], by["waveguide"]["previous"]) == (3, 0)
    assert body["subtopics"][0]["subtopic"] == "waveguide" and body["subtopics"][0]["name_zh"]
    assert [e["id"] for e in by["waveguide"]["examples"]][:1] in (["CN204A"], ["CN205A"])
    assert "G²" in body["significance"]
    assert body["background_total"] == 9  # every stored document: 6 patents, 1 standard, the fixture's 2
    terms = {t["term"]: t for t in body["terms"]}
    assert (terms["waveguide"]["recent"], terms["waveguide"]["background"]) == (4, 6)
    assert len(terms["waveguide"]["examples"]) == 3


@pytest.mark.usefixtures("views")
def test_scoreboard_json_uses_the_settings(app: FastAPI, client: TestClient, tmp_path: Path) -> None:
    """Thresholds come from the settings; the headline and method are returned in both languages."""
    body = client.get("/api/v1/scoreboard").json()
    assert body["thresholds"]["min_local_filings"] == 10
    assert body["headline"]["en"].startswith("0 of the 3–5 target")
    assert len(body["method"]["en"]) == len(body["method"]["zh"]) >= 5
    app.state.settings = Settings(data_dir=tmp_path, scoreboard_min_local_filings=1,
                                  scoreboard_min_local_share=0.1, scoreboard_min_standards=1,
                                  scoreboard_target_min=1, scoreboard_target_max=2)
    body = client.get("/api/v1/scoreboard").json()
    wave = body["rows"][0]
    assert wave["subtopic"] == "waveguide"
    assert (wave["local_filings"], wave["cn_filings"], wave["local_share"]) == (1, 3, pytest.approx(1 / 3))
    assert (wave["local_led_standards"], wave["status"]) == (1, "breakthrough")
    assert body["headline"]["en"].startswith("1 of the 1–2 target")
    assert any("≥ 1" in line for line in body["method"]["en"])


@pytest.mark.usefixtures("views")
def test_gaps_json(client: TestClient) -> None:
    """Own names normalized with their variants; competitors with '|' variants; white spaces."""
    params = {"applicant": ["Goertek Inc.", "歌尔股份有限公司"],
              "competitor": ["Meta Platforms Technologies, LLC|Facebook Technologies, LLC",
                             "Sony Interactive"],
              "min_world": "3"}
    body = client.get("/api/v1/gaps", params=params).json()
    assert body["own"] == {"label": "GOERTEK", "names": ["GOERTEK"]}
    assert [c["label"] for c in body["competitors"]] == ["META PLATFORMS TECHNOLOGIES", "SONY INTERACTIVE"]
    by = {r["subtopic"]: r for r in body["rows"]}
    eye = by["eye_tracking"]
    assert (eye["world"], eye["own"], eye["competitors"]) == (3, 0, [2, 0])
    assert (by["waveguide"]["world"], by["waveguide"]["own"]) == (3, 1)
    assert body["white_spaces"] == ["eye_tracking"]
    assert [d["id"] for d in by["eye_tracking"]["newest"]] == ["CN203A", "CN202A"]
    assert by["eye_tracking"]["newest"][0]["date"] == "2022-06-01"


@pytest.mark.usefixtures("views")
def test_exports(client: TestClient) -> None:
    """Each view downloads as CSV (with BOM), JSON Lines and XLSX."""
    from openpyxl import load_workbook

    params = {"applicant": "Goertek", "competitor": "Meta Platforms Technologies", "format": "csv"}
    gaps = client.get("/api/v1/gaps", params=params)
    assert gaps.status_code == 200 and gaps.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="vrscope-gaps.csv"' in gaps.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(gaps.content.decode("utf-8-sig"))))
    assert list(rows[0])[:7] == ["subtopic", "tech", "name_en", "name_zh", "world", "own", "share"]
    assert "competitor 1: META PLATFORMS TECHNOLOGIES" in rows[0]
    eye = next(r for r in rows if r["subtopic"] == "eye_tracking")
    assert (eye["world"], eye["own"], eye["competitor 1: META PLATFORMS TECHNOLOGIES"]) == ("3", "0", "2")
    assert eye["newest"].startswith("CN203A 2022-06-01")
    emerging = client.get("/api/v1/emerging", params={"format": "jsonl", "min_count": "1"})
    lines = [json.loads(line) for line in emerging.text.splitlines()]
    assert {line["kind"] for line in lines} >= {"subtopic"}
    assert any(line["value"] == "waveguide" and line["kind"] == "subtopic" for line in lines)
    board = client.get("/api/v1/scoreboard", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(board.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:6] == ("subtopic", "tech", "name_en", "name_zh", "status", "met_count")
    assert len(table) == 1 + 35
