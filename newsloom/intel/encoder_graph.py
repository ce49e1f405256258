"""Writes `encoder.onnx`, the sentence encoder's forward pass as an ONNX graph whose
weights are named, not stored (they come from the encoder package's arrays when
`intel.encoder` loads). Run `python -m newsloom.intel.encoder_graph` after changing the
network here; a test checks that the shipped file is what this writes. Needs the `onnx`
package (a development dependency): newsloom itself only reads the file."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from newsloom.intel.encoder import (
    _BRANCH,
    _LEFT,
    _ORDERS,
    _WIDTH,
    DIM,
    GRAPH,
    graph_weights,
    stored_weights,
)


class _Graph:
    """Builds the graph node by node; each method adds nodes and returns its output's name."""

    def __init__(self, weights: dict[str, np.ndarray], epsilon: float) -> None:
        self.weights = weights
        self.epsilon = epsilon
        self.nodes: list[object] = []
        self.constants: list[TensorProto] = []

    def constant(self, name: str, value: np.ndarray) -> str:
        """A small constant (a slice bound, a shape) stored in the graph itself."""
        self.constants.append(numpy_helper.from_array(value, name))
        return name

    def weight(self, name: str) -> str:
        """A weight named in the graph, its data supplied when the encoder loads."""
        array = self.weights[name]
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=array.shape)
        tensor.data_location = TensorProto.EXTERNAL
        entry = tensor.external_data.add()
        entry.key, entry.value = "location", "newsloom-supplies-this-weight"
        self.constants.append(tensor)
        return name

    def op(self, kind: str, inputs: list[str], output: str, **attributes: object) -> str:
        self.nodes.append(helper.make_node(kind, inputs, [output], **attributes))
        return output

    def dense(self, x: str, weight: str, out: str, bias: bool = True) -> str:
        product = self.op("MatMul", [x, self.weight(weight)], f"{out}.product")
        if not bias:
            return product
        return self.op("Add", [product, self.weight(f"{weight}_bias")], out)

    def layer_norm(self, x: str, prefix: str, out: str) -> str:
        return self.op("LayerNormalization",
                       [x, self.weight(f"{prefix}_gamma"), self.weight(f"{prefix}_beta")],
                       out, axis=-1, epsilon=self.epsilon)

    def columns(self, source: str, begin: int, end: int, out: str) -> str:
        return self.op("Slice", [source, self.constant(f"{out}.from", np.array([begin])),
                                 self.constant(f"{out}.to", np.array([end])),
                                 self.constant(f"{out}.axis", np.array([1]))], out)

    def branch(self, x: str, index: int, width: int, left: int) -> str:
        """Two residual n-gram convolutions over one 256-wide slice of the projection:
        each token's window of `width` rows (zero outside its sentence) side by side,
        times the layer's matrix, ReLU, plus the layer's input."""
        current = self.columns(x, index * _BRANCH, (index + 1) * _BRANCH, f"b{index}.in")
        window = self.columns("window", _LEFT - left, _LEFT - left + width, f"b{index}.window")
        flat = self.constant(f"b{index}.shape", np.array([-1, width * _BRANCH]))
        for layer in (1, 2):
            name = f"b{index}.{layer}"
            padded = self.op("Concat", [current, "zero_row"], f"{name}.padded", axis=0)
            rows = self.op("Gather", [padded, window], f"{name}.rows", axis=0)
            stacked = self.op("Reshape", [rows, flat], f"{name}.stacked")
            conv = self.dense(stacked, f"conv{layer}_{width}", f"{name}.conv")
            current = self.op("Add", [self.op("Relu", [conv], f"{name}.relu"), current],
                              f"{name}.out")
        return current

    def model(self) -> bytes:
        self.constant("zero_row", np.zeros((1, _BRANCH), dtype=np.float32))
        projected = self.layer_norm(self.dense("embedded", "projection", "projected.raw"),
                                    "projection", "projected")
        branches = [self.branch(projected, i, width, left)
                    for i, (width, left) in enumerate(_ORDERS)]
        features = self.layer_norm(
            self.op("Concat", ["embedded", *branches], "features.raw", axis=1),
            "features", "features")
        # sum over each sentence, then project: the sum commutes with the linear map, so
        # the 1,280 x 512 product runs once per sentence, not once per token
        summed = self.dense(self.op("MatMul", ["pool", features], "summed.features"),
                            "pooled", "summed", bias=False)
        biased = self.op("Add", [summed, self.op(
            "Mul", ["length", self.weight("pooled_bias")], "pooled.bias")], "summed.biased")
        mean = self.op("Div", [biased, self.op("Sqrt", ["length"], "length.root")], "mean")
        first = self.op("Relu", [self.dense(mean, "head_d0", "head0", bias=False)], "head0.relu")
        second = self.op("Relu", [self.op("Add", [
            self.dense(mean, "head_p1", "skip1", bias=False),
            self.dense(first, "head_d1", "head1", bias=False)], "head1.sum")], "head1.relu")
        third = self.op("Relu", [self.dense(second, "head_d2", "head2", bias=False)],
                        "head2.relu")
        self.op("Tanh", [self.op("Add", [
            self.dense(second, "head_p3", "skip3", bias=False),
            self.dense(third, "head_d3", "head3", bias=False)], "head3.sum")], "vectors")
        value = helper.make_tensor_value_info
        graph = helper.make_graph(self.nodes, "use-multilingual-v3", [
            value("embedded", TensorProto.FLOAT, [None, DIM]),
            value("window", TensorProto.INT64, [None, _WIDTH]),
            value("pool", TensorProto.FLOAT, [None, None]),
            value("length", TensorProto.FLOAT, [None, 1])],
            [value("vectors", TensorProto.FLOAT, [None, DIM])], self.constants)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                  producer_name="newsloom")
        model.ir_version = 8  # readable by any onnxruntime newsloom accepts (1.20 and later)
        return model.SerializeToString()


def graph_bytes() -> bytes:
    with stored_weights() as stored:
        return _Graph(graph_weights(stored), float(stored["eps"])).model()


def main() -> None:
    GRAPH.write_bytes(graph_bytes())
    print(f"wrote {GRAPH} ({GRAPH.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
