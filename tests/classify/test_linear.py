"""Per-label regularisation and the validation loss used to choose it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from classify.linear import MIN_VALIDATION, fit_weights, out_of_fold, validation_loss


def _data(n: int = 60) -> tuple[csr_matrix, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((n, 5))
    y = np.column_stack([x[:, 0] > 0.5, x[:, 1] > 0.5]).astype(np.int8)
    return csr_matrix(x), y


def test_one_c_per_label_changes_only_that_label() -> None:
    x, y = _data()
    w = np.ones(len(y))
    same, _ = fit_weights(x, y, w, 1.0, jobs=1)
    mixed, _ = fit_weights(x, y, w, [1.0, 0.01], jobs=1)
    assert np.allclose(same[0], mixed[0])
    assert np.abs(mixed[1]).sum() < np.abs(same[1]).sum()  # a smaller C shrinks the weights


def test_a_c_list_of_the_wrong_length_is_refused() -> None:
    x, y = _data()
    with pytest.raises(ValueError, match="one C per label"):
        fit_weights(x, y, np.ones(len(y)), [1.0, 2.0, 3.0], jobs=1)


def test_out_of_fold_takes_per_label_c() -> None:
    x, y = _data()
    groups = [str(i % 6) for i in range(len(y))]
    oof = out_of_fold(x, y, np.ones(len(y)), groups, [1.0, 1.0], folds=3, jobs=1)
    assert np.allclose(oof, out_of_fold(x, y, np.ones(len(y)), groups, 1.0, folds=3, jobs=1))


def test_validation_loss_prefers_the_better_scores() -> None:
    _, y = _data()
    gold = np.ones(y.shape, dtype=bool)
    weak = np.zeros(y.shape, dtype=bool)
    good = np.where(y == 1, 2.0, -2.0)
    noisy = good * np.where(np.arange(len(y))[:, None] % 3 == 0, -1.0, 1.0)
    assert (validation_loss(good, y, gold, weak) < validation_loss(noisy, y, gold, weak)).all()


def test_validation_loss_is_zero_without_enough_examples() -> None:
    y = np.zeros((MIN_VALIDATION + 2, 1), dtype=np.int8)
    y[:2] = 1  # too few positives for any validation
    mask = np.ones(y.shape, dtype=bool)
    assert validation_loss(np.zeros(y.shape), y, mask, mask).tolist() == [0.0]
