"""The learned decision tried for "ask this article": a logistic regression over the
candidate features (answer_features) that gives each sentence the probability that it
holds the answer, fitted on the development questions of benchmarks/data/qa-hand.jsonl by
`benchmarks/answer_model.py --fit` and kept as JSON (benchmarks/data/answer-model.json),
applied with numpy alone.

A logistic regression, because under grouped cross-validation by article it generalised
better than boosted trees on the ~500 development questions, and its weights say which
evidence counts. It is not what the portal runs: on the fresh held-out questions, scored
once, it was less precise than the hand rules (docs/benchmarks.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.answer_features import FEATURES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "answer-model.json"
REGULARISATION = 0.1  # scikit-learn's C: fewer, smaller weights for ~500 questions


@dataclass(frozen=True)
class AnswerModel:
    mean: np.ndarray     # per feature, subtracted before weighting
    scale: np.ndarray    # per feature, divided by before weighting
    weights: np.ndarray
    bias: float
    threshold: float     # quote the best sentence when its probability reaches this ...
    # ... or this, for a question in another script than the article: its words are
    # matched through a translation and fewer checks can veto, so its scores mean less
    cross_threshold: float
    trained_on: tuple[str, ...] = ()

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(the sentence holds the answer) for each row of candidate features."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))
        raw = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(raw, -40.0, 40.0)))

    def threshold_for(self, cross_script: bool) -> float:
        return self.cross_threshold if cross_script else self.threshold

    def to_json(self) -> str:
        def rounded(values: np.ndarray) -> list[float]:
            return [round(float(v), 6) for v in values]

        return json.dumps({"features": list(FEATURES), "mean": rounded(self.mean),
                           "scale": rounded(self.scale), "weights": rounded(self.weights),
                           "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
                           "cross_threshold": round(self.cross_threshold, 6),
                           "trained_on": list(self.trained_on)}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> AnswerModel:
        data = json.loads(text)
        if data.get("features") != list(FEATURES):
            raise ValueError("the answer model was fitted on other features: run "
                             "`benchmarks/answer_model.py --fit`")
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]),
                   float(data["bias"]), float(data["threshold"]),
                   float(data["cross_threshold"]), tuple(data.get("trained_on", ())))


def fitted_model() -> AnswerModel:
    """The model last written by `benchmarks/answer_model.py --fit`."""
    return AnswerModel.from_json(MODEL_PATH.read_text())


def fit_logistic(x: np.ndarray, y: np.ndarray) -> AnswerModel:
    """A logistic regression on standardised features (scikit-learn, needed only here:
    `pip install newsloom[fit]`), with thresholds 0.5 until they are chosen. Fixed settings,
    so a re-fit on the same candidates gives the same model up to rounding."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError("fitting the answer model needs scikit-learn: "
                           "pip install 'newsloom[fit]'") from error
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=REGULARISATION, max_iter=5000).fit((x - mean) / scale, y)
    return AnswerModel(mean, scale, fitted.coef_[0].astype(np.float64),
                       float(fitted.intercept_[0]), 0.5, 0.5)
