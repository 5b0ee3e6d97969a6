"""One logistic regression per label, Platt calibration and thresholds chosen on out-of-fold scores."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# A label's threshold and calibration come from gold examples when there are at least this many
# positives and negatives among them, else from weak examples, else they stay at the default.
MIN_VALIDATION = 8
SHRINK_POSITIVES = 30  # see calibrate()
THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.01), 2)


@dataclass
class LinearHeads:
    """Weights, intercepts and Platt (slope, offset) of every trained label; scores in [0, 1]."""

    coef: np.ndarray  # (labels, features) float32
    intercept: np.ndarray  # (labels,)
    platt: np.ndarray  # (labels, 2): p = 1 / (1 + exp(-(a * decision + b)))

    def decision(self, x: csr_matrix) -> np.ndarray:
        """Raw decision values, shape (n, labels)."""
        return np.asarray(x @ self.coef.T, dtype=np.float64) + self.intercept

    def proba(self, x: csr_matrix) -> np.ndarray:
        """Calibrated scores, shape (n, labels)."""
        return sigmoid(self.decision(x) * self.platt[:, 0] + self.platt[:, 1])

    def to_dict(self) -> dict[str, Any]:
        """Plain arrays for skops."""
        return {"coef": self.coef, "intercept": self.intercept, "platt": self.platt}


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def _fit_one(x: csr_matrix, y: np.ndarray, weight: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """One balanced, weighted L2 logistic regression → (coef, intercept); zero-weight rows are left out."""
    from sklearn.linear_model import LogisticRegression

    if (weight <= 0).any():
        rows = np.flatnonzero(weight > 0)
        x, y, weight = x[rows], y[rows], weight[rows]
    if y.min() == y.max():  # one class only among the rows it may learn from: a constant vote
        return np.zeros(x.shape[1], np.float32), 5.0 if y.max() else -5.0

    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=1000,
                               random_state=0)
    model.fit(x, y, sample_weight=weight)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit_weights(x: csr_matrix, y: np.ndarray, weight: np.ndarray, c: float | Sequence[float],
                jobs: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Weights for every column of y (liblinear frees the GIL, so threads use both cores).

    ``weight`` is one weight per row, or one per row and column of y (0 = the row says nothing
    about that label); ``c`` is one regularisation strength, or one per column of y.
    """
    weights = weight if weight.ndim == 2 else np.broadcast_to(weight[:, None], y.shape)
    cs = [float(c)] * y.shape[1] if isinstance(c, int | float) else [float(v) for v in c]
    if len(cs) != y.shape[1]:
        raise ValueError(f"need one C per label: {len(cs)} for {y.shape[1]} labels")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        fitted = list(pool.map(lambda j: _fit_one(x, y[:, j], weights[:, j], cs[j]), range(y.shape[1])))
    coef = np.vstack([f[0] for f in fitted]) if fitted else np.zeros((0, x.shape[1]), np.float32)
    return coef, np.array([f[1] for f in fitted], dtype=np.float64)


