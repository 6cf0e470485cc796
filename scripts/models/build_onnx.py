#!/usr/bin/env python3
"""Builds an EfficientNet-Lite ONNX graph from a lukemelas-style state dict (read by pth_reader).

Architecture (../shared/OBJECTNET.md): stem 3x3/2 conv (32 ch) -> MBConv stages -> 1x1 head conv
to 1280 -> global average pool -> FC 1000; ReLU6 as Clip(0, 6); BatchNorm eps 1e-3; TensorFlow
"SAME" padding computed for the fixed input size (extra pixel bottom/right), realised as
asymmetric Conv pads; residual add when stride 1 and in == out. No squeeze-excite.

BatchNormalization nodes are KEPT in the graph (manifest field batchnorm = "graph"): the Swift
engine folds them into the preceding convolution at load, and keeping them means the ONNX file is
exactly the published weights with no arithmetic of ours in between.

Input `input` float32 [N, 3, S, S] (N dynamic), output `logits` float32 [N, 1000]. The serialised
bytes depend only on the state dict, so the file's SHA-256 can be pinned in the manifest.

Usage: build_onnx.py --variant lite0 --pth FILE.pth --out FILE.onnx
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pth_reader  # noqa: E402

OPSET = 13
IR_VERSION = 8
BN_EPSILON = 1e-3

# (repeats, kernel, stride, expand, in, out) before width/depth scaling.
STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]

# name -> (width, depth, resolution)
VARIANTS = {
    "lite0": (1.0, 1.0, 224),
    "lite1": (1.0, 1.1, 240),
    "lite2": (1.1, 1.2, 260),
    "lite3": (1.2, 1.4, 280),
    "lite4": (1.4, 1.8, 300),
}

STEM_CHANNELS = 32
HEAD_CHANNELS = 1280


class BuildError(Exception):
    """The state dict does not match the EfficientNet-Lite architecture."""


def round_filters(filters: int, width: float, divisor: int = 8) -> int:
    """Channel count scaled by width and rounded to a multiple of 8, never down by more than 10%."""
    scaled = filters * width
    new = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if new < 0.9 * scaled:
        new += divisor
    return int(new)


def block_plan(width: float, depth: float):
    """Yields (kernel, stride, expand, in, out) per block; depth scaling spares the first and last stage."""
    plan = []
    for i, (repeats, k, s, e, cin, cout) in enumerate(STAGES):
        cin = STEM_CHANNELS if i == 0 else round_filters(cin, width)
        cout = round_filters(cout, width)
        if 0 < i < len(STAGES) - 1:
            repeats = int(math.ceil(depth * repeats))
        for r in range(repeats):
            plan.append((k, s if r == 0 else 1, e, cin if r == 0 else cout, cout))
    return plan


def same_pads(size: int, kernel: int, stride: int) -> tuple[list[int], int]:
    """TensorFlow SAME padding for a square input: ONNX pads [top, left, bottom, right] and output size."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + kernel - size, 0)
    before = total // 2
    after = total - before
    return [before, before, after, after], out


class GraphBuilder:
    def __init__(self, state):
        self.state = state
        self.used: set[str] = set()
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.relu6_bounds = None

    def param(self, key: str, shape=None) -> str:
        if key not in self.state:
            raise BuildError(f"the state dict has no {key}")
        value = np.asarray(self.state[key])
        if value.dtype != np.float32:
            raise BuildError(f"{key} is {value.dtype}, expected float32")
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise BuildError(f"{key} has shape {list(value.shape)}, expected {list(shape)}")
        if key not in self.used:
            self.used.add(key)
            self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), key))
        return key

    def conv(self, x: str, prefix: str, cin: int, cout: int, k: int, stride: int, size: int, group: int = 1):
        pads, out = same_pads(size, k, stride)
        w = self.param(f"{prefix}.weight", (cout, cin // group, k, k))
        y = f"{prefix}.out"
        self.nodes.append(helper.make_node(
            "Conv", [x, w], [y], name=prefix, kernel_shape=[k, k], strides=[stride, stride],
            pads=pads, dilations=[1, 1], group=group))
        return y, out

    def bn(self, x: str, prefix: str, c: int) -> str:
        names = [self.param(f"{prefix}.{p}", (c,)) for p in ("weight", "bias", "running_mean", "running_var")]
        y = f"{prefix}.out"
        self.nodes.append(helper.make_node("BatchNormalization", [x] + names, [y], name=prefix, epsilon=BN_EPSILON))
        return y

    def relu6(self, x: str) -> str:
        if self.relu6_bounds is None:
            self.inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "relu6.min"))
            self.inits.append(numpy_helper.from_array(np.array(6.0, dtype=np.float32), "relu6.max"))
            self.relu6_bounds = ("relu6.min", "relu6.max")
        y = f"{x}.relu6"
        self.nodes.append(helper.make_node("Clip", [x, *self.relu6_bounds], [y], name=f"{x}.relu6"))
        return y


