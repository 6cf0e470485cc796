#!/usr/bin/env python3
"""Self-test of pth_reader on synthetic legacy checkpoints written the way torch.save did (no torch).

Covers storage offsets, non-contiguous strides, two tensors sharing one storage, legacy storage
views, int64 scalars, truncated files and a pickle that names a forbidden global.
Usage: test_pth_reader.py   (prints "N passed, M failed"; exit 1 on any failure)
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import struct
import sys
import types

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pth_reader  # noqa: E402

# Fake torch modules so that pickle writes the same GLOBAL opcodes torch.save wrote.
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _make_storage_class(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(torch, name, cls)
    return cls


FloatStorage = _make_storage_class("FloatStorage")
LongStorage = _make_storage_class("LongStorage")


def _rebuild_tensor_v2(*args):  # never called: only its name is pickled
    raise AssertionError


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class FakeStorage:
    def __init__(self, key, cls, data, view=None):
        self.key, self.cls, self.data, self.view = key, cls, data, view


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            pid = ("storage", obj.cls, obj.key, "cpu", obj.data.size)
            return pid + (obj.view,) if obj.view is not None else pid
        return None


def write_legacy(obj, storages) -> bytes:
    f = io.BytesIO()
    pickle.dump(pth_reader.MAGIC_NUMBER, f, protocol=2)
    pickle.dump(pth_reader.PROTOCOL_VERSION, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
    _Pickler(f, protocol=2).dump(obj)
    pickle.dump([s.key for s in storages], f, protocol=2)
    for s in storages:
        f.write(struct.pack("<q", s.data.size))
        f.write(s.data.astype(s.data.dtype.newbyteorder("<")).tobytes())
    return f.getvalue()


def case_offsets_strides_sharing():
    base = np.arange(40, dtype=np.float32)
    s = FakeStorage("0", FloatStorage, base)
    counts = FakeStorage("1", LongStorage, np.array([7, 9], dtype=np.int64))
    state = collections.OrderedDict([
        ("a", FakeTensor(s, 0, [2, 3], [3, 1])),         # contiguous at offset 0
        ("b", FakeTensor(s, 10, [3, 2], [1, 3])),        # transposed view at offset 10, same storage
        ("c", FakeTensor(s, 20, [2, 2, 2], [8, 2, 1])),  # gaps between rows
        ("n", FakeTensor(counts, 1, [], [])),            # int64 scalar at offset 1
    ])
    got = pth_reader.load_bytes(write_legacy(state, [s, counts]))
    assert list(got) == ["a", "b", "c", "n"]
    np.testing.assert_array_equal(got["a"], base[:6].reshape(2, 3))
    np.testing.assert_array_equal(got["b"], base[10:16].reshape(2, 3).T)
    np.testing.assert_array_equal(got["c"], np.array([[[20, 21], [22, 23]], [[28, 29], [30, 31]]], np.float32))
    assert got["n"].shape == () and int(got["n"]) == 9 and got["n"].dtype == np.int64
    assert got["b"].flags["C_CONTIGUOUS"] and got["a"].dtype == np.float32


def case_legacy_view():
    base = np.arange(12, dtype=np.float32)
    whole = FakeStorage("0", FloatStorage, base)
    view = FakeStorage("0", FloatStorage, base, view=("0v", 4, 6))
    state = {"w": FakeTensor(view, 1, [2, 2], [2, 1]), "all": FakeTensor(whole, 0, [12], [1])}
    got = pth_reader.load_bytes(write_legacy(state, [whole]))
    np.testing.assert_array_equal(got["w"], np.array([[5, 6], [7, 8]], np.float32))


def case_overrun_refused():
    s = FakeStorage("0", FloatStorage, np.zeros(4, np.float32))
    blob = write_legacy({"x": FakeTensor(s, 2, [3], [1])}, [s])
    _expect_error(blob, "overruns")


def case_truncated_refused():
    s = FakeStorage("0", FloatStorage, np.zeros(100, np.float32))
    blob = write_legacy({"x": FakeTensor(s, 0, [100], [1])}, [s])
    _expect_error(blob[:-10], "ends inside")
    _expect_error(blob[:50], "")


def case_forbidden_global_refused():
    f = io.BytesIO()
    pickle.dump(pth_reader.MAGIC_NUMBER, f, protocol=2)
    pickle.dump(pth_reader.PROTOCOL_VERSION, f, protocol=2)
    pickle.dump({"little_endian": True}, f, protocol=2)
    f.write(b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.")
    _expect_error(f.getvalue(), "os.system")


def case_not_a_checkpoint():
    _expect_error(b"PK\x03\x04 zip", "zip-format")
    _expect_error(pickle.dumps(42, protocol=2), "magic")


def _expect_error(blob, fragment):
    try:
        pth_reader.load_bytes(blob)
    except pth_reader.PthError as e:
        assert fragment in str(e), f"error {e!r} does not mention {fragment!r}"
        return
    raise AssertionError("no PthError")


def main() -> int:
    cases = [v for k, v in sorted(globals().items()) if k.startswith("case_")]
    failed = 0
    for case in cases:
        try:
            case()
        except Exception as e:  # report every case, not just the first failure
            failed += 1
            print(f"FAIL {case.__name__}: {type(e).__name__}: {e}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
