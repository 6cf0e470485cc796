#!/usr/bin/env python3
"""Regenerates Fixtures/models/test/: tiny ONNX models with fixed weights and ONNX Runtime references.

Each model exercises one operator family so that a failing engine test points at one kernel.
References are raw little-endian float32 in C (row-major) order of the shapes listed in
manifest.json, so the Swift tests need no Python and no parser beyond JSON.

Deterministic: weights and inputs come from numpy's legacy RandomState (whose stream numpy
guarantees not to change), models are serialised with fixed producer fields, and ONNX Runtime runs
single-threaded with graph optimisations disabled.

Usage: make_test_models.py [OUT_DIR]   (default: Fixtures/models/test beside this repository)
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8
SEED = 20261130
DEFAULT_TOLERANCE = 1e-4


class Builder:
    """Collects nodes and initializers for one small graph."""

    def __init__(self, name: str, rng: np.random.RandomState):
        self.name = name
        self.rng = rng
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, name: str, array: np.ndarray, typed: bool = False) -> str:
        """An initializer stored as raw_data, or with typed=True in float_data / int64_data."""
        array = np.array(array, order="C")  # ascontiguousarray would turn a scalar into shape [1]
        if typed:
            dtype = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int64): TensorProto.INT64}[array.dtype]
            self.inits.append(helper.make_tensor(name, dtype, list(array.shape), array.flatten().tolist(), raw=False))
        else:
            self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], outputs: int | list[str] = 1, **attrs) -> str | list[str]:
        name = self.fresh(op.lower())
        outs = outputs if isinstance(outputs, list) else [f"{name}_out" if outputs == 1 else f"{name}_out{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if len(outs) == 1 else outs

    def weights(self, shape, fan_in: int) -> np.ndarray:
        return (self.rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def conv(self, x: str, cin: int, cout: int, k: int, *, stride=1, pads=None, dilation=1, group=1,
             bias=True) -> str:
        w = self.const(self.fresh("w"), self.weights((cout, cin // group, k, k), (cin // group) * k * k))
        inputs = [x, w]
        if bias:
            inputs.append(self.const(self.fresh("b"), (self.rng.standard_normal(cout) * 0.1).astype(np.float32)))
        attrs = dict(kernel_shape=[k, k], strides=[stride, stride], dilations=[dilation, dilation], group=group)
        attrs["pads"] = pads if pads is not None else [0, 0, 0, 0]
        return self.node("Conv", inputs, **attrs)

    def bn(self, x: str, c: int, eps: float = 1e-3) -> str:
        r = self.rng
        gamma = self.const(self.fresh("gamma"), r.uniform(0.5, 1.5, c).astype(np.float32))
        beta = self.const(self.fresh("beta"), (r.standard_normal(c) * 0.1).astype(np.float32))
        mean = self.const(self.fresh("mean"), (r.standard_normal(c) * 0.1).astype(np.float32))
        var = self.const(self.fresh("var"), r.uniform(0.5, 1.5, c).astype(np.float32))
        return self.node("BatchNormalization", [x, gamma, beta, mean, var], epsilon=eps)

    def relu6(self, x: str) -> str:
        lo = self.const(self.fresh("clip_min"), np.array(0.0, dtype=np.float32))
        hi = self.const(self.fresh("clip_max"), np.array(6.0, dtype=np.float32))
        return self.node("Clip", [x, lo, hi])


def spec(name, doc, x_shape, build, *, input_scale=1.0, tolerance=DEFAULT_TOLERANCE):
    return dict(name=name, doc=doc, x_shape=x_shape, build=build, input_scale=input_scale, tolerance=tolerance)


# Each build function receives the builder and returns the name of the graph's last output.

def b_conv_basic(b):
    return b.conv("x", 3, 4, 3, pads=[1, 1, 1, 1])


def b_conv_stride2_asym(b):
    return b.conv("x", 3, 5, 3, stride=2, pads=[0, 0, 1, 1])


def b_conv_asym_pads(b):
    return b.conv("x", 2, 3, 3, pads=[2, 0, 1, 3], bias=False)


def b_conv_dilation2(b):
    return b.conv("x", 3, 4, 3, pads=[2, 2, 2, 2], dilation=2)


def b_conv_groups(b):
    return b.conv("x", 4, 6, 3, pads=[1, 1, 1, 1], group=2)


def b_conv_depthwise3x3(b):
    return b.conv("x", 8, 8, 3, pads=[1, 1, 1, 1], group=8)


def b_conv_depthwise5x5_s2(b):
    return b.conv("x", 8, 8, 5, stride=2, pads=[1, 2, 3, 2], group=8)


def b_conv_depthwise3x3_s2_same(b):
    # TF SAME for 13x11 input with stride 2: totals 2 and 2 -> symmetric; 14x12 gives the extra pixel.
    return b.conv("x", 6, 6, 3, stride=2, pads=[0, 0, 1, 1], group=6, bias=False)


def b_conv_pointwise(b):
    return b.conv("x", 16, 12, 1)


def b_conv_7x7_s2(b):
    return b.conv("x", 3, 8, 7, stride=2, pads=[3, 3, 3, 3])


def b_conv_bn_relu(b):
    return b.node("Relu", [b.bn(b.conv("x", 3, 6, 3, pads=[1, 1, 1, 1], bias=False), 6)])


def b_conv_bias_bn_clip(b):
    return b.relu6(b.bn(b.conv("x", 3, 6, 3, stride=2, pads=[1, 1, 1, 1], bias=True), 6))


def b_relu(b):
    return b.node("Relu", ["x"])


def b_clip(b):
    lo = b.const("clip_min", np.array(0.0, dtype=np.float32), typed=True)
    hi = b.const("clip_max", np.array(6.0, dtype=np.float32), typed=True)
    return b.node("Clip", ["x", lo, hi])


def b_sigmoid(b):
    return b.node("Sigmoid", ["x"])


def b_sigmoid_mul(b):
    return b.node("Mul", ["x", b.node("Sigmoid", ["x"])])


def b_mul_add_broadcast(b):
    s = b.const("scale", b.rng.uniform(0.5, 2.0, (4, 1, 1)).astype(np.float32))
    t = b.const("shift", b.rng.standard_normal((1, 4, 1, 1)).astype(np.float32))
    return b.node("Add", [b.node("Mul", ["x", s]), t])


def b_add_residual(b):
    return b.node("Add", [b.conv("x", 4, 4, 1), "x"])


def b_maxpool(b):
    return b.node("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])


def b_maxpool_ceil(b):
    return b.node("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)


def b_maxpool_k2(b):
    return b.node("MaxPool", ["x"], kernel_shape=[2, 2], strides=[2, 2])


def b_avgpool_exclude_pad(b):
    return b.node("AveragePool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])


def b_avgpool_include_pad(b):
    return b.node("AveragePool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                  count_include_pad=1)


def b_avgpool_k2(b):
    return b.node("AveragePool", ["x"], kernel_shape=[2, 2], strides=[2, 2])


def b_global_avgpool(b):
    return b.node("GlobalAveragePool", ["x"])


def b_gemm(b):
    w = b.const("fc_w", b.weights((10, 20), 20))
    c = b.const("fc_b", (b.rng.standard_normal(10) * 0.1).astype(np.float32), typed=True)
    return b.node("Gemm", ["x", w, c], transB=1)


def b_gemm_plain_b(b):
    w = b.const("fcp_w", b.weights((20, 10), 20))
    c = b.const("fcp_b", (b.rng.standard_normal(10) * 0.1).astype(np.float32), typed=True)
    return b.node("Gemm", ["x", w, c], alpha=0.5, beta=2.0)


def b_gemm_rows6(b):
    w = b.const("fc6_w", b.weights((10, 20), 20))
    c = b.const("fc6_b", (b.rng.standard_normal(10) * 0.1).astype(np.float32), typed=True)
    return b.node("Gemm", ["x", w, c], transB=1)


def b_matmul(b):
    w = b.const("mm_w", b.weights((20, 7), 20))
    c = b.const("mm_b", (b.rng.standard_normal(7) * 0.1).astype(np.float32))
    return b.node("Add", [b.node("MatMul", ["x", w]), c])


def b_flatten(b):
    return b.node("Flatten", ["x"], axis=1)


def b_reshape(b):
    s1 = b.const("shape_flat", np.array([0, -1], dtype=np.int64), typed=True)
    s2 = b.const("shape_3d", np.array([0, 6, -1], dtype=np.int64))
    return b.node("Reshape", [b.node("Reshape", ["x", s1]), s2])


def b_concat(b):
    squeeze = b.node("Relu", [b.conv("x", 3, 2, 1)])
    e1 = b.node("Relu", [b.conv(squeeze, 2, 3, 1)])
    e3 = b.node("Relu", [b.conv(squeeze, 2, 4, 3, pads=[1, 1, 1, 1])])
    return b.node("Concat", [e1, e3], axis=1)


def b_softmax(b):
    return b.node("Softmax", ["x"], axis=1)


def b_dropout_identity(b):
    return b.node("Identity", [b.node("Dropout", ["x"])])


def b_pad(b):
    pads = b.const("pads", np.array([0, 0, 1, 2, 0, 0, 2, 1], dtype=np.int64), typed=True)
    value = b.const("pad_value", np.array(0.0, dtype=np.float32))
    return b.node("Pad", ["x", pads, value], mode="constant")


def b_pad_conv(b):
    pads = b.const("pads", np.array([0, 0, 0, 0, 0, 0, 1, 1], dtype=np.int64))
    return b.conv(b.node("Pad", ["x", pads]), 3, 4, 3, stride=2)


def b_reducemean(b):
    return b.node("ReduceMean", ["x"], axes=[2, 3], keepdims=1)


def b_reducemean_nokeep(b):
    return b.node("ReduceMean", ["x"], axes=[2, 3], keepdims=0)


def b_tiny_effnet(b):
    """An EfficientNet-Lite-shaped network: every structural feature of the real graphs, small."""
    pads = b.const("stem_pads", np.array([0, 0, 0, 0, 0, 0, 1, 1], dtype=np.int64))
    x = b.node("Pad", ["x", pads])  # TF SAME for 32 -> 16 at stride 2: extra pixel bottom/right
    x = b.relu6(b.bn(b.conv(x, 3, 8, 3, stride=2, bias=False), 8))
    # block 0: expand 1, depthwise 3x3 stride 1, project, residual
    h = b.relu6(b.bn(b.conv(x, 8, 8, 3, pads=[1, 1, 1, 1], group=8, bias=False), 8))
    x = b.node("Add", [b.bn(b.conv(h, 8, 8, 1, bias=False), 8), x])
    # block 1: expand 3, depthwise 5x5 stride 2 (SAME on 16: pads 1 top/left, 2 bottom/right), project
    h = b.relu6(b.bn(b.conv(x, 8, 24, 1, bias=False), 24))
    h = b.relu6(b.bn(b.conv(h, 24, 24, 5, stride=2, pads=[1, 1, 2, 2], group=24, bias=False), 24))
    x = b.bn(b.conv(h, 24, 16, 1, bias=False), 16)
    # block 2: expand 3, depthwise 5x5 stride 1, project, residual
    h = b.relu6(b.bn(b.conv(x, 16, 48, 1, bias=False), 48))
    h = b.relu6(b.bn(b.conv(h, 48, 48, 5, pads=[2, 2, 2, 2], group=48, bias=False), 48))
    x = b.node("Add", [b.bn(b.conv(h, 48, 16, 1, bias=False), 16), x])
    # head
    x = b.relu6(b.bn(b.conv(x, 16, 32, 1, bias=False), 32))
    x = b.node("Flatten", [b.node("GlobalAveragePool", [x])], axis=1)
    w = b.const("fc_w", b.weights((10, 32), 32))
    c = b.const("fc_b", (b.rng.standard_normal(10) * 0.1).astype(np.float32))
    return b.node("Gemm", [x, w, c], transB=1)


SPECS = [
    spec("conv_basic", "Conv 3x3 stride 1 pads 1 with bias on 13x11", [1, 3, 13, 11], b_conv_basic),
    spec("conv_stride2_asym", "Conv 3x3 stride 2, asymmetric pads (0,0,1,1), batch 2", [2, 3, 13, 11], b_conv_stride2_asym),
    spec("conv_asym_pads", "Conv 3x3 stride 1, pads (2,0,1,3), no bias", [1, 2, 13, 11], b_conv_asym_pads),
    spec("conv_dilation2", "Conv 3x3 dilation 2 pads 2", [1, 3, 13, 11], b_conv_dilation2),
    spec("conv_groups", "Conv 3x3 group 2 (4 -> 6 channels)", [1, 4, 13, 11], b_conv_groups),
    spec("conv_depthwise3x3", "Depthwise 3x3 stride 1 pads 1, 8 channels", [2, 8, 13, 11], b_conv_depthwise3x3),
    spec("conv_depthwise5x5_s2", "Depthwise 5x5 stride 2 pads (1,2,3,2)", [1, 8, 13, 11], b_conv_depthwise5x5_s2),
    spec("conv_depthwise3x3_s2_same", "Depthwise 3x3 stride 2 TF-SAME pads (0,0,1,1) on 14x12, no bias", [1, 6, 14, 12], b_conv_depthwise3x3_s2_same),
    spec("conv_pointwise", "Conv 1x1 16 -> 12 with bias, batch 2", [2, 16, 7, 9], b_conv_pointwise),
    spec("conv_7x7_s2", "Conv 7x7 stride 2 pads 3 (ResNet stem) on 13x11", [1, 3, 13, 11], b_conv_7x7_s2),
    spec("conv_bn_relu", "Conv (no bias) -> BatchNormalization eps 1e-3 -> Relu", [1, 3, 13, 11], b_conv_bn_relu),
    spec("conv_bias_bn_clip", "Conv (with bias) stride 2 -> BatchNormalization -> Clip(0, 6)", [1, 3, 13, 11], b_conv_bias_bn_clip, input_scale=3.0),
    spec("relu", "Relu", [2, 3, 5, 7], b_relu),
    spec("clip", "Clip with min 0 and max 6 as inputs (ReLU6), bounds in float_data", [2, 3, 5, 7], b_clip, input_scale=5.0),
    spec("sigmoid", "Sigmoid", [2, 3, 5, 7], b_sigmoid, input_scale=4.0),
    spec("sigmoid_mul", "x * Sigmoid(x) (swish): Mul of two same-shape tensors", [2, 3, 5, 7], b_sigmoid_mul, input_scale=4.0),
    spec("mul_add_broadcast", "Mul by a [4,1,1] constant then Add a [1,4,1,1] constant (per-channel broadcasting)", [2, 4, 5, 3], b_mul_add_broadcast),
    spec("add_residual", "Conv 1x1 then Add of the graph input (residual)", [1, 4, 13, 11], b_add_residual),
    spec("maxpool", "MaxPool 3x3 stride 2 pads 1", [1, 3, 13, 11], b_maxpool),
    spec("maxpool_ceil", "MaxPool 3x3 stride 2 ceil_mode 1 (SqueezeNet)", [1, 3, 14, 12], b_maxpool_ceil),
    spec("maxpool_k2", "MaxPool 2x2 stride 2 (odd size truncates)", [1, 3, 13, 11], b_maxpool_k2),
    spec("avgpool_exclude_pad", "AveragePool 3x3 stride 2 pads 1, count_include_pad 0", [1, 3, 13, 11], b_avgpool_exclude_pad),
    spec("avgpool_include_pad", "AveragePool 3x3 stride 2 pads 1, count_include_pad 1", [1, 3, 13, 11], b_avgpool_include_pad),
    spec("avgpool_k2", "AveragePool 2x2 stride 2", [1, 3, 13, 11], b_avgpool_k2),
    spec("global_avgpool", "GlobalAveragePool", [2, 5, 7, 9], b_global_avgpool),
    spec("gemm", "Gemm transB=1 with 1-D bias (bias in float_data, weight in raw_data)", [3, 20], b_gemm),
    spec("matmul", "MatMul [3,20]x[20,7] then Add of a [7] bias", [3, 20], b_matmul),
    spec("flatten", "Flatten axis 1", [2, 3, 4, 5], b_flatten),
    spec("reshape", "Reshape to [0,-1] (shape in int64_data) then to [0,6,-1] (raw_data)", [2, 3, 4, 5], b_reshape),
    spec("concat", "SqueezeNet fire module: 1x1 squeeze, 1x1 and 3x3 expand, Concat axis 1", [1, 3, 13, 11], b_concat),
    spec("softmax", "Softmax axis 1 on [N, C]", [3, 10], b_softmax, input_scale=3.0),
    spec("dropout_identity", "Dropout (inference: identity) then Identity", [2, 3, 5, 7], b_dropout_identity),
    spec("pad", "Pad constant 0 with pads (0,0,1,2,0,0,2,1) in int64_data", [1, 2, 5, 6], b_pad),
    spec("pad_conv", "Pad bottom/right by 1 then Conv 3x3 stride 2 unpadded (TF SAME)", [1, 3, 14, 12], b_pad_conv),
    spec("reducemean", "ReduceMean axes (2,3) keepdims 1", [2, 4, 5, 3], b_reducemean),
    spec("reducemean_nokeep", "ReduceMean axes (2,3) keepdims 0", [2, 4, 5, 3], b_reducemean_nokeep),
    spec("tiny_effnet", "EfficientNet-Lite-shaped: Pad+stem s2, BN, Clip, depthwise 3x3/5x5, project, residual, GAP, Gemm",
         [2, 3, 32, 32], b_tiny_effnet, tolerance=1e-3),
    # Appended last: the weights come from one random stream, so models added earlier would change the others.
    spec("gemm_plain_b", "Gemm with B not transposed, alpha 0.5, beta 2, on two rows: the few-rows path",
         [2, 20], b_gemm_plain_b),
    spec("gemm_rows6", "Gemm transB=1 on six rows: the sgemm path", [6, 20], b_gemm_rows6),
]


def unsupported_model() -> onnx.ModelProto:
    """A valid ONNX model whose LRN node the engine does not implement: a load-time error case."""
    node = helper.make_node("LRN", ["x"], ["y"], name="lrn_node", size=3)
    graph = helper.make_graph([node], "unsupported_lrn",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 5, 5])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                          producer_name="vantage-make-test-models", producer_version="1")
    m.ir_version = IR_VERSION
    onnx.checker.check_model(m)
    return m


def run_reference(model_bytes: bytes, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    (y,) = sess.run(["y"], {"x": x})
    return np.asarray(y, dtype=np.float32)


def write_f32(path: str, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        f.write(np.ascontiguousarray(array, dtype="<f4").tobytes())


PREPROCESS_CASES = [
    # name, width, height, size, border_crop
    ("preprocess_downscale", 61, 47, 32, 0),
    ("preprocess_upscale", 20, 27, 32, 0),
    ("preprocess_border", 70, 50, 24, 2),
]


def preprocess_references(out: str) -> list[dict]:
    """PIL references for the engine's resize/crop/normalise, on synthetic RGB pixels (no decoding).

    The rule (benchmarks/python/preprocess.py): optional border crop; shorter side resized to
    int(size / crop_ratio) and the longer to int(short * long / shorter) with PIL bilinear
    (antialiased when shrinking; PIL rounds the result to uint8); centre crop with
    top = int(round((h - size) / 2)); then (x - mean) / std.
    """
    from PIL import Image

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "python"))
    import preprocess as pp

    entries = []
    for i, (name, w, h, size, border) in enumerate(PREPROCESS_CASES):
        rng = np.random.RandomState(SEED + 1000 + i)
        yy, xx = np.mgrid[0:h, 0:w]
        smooth = np.stack([xx * 255.0 / w, yy * 255.0 / h, (xx + yy) * 127.0 / (w + h)], axis=-1)
        pixels = np.clip(smooth + rng.uniform(-40, 40, (h, w, 3)), 0, 255).astype(np.uint8)
        if border:
            pixels[:border, :] = pixels[-border:, :] = (255, 0, 0)
            pixels[:, :border] = pixels[:, -border:] = (255, 0, 0)
        y = pp.preprocess(Image.fromarray(pixels, "RGB"), size, 0.875, [127, 127, 127], [128, 128, 128], border)
        pixels.tofile(os.path.join(out, f"{name}.rgb.u8"))
        write_f32(os.path.join(out, f"{name}.output.f32"), y)
        entries.append({
            "name": name,
            "input": {"file": f"{name}.rgb.u8", "width": w, "height": h, "layout": "HWC RGB uint8"},
            "size": size, "crop_ratio": 0.875, "border_crop": border,
            "mean": [127, 127, 127], "std": [128, 128, 128],
            "output": {"file": f"{name}.output.f32", "shape": [3, size, size]},
            "tolerance": 0.008,
        })
    return entries


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Fixtures", "models", "test")
    out = os.path.normpath(out)
    os.makedirs(out, exist_ok=True)
    entries = []
    for s in SPECS:
        # One generator per model, seeded from the model's position, so adding a model at the end
        # leaves every earlier model's weights unchanged.
        rng = np.random.RandomState(SEED + len(entries))
        b = Builder(s["name"], rng)
        last = s["build"](b)
        # Rename the final tensor to "y" so every model has the same output name.
        for n in b.nodes:
            for i, name in enumerate(n.output):
                if name == last:
                    n.output[i] = "y"
            for i, name in enumerate(n.input):
                if name == last:
                    n.input[i] = "y"
        x = (rng.standard_normal(s["x_shape"]) * s["input_scale"]).astype(np.float32)
        # Infer the output shape from ONNX Runtime on a model with a placeholder output shape.
        graph = helper.make_graph(
            b.nodes, s["name"],
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, s["x_shape"])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            initializer=b.inits,
        )
        probe = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        probe.ir_version = IR_VERSION
        y = run_reference(probe.SerializeToString(), x)
        graph.output[0].CopyFrom(helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y.shape)))
        graph.doc_string = s["doc"]
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="vantage-make-test-models", producer_version="1")
        m.ir_version = IR_VERSION
        onnx.checker.check_model(m, full_check=True)
        data = m.SerializeToString(deterministic=True)
        y2 = run_reference(data, x)
        assert np.array_equal(y, y2)
        with open(os.path.join(out, f"{s['name']}.onnx"), "wb") as f:
            f.write(data)
        write_f32(os.path.join(out, f"{s['name']}.input.f32"), x)
        write_f32(os.path.join(out, f"{s['name']}.output.f32"), y)
        ops = sorted({n.op_type for n in m.graph.node})
        entries.append({
            "name": s["name"],
            "description": s["doc"],
            "model": f"{s['name']}.onnx",
            "operators": ops,
            "input": {"name": "x", "shape": list(x.shape), "file": f"{s['name']}.input.f32"},
            "output": {"name": "y", "shape": list(y.shape), "file": f"{s['name']}.output.f32"},
            "tolerance": s["tolerance"],
        })
        print(f"{s['name']:28s} {str(list(x.shape)):18s} -> {str(list(y.shape)):18s} {','.join(ops)}")

    with open(os.path.join(out, "unsupported_lrn.onnx"), "wb") as f:
        f.write(unsupported_model().SerializeToString(deterministic=True))

    manifest = {
        "format": ("Each *.f32 file is raw little-endian float32, C (row-major) order of its shape, no header. "
                   "tolerance is the maximum allowed absolute difference per element from the ONNX Runtime "
                   "reference (ORT 1.20.1, graph optimisations disabled, one thread)."),
        "generator": "scripts/models/make_test_models.py",
        "opset": OPSET,
        "models": entries,
        "unsupported": [{"model": "unsupported_lrn.onnx", "operator": "LRN", "node": "lrn_node"}],
        "preprocessing_format": ("*.rgb.u8: raw uint8 RGB pixels, row-major HWC, no header. Output: float32 CHW "
                                 "after PIL resize/crop/normalise; tolerance is one uint8 step (1/128) since PIL "
                                 "rounds the resized pixels to uint8."),
        "preprocessing": preprocess_references(out),
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