def out_of_fold(x: csr_matrix, y: np.ndarray, weight: np.ndarray, groups: Sequence[str],
                c: float | Sequence[float], folds: int = 3, jobs: int = 2) -> np.ndarray:
    """Decision values of each example from a model that did not see its group (GroupKFold)."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(y.shape, dtype=np.float64)
    n_groups = len(set(groups))
    for train, test in GroupKFold(n_splits=min(folds, n_groups)).split(x, y, groups):
        ytrain = y[train]
        wtrain = weight[train] if weight.ndim == 2 else np.broadcast_to(weight[train][:, None], ytrain.shape)
        coef, intercept = np.zeros((y.shape[1], x.shape[1]), np.float32), np.zeros(y.shape[1])
        ok = [j for j in range(y.shape[1]) if 0 < ytrain[:, j].sum() < len(train)]
        if ok:
            cs = c if isinstance(c, int | float) else [c[j] for j in ok]
            coef[ok], intercept[ok] = fit_weights(x[train], ytrain[:, ok], wtrain[:, ok], cs, jobs)
        for j in set(range(y.shape[1])) - set(ok):  # one class only in this fold: a constant vote
            intercept[j] = 5.0 if ytrain[:, j].any() else -5.0
        out[test] = np.asarray(x[test] @ coef.T) + intercept
    return out


def validation_loss(decision: np.ndarray, y: np.ndarray, gold: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """Per label, the log-loss of Platt-calibrated out-of-fold scores on its validation examples.

    The validation examples are the gold ones when a label has enough of them (as in calibrate()),
    else the weak ones; a label with neither gets 0 (so every C ties and the first wins).
    """
    out = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        for mask in (gold[:, j], weak[:, j]):
            truth = y[mask, j]
            if truth.sum() >= MIN_VALIDATION and (1 - truth).sum() >= MIN_VALIDATION:
                a, b = platt(decision[mask, j], truth)
                p = np.clip(sigmoid(a * decision[mask, j] + b), 1e-6, 1 - 1e-6)
                out[j] = -float(np.mean(truth * np.log(p) + (1 - truth) * np.log(1 - p)))
                break
    return out


def platt(decision: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling (slope, offset) fitted on decision values and their true labels."""
    from sklearn.linear_model import LogisticRegression

    if truth.min() == truth.max():
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, solver="lbfgs").fit(decision.reshape(-1, 1), truth)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def best_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    """The threshold with the best F1, smoothed over neighbouring thresholds so one lucky cut loses."""
    truth = truth.astype(bool)
    f1 = np.zeros(len(THRESHOLD_GRID))
    for i, t in enumerate(THRESHOLD_GRID):
        pred = proba >= t
        tp = float((pred & truth).sum())
        denom = float(pred.sum() + truth.sum())
        f1[i] = 2 * tp / denom if denom else 0.0
    smooth = np.convolve(f1, np.ones(7) / 7, mode="same")
    smooth[:3], smooth[-3:] = f1[:3], f1[-3:]  # the window is short at the edges: use the raw F1 there
    best = np.flatnonzero(smooth >= smooth.max() - 1e-9)
    return float(THRESHOLD_GRID[best[len(best) // 2]])


def calibrate(decision: np.ndarray, y: np.ndarray, gold: np.ndarray, weak: np.ndarray,
              labels: Sequence[str]) -> tuple[np.ndarray, dict[str, float], dict[str, str]]:
    """Per label: Platt parameters, threshold and where they came from ('gold', 'weak' or 'default').

    ``gold`` and ``weak`` are boolean masks (examples × labels) of the examples whose target for the
    label is a human judgement or a weak label; calibration and thresholds use gold when there is
    enough of it (MIN_VALIDATION positives and negatives). A label's own best threshold is noisy when
    it has few positives, so it is shrunk towards the best threshold of its group ('tech:', 'form:' …)
    pooled over the group's labels calibrated on the same source: weight n / (n + SHRINK_POSITIVES)
    on its own, n being its positives.
    """
    params = np.tile([1.0, 0.0], (len(labels), 1))
    own: dict[str, tuple[float, int]] = {}
    source: dict[str, str] = {}
    pooled: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    for j, label in enumerate(labels):
        for name, mask in (("gold", gold[:, j]), ("weak", weak[:, j])):
            truth = y[mask, j]
            if truth.sum() >= MIN_VALIDATION and (1 - truth).sum() >= MIN_VALIDATION:
                a, b = platt(decision[mask, j], truth)
                params[j] = (a, b)
                proba = sigmoid(a * decision[mask, j] + b)
                own[label] = (best_threshold(proba, truth), int(truth.sum()))
                source[label] = name
                pooled.setdefault((label.partition(":")[0], name), []).append((proba, truth))
                break
        else:
            source[label] = "default"
    thresholds: dict[str, float] = {}
    for label, (threshold, positives) in own.items():
        parts = pooled[(label.partition(":")[0], source[label])]
        if len(parts) > 1:
            proba, truth = np.concatenate([p for p, _ in parts]), np.concatenate([t for _, t in parts])
            group = best_threshold(proba, truth)
            w = positives / (positives + SHRINK_POSITIVES)
            threshold = round(w * threshold + (1 - w) * group, 2)
        thresholds[label] = threshold
    return params, thresholds, source
