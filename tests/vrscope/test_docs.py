"""Every setting is documented in the README (datasette's test_docs habit)."""

from __future__ import annotations

from tests.conftest import ROOT
from vrscope.settings import Settings


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in Settings.model_fields if f"VRSCOPE_{name.upper()}" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head
