"""Quality on the labelled ISO/IEC set: 5-fold cross-validation grouped by standard series."""

from __future__ import annotations

from pathlib import Path

import pytest

from classify.crossval import cross_validate, headline
from classify.evaluate import load_standards_dev

# Measured with exactly this call (store empty, no unlabelled catalogues, default parameters):
# see the README's Classifier section. The floors sit just below, as a regression guard.
RELEVANCE_F1_FLOOR = 0.95
TECHS_MACRO_F1_FLOOR = 0.80


@pytest.mark.shared_data
def test_grouped_cross_validation(shared_data: Path) -> None:
    pairs = load_standards_dev(shared_data / "eval" / "standards_dev.jsonl")
    assert len(pairs) > 300
    result = cross_validate(pairs, folds=5, by="series")
    figures = headline(result)
    print(f"grouped 5-fold CV n={result['n']}: {figures}")
    assert result["cv"]["folds"] == 5 and result["n"] == len(pairs)
    assert figures["relevance_f1"] is not None and figures["relevance_f1"] >= RELEVANCE_F1_FLOOR
    assert figures["techs_macro_f1"] is not None and figures["techs_macro_f1"] >= TECHS_MACRO_F1_FLOOR
