#!/usr/bin/env python3
"""Reads a legacy (pre-zip) PyTorch `.pth` state dict into numpy arrays, without torch.

The legacy format (torch.save with _use_new_zipfile_serialization=False, torch < 1.6) is a
sequence of pickles followed by raw storage data:

  1. magic number (int), 2. protocol version (int), 3. sys info (dict),
  4. the object itself, where every tensor is `torch._utils._rebuild_tensor_v2(storage, offset,
     size, stride, ...)` and every storage is a persistent id
     ('storage', StorageType, key, location, numel[, view_metadata]),
  5. the list of storage keys in the order their data follows,
  then for each key: int64 little-endian element count, then count * element-size raw bytes.

The unpickler resolves only the handful of globals such files use; anything else is refused, so
reading an untrusted file never imports or runs arbitrary code.

Usage as a script: pth_reader.py FILE.pth   (prints each tensor's name, shape and dtype)
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import sys

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class PthError(Exception):
    """The file is not a legacy PyTorch checkpoint this reader understands."""


class StorageType:
    """Stand-in for torch.FloatStorage and friends: only the element dtype matters."""

    def __init__(self, name: str, dtype: np.dtype):
        self.name = name
        self.dtype = np.dtype(dtype).newbyteorder("<")

    def __repr__(self) -> str:
        return f"StorageType({self.name})"


STORAGE_TYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class StorageRef:
    """A storage named by a persistent id; its data is filled in after the pickles are read."""

    def __init__(self, key: str, stype: StorageType, numel: int):
        self.key = key
        self.stype = stype
        self.numel = numel
        self.data: np.ndarray | None = None


class View:
    """A view into a storage (legacy view_metadata): a base storage plus an element offset."""

    def __init__(self, base: StorageRef, offset: int, size: int):
        self.base = base
        self.offset = offset
        self.size = size


class PendingTensor:
    """A tensor whose storage data is not read yet; materialised once all storages are loaded."""

    def __init__(self, storage, offset: int, size, stride):
        self.storage = storage
        self.offset = int(offset)
        self.size = tuple(int(s) for s in size)
        self.stride = tuple(int(s) for s in stride)

    def materialise(self) -> np.ndarray:
        storage, offset = self.storage, self.offset
        if isinstance(storage, View):
            offset += storage.offset
            storage = storage.base
        data = storage.data
        if data is None:
            raise PthError(f"storage {storage.key} has no data")
        if not self.size:
            if offset >= data.size:
                raise PthError("a scalar tensor lies outside its storage")
            return np.array(data[offset], dtype=data.dtype.newbyteorder("="))
        if any(s < 0 for s in self.size) or any(s < 0 for s in self.stride):
            raise PthError("negative size or stride")
        if 0 in self.size:
            return np.zeros(self.size, dtype=data.dtype.newbyteorder("="))
        last = offset + sum((n - 1) * s for n, s in zip(self.size, self.stride))
        if offset < 0 or last >= data.size:
            raise PthError(f"a tensor of size {self.size} at offset {offset} overruns its storage of {data.size}")
        item = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[offset:], shape=self.size, strides=tuple(s * item for s in self.stride), writeable=False)
        return np.array(view, dtype=data.dtype.newbyteorder("="), order="C")


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    return PendingTensor(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return PendingTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    """Maps the torch globals such files name onto the stand-ins above; refuses everything else."""

    def __init__(self, file, storages: dict[str, StorageRef]):
        super().__init__(file, encoding="utf-8")
        self.storages = storages

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_tensor":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in STORAGE_TYPES:
            return StorageType(name, STORAGE_TYPES[name])
        raise PthError(f"the checkpoint refers to {module}.{name}, which this reader does not allow")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise PthError(f"unexpected persistent id {pid!r}")
        stype, key, _location, numel = pid[1], str(pid[2]), pid[3], int(pid[4])
        view_metadata = pid[5] if len(pid) > 5 else None
        if not isinstance(stype, StorageType):
            raise PthError(f"unexpected storage type {stype!r}")
        ref = self.storages.get(key)
        if ref is None:
            ref = StorageRef(key, stype, numel)
            self.storages[key] = ref
        if view_metadata is not None:
            _view_key, offset, view_size = view_metadata
            return View(ref, int(offset), int(view_size))
        return ref


def _resolve(obj):
    if isinstance(obj, PendingTensor):
        return obj.materialise()
    if isinstance(obj, collections.OrderedDict):
        return collections.OrderedDict((k, _resolve(v)) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: _resolve(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_resolve(v) for v in obj)
    return obj


def load_bytes(blob: bytes):
    """Returns the checkpoint's object (usually an OrderedDict name -> numpy array)."""
    if blob[:2] == b"PK":
        raise PthError("this is a zip-format checkpoint (torch >= 1.6), not the legacy format")
    f = io.BytesIO(blob)
    storages: dict[str, StorageRef] = {}
    try:
        magic = _Unpickler(f, storages).load()
        if magic != MAGIC_NUMBER:
            raise PthError("not a legacy PyTorch checkpoint (wrong magic number)")
        protocol = _Unpickler(f, storages).load()
        if protocol != PROTOCOL_VERSION:
            raise PthError(f"unsupported checkpoint protocol version {protocol}")
        sys_info = _Unpickler(f, storages).load()
        if not isinstance(sys_info, dict) or not sys_info.get("little_endian", True):
            raise PthError("big-endian checkpoints are not supported")
        obj = _Unpickler(f, storages).load()
        keys = _Unpickler(f, storages).load()
    except PthError:
        raise
    except Exception as e:  # pickle raises many types on garbage; turn them into one sentence
        raise PthError(f"the checkpoint's pickles are unreadable ({type(e).__name__}: {e})") from e
    if not isinstance(keys, list):
        raise PthError("the storage key list is missing")
    for key in keys:
        ref = storages.get(str(key))
        if ref is None:
            raise PthError(f"storage {key} is listed but never referenced")
        header = f.read(8)
        if len(header) != 8:
            raise PthError(f"the file ends before storage {key}")
        (count,) = struct.unpack("<q", header)
        if count != ref.numel:
            raise PthError(f"storage {key} holds {count} elements, the pickle said {ref.numel}")
        nbytes = count * ref.stype.dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise PthError(f"the file ends inside storage {key}")
        ref.data = np.frombuffer(raw, dtype=ref.stype.dtype)
    if f.read(1):
        raise PthError("unexpected bytes after the last storage")
    return _resolve(obj)


def load(path: str):
    """Reads a legacy `.pth` file; see load_bytes."""
    with open(path, "rb") as fh:
        return load_bytes(fh.read())


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: pth_reader.py FILE.pth", file=sys.stderr)
        return 2
    try:
        state = load(sys.argv[1])
    except (OSError, PthError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    total = 0
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            total += value.size
            print(f"{name:50s} {str(list(value.shape)):20s} {value.dtype}")
        else:
            print(f"{name:50s} {value!r}")
    print(f"{len(state)} entries, {total} elements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
