"""The learned decision of the story engine: gradient-boosted trees over the pair features
(`newsloom.intel.pair_features`), fitted on hand-labelled streams by `newsloom fit-stories`
and shipped as JSON inside the package.

Trees, because the evidence interacts (a high embedding similarity means little across
languages, shared numbers matter on a market day and not otherwise): on the labelled
streams boosted trees beat a logistic regression on the same features by about 2 points
of mean B-cubed F1 (-0.2 to +5.3 per set; docs/benchmarks.md). scikit-learn fits them;
applying them is a few numpy comparisons per tree level, so the portal needs no
machine-learning library at run time."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from newsloom.intel.pair_features import FEATURES

MODEL_FILE = "story_model.json"
# 31 leaves a tree: on the fourteen labelled streams, trees fitted on thirteen and scored on
# the fourteenth (threshold 0.35, merge level 0.8), mean B-cubed F1 0.8866 against 0.8804
# with 15 leaves; 23 and 63 leaves 0.8803 and 0.8809, 31 with 400 trees or an L2 penalty
# 0.8850 and 0.8858 (docs/benchmarks.md, seventh session)
TREE_SETTINGS = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 31,
                 "random_state": 0, "early_stopping": False}


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    missing_left: np.ndarray
    value: np.ndarray

    def to_dict(self) -> dict[str, list[float] | list[int]]:
        return {"feature": self.feature.tolist(),
                "threshold": [round(float(t), 6) for t in self.threshold],
                "left": self.left.tolist(), "right": self.right.tolist(),
                "leaf": self.leaf.astype(int).tolist(),
                "missing_left": self.missing_left.astype(int).tolist(),
                "value": [round(float(v), 6) for v in self.value]}

    @classmethod
    def from_dict(cls, data: dict[str, list]) -> Tree:  # type: ignore[type-arg]
        return cls(np.array(data["feature"], dtype=np.int64), np.array(data["threshold"]),
                   np.array(data["left"], dtype=np.int64),
                   np.array(data["right"], dtype=np.int64),
                   np.array(data["leaf"], dtype=bool), np.array(data["missing_left"], dtype=bool),
                   np.array(data["value"]))


class _Forest:
    """All trees padded into one array of nodes, so every row walks every tree at once:
    one numpy step per tree level instead of one per tree and level (walking tree by
    tree made fitting the threshold on the streams take minutes; now about 1 ms a
    decision over a couple of dozen candidate stories)."""

    def __init__(self, trees: tuple[Tree, ...]) -> None:
        width = max((len(t.value) for t in trees), default=1)

        def pad(name: str, fill: object, dtype: type) -> np.ndarray:
            out = np.full((len(trees), width), fill, dtype=dtype)
            for i, tree in enumerate(trees):
                values = getattr(tree, name)
                out[i, :len(values)] = values
            return out

        base = (np.arange(len(trees)) * width)[:, None]
        own = base + np.arange(width)[None, :]
        leaf = pad("leaf", True, bool)
        # flat node numbers across all trees; a leaf points to itself, so walking on
        # from a leaf stays there and all rows can take the same number of steps
        self.feature = pad("feature", 0, np.int64).ravel()
        self.threshold = pad("threshold", 0.0, np.float64).ravel()
        left = np.where(leaf, own, pad("left", 0, np.int64) + base).ravel()
        right = np.where(leaf, own, pad("right", 0, np.int64) + base).ravel()
        # node n's left child at 2n, its right child at 2n + 1: one gather a step
        self.children = np.column_stack([left, right]).ravel()
        self.leaf = leaf.ravel()
        self.missing_left = pad("missing_left", True, bool).ravel()
        self.value = pad("value", 0.0, np.float64).ravel()
        self.roots = base.ravel()
        self.depth = _depth(trees)

    def leaf_sum(self, rows: np.ndarray) -> np.ndarray:
        count, width = rows.shape
        node = np.repeat(self.roots, count)
        cell = np.tile(np.arange(count) * width, len(self.roots))
        values = rows.ravel()
        missing = bool(np.isnan(values).any())
        for _ in range(self.depth):
            if self.leaf[node].all():
                break
            x = values[cell + self.feature[node]]
            go_right = ~(x <= self.threshold[node])
            if missing:
                go_right = np.where(np.isnan(x), ~self.missing_left[node], go_right)
            node = self.children[2 * node + go_right]
        return self.value[node].reshape(len(self.roots), count).sum(axis=0)


def _depth(trees: tuple[Tree, ...]) -> int:
    """The longest root-to-leaf path of any tree."""
    deepest = 0
    for tree in trees:
        stack = [(0, 0)]
        while stack:
            node, depth = stack.pop()
            if tree.leaf[node]:
                deepest = max(deepest, depth)
            else:
                stack += [(int(tree.left[node]), depth + 1), (int(tree.right[node]), depth + 1)]
    return deepest


NEVER = 1.01  # a merge level no probability reaches


@dataclass(frozen=True)
class StoryModel:
    baseline: float
    trees: tuple[Tree, ...]
    threshold: float  # join the best story when its probability reaches this
    trained_on: tuple[str, ...] = ()
    # an article joining a story also merges into it the other candidate stories it
    # belongs to with at least this probability
    merge_at: float = NEVER

    def __post_init__(self) -> None:
        object.__setattr__(self, "_forest", _Forest(self.trees))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(same story) for each row of pair features."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))
        raw = self.baseline + self._forest.leaf_sum(rows)  # type: ignore[attr-defined]
        return 1.0 / (1.0 + np.exp(-np.clip(raw, -40.0, 40.0)))

    def with_threshold(self, threshold: float) -> StoryModel:
        return replace(self, threshold=threshold)

    def with_merge_at(self, merge_at: float) -> StoryModel:
        return replace(self, merge_at=merge_at)

    def to_json(self) -> str:
        return json.dumps({"features": list(FEATURES), "baseline": self.baseline,
                           "threshold": self.threshold, "merge_at": self.merge_at,
                           "trained_on": list(self.trained_on),
                           "trees": [t.to_dict() for t in self.trees]},
                          separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> StoryModel:
        data = json.loads(text)
        if data.get("features") != list(FEATURES):
            raise ValueError("the story model was fitted on other features: run "
                             "`newsloom fit-stories`")
        return cls(float(data["baseline"]), tuple(Tree.from_dict(t) for t in data["trees"]),
                   float(data["threshold"]), tuple(data.get("trained_on", ())),
                   float(data.get("merge_at", NEVER)))


@cache
def default_model() -> StoryModel:
    """The model shipped in the package."""
    return StoryModel.from_json(files("newsloom.intel").joinpath(MODEL_FILE).read_text())


def model_path() -> Path:
    return Path(str(files("newsloom.intel").joinpath(MODEL_FILE)))


def fit_trees(x: np.ndarray, y: np.ndarray) -> StoryModel:
    """Boosted trees from labelled pairs (scikit-learn, needed only here: `pip install
    newsloom[fit]`), converted to the package's own JSON trees. Fixed seed and settings,
    so a re-fit on the same pairs gives the same model."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError("fitting the story model needs scikit-learn: "
                           "pip install 'newsloom[fit]'") from error
    fitted = HistGradientBoostingClassifier(**TREE_SETTINGS).fit(x, y)
    trees = []
    for (predictor,) in fitted._predictors:  # one tree per iteration for two classes
        nodes = predictor.nodes
        trees.append(Tree(nodes["feature_idx"].astype(np.int64),
                          nodes["num_threshold"].astype(np.float64),
                          nodes["left"].astype(np.int64), nodes["right"].astype(np.int64),
                          nodes["is_leaf"].astype(bool), nodes["missing_go_to_left"].astype(bool),
                          nodes["value"].astype(np.float64)))
    model = StoryModel(float(np.ravel(fitted._baseline_prediction)[0]), tuple(trees), 0.5)
    check = x[: min(len(x), 500)]
    if not np.allclose(model.probabilities(check), fitted.predict_proba(check)[:, 1],
                       atol=1e-6):
        raise RuntimeError("converted trees disagree with scikit-learn's")
    return model