def build(state, variant: str) -> onnx.ModelProto:
    if variant not in VARIANTS:
        raise BuildError(f"unknown variant {variant}")
    width, depth, size = VARIANTS[variant]
    g = GraphBuilder(state)

    x, s = g.conv("input", "_conv_stem", 3, STEM_CHANNELS, 3, 2, size)
    x = g.relu6(g.bn(x, "_bn0", STEM_CHANNELS))

    plan = block_plan(width, depth)
    present = {int(k.split(".")[1]) for k in state if k.startswith("_blocks.")}
    if present != set(range(len(plan))):
        raise BuildError(f"the state dict has {len(present)} blocks, {variant} has {len(plan)}")
    for i, (k, stride, expand, cin, cout) in enumerate(plan):
        p = f"_blocks.{i}"
        inp = x
        mid = cin * expand
        if expand != 1:
            x, _ = g.conv(x, f"{p}._expand_conv", cin, mid, 1, 1, s)
            x = g.relu6(g.bn(x, f"{p}._bn0", mid))
        elif f"{p}._expand_conv.weight" in state:
            raise BuildError(f"block {i} has an expand conv but its expand ratio is 1")
        x, s_out = g.conv(x, f"{p}._depthwise_conv", mid, mid, k, stride, s, group=mid)
        x = g.relu6(g.bn(x, f"{p}._bn1", mid))
        x, _ = g.conv(x, f"{p}._project_conv", mid, cout, 1, 1, s_out)
        x = g.bn(x, f"{p}._bn2", cout)
        if stride == 1 and cin == cout:
            y = f"{p}.residual"
            g.nodes.append(helper.make_node("Add", [x, inp], [y], name=y))
            x = y
        s = s_out

    last = plan[-1][4]
    x, _ = g.conv(x, "_conv_head", last, HEAD_CHANNELS, 1, 1, s)
    x = g.relu6(g.bn(x, "_bn1", HEAD_CHANNELS))
    g.nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pool"))
    g.nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], name="flatten", axis=1))
    w = g.param("_fc.weight", (1000, HEAD_CHANNELS))
    b = g.param("_fc.bias", (1000,))
    g.nodes.append(helper.make_node("Gemm", ["features", w, b], ["logits"], name="_fc", transB=1))

    unused = sorted(k for k in state if k not in g.used and not k.endswith("num_batches_tracked"))
    if unused:
        raise BuildError(f"the graph does not use {len(unused)} weights, e.g. {unused[0]}")

    graph = helper.make_graph(
        g.nodes, f"efficientnet-{variant}",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])],
        initializer=g.inits,
    )
    graph.doc_string = (f"EfficientNet-Lite{variant[-1]} (ImageNet-1k, Apache-2.0 weights). Input RGB {size}x{size}, "
                        f"(x - 127) / 128 on the 0-255 scale. BatchNormalization kept in the graph.")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="vantage-build-onnx", producer_version="1")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", required=True, choices=sorted(VARIANTS))
    ap.add_argument("--pth", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    try:
        state = pth_reader.load(args.pth)
        model = build(state, args.variant)
    except (OSError, pth_reader.PthError, BuildError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    data = model.SerializeToString(deterministic=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
