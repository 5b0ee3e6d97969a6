"""The Kibana saved objects: valid NDJSON, every reference resolves, every field is in the mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from search.elastic_mapping import mappings
from tests.conftest import ROOT
from vrscope.settings import Settings

NDJSON = ROOT / "dashboards" / "kibana" / "vrscope-saved-objects.ndjson"
AGGREGATABLE = {"keyword", "integer", "date", "boolean"}


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    """Every saved object in the file, one per line."""
    lines = NDJSON.read_text("utf-8").splitlines()
    assert lines and all(line.strip() for line in lines)
    return [json.loads(line) for line in lines]


def test_objects_are_well_formed(objects: list[dict[str, Any]]) -> None:
    ids = [(o["type"], o["id"]) for o in objects]
    assert len(set(ids)) == len(ids)
    assert {t for t, _ in ids} == {"index-pattern", "visualization", "dashboard"}
    for obj in objects:
        assert obj["attributes"]["title"]
        for embedded in ("visState", "panelsJSON", "optionsJSON", "uiStateJSON"):
            if embedded in obj["attributes"]:
                json.loads(obj["attributes"][embedded])
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            json.loads(meta["searchSourceJSON"])


def test_references_resolve(objects: list[dict[str, Any]]) -> None:
    known = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        names = {ref["name"] for ref in obj["references"]}
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in known, ref
        attributes = obj["attributes"]
        if "panelsJSON" in attributes:
            assert {p["panelRefName"] for p in json.loads(attributes["panelsJSON"])} == names
        source = json.loads(attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
        if "indexRefName" in source:
            assert source["indexRefName"] in names


def test_the_data_view_is_the_alias(objects: list[dict[str, Any]]) -> None:
    (view,) = [o for o in objects if o["type"] == "index-pattern"]
    assert view["attributes"]["title"] == Settings.model_fields["es_index"].default


def test_visualizations_use_aggregatable_mapped_fields(objects: list[dict[str, Any]]) -> None:
    props = mappings()["properties"]
    fields = set()
    for obj in objects:
        if obj["type"] == "visualization":
            for agg in json.loads(obj["attributes"]["visState"])["aggs"]:
                if "field" in agg["params"]:
                    fields.add(agg["params"]["field"])
    assert {"year", "techs", "jurisdiction", "applicants"} <= fields
    assert all(props[field]["type"] in AGGREGATABLE for field in fields)
