#!/usr/bin/env bash
# Regenerates Sources/Inference/Generated/onnx.pb.swift from the onnx.proto shipped in the `onnx` pip
# package, with protoc and a protoc-gen-swift built from the same swift-protobuf the package resolves,
# so the generated code always matches the runtime library it links against.
#   scripts/generate-onnx-proto.sh            (needs python3 with `onnx` installed, protoc, swift)
#   ONNX_PROTO=/path/onnx.proto scripts/...   (use a given onnx.proto instead)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Sources/Inference/Generated"

proto="${ONNX_PROTO:-$(python3 -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"))')}"
[ -f "$proto" ] || { echo "onnx.proto not found (pip install onnx, or set ONNX_PROTO)" >&2; exit 1; }
command -v protoc >/dev/null || { echo "protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

checkout="$root/.build/checkouts/swift-protobuf"
[ -d "$checkout" ] || (cd "$root" && swift package resolve)
# Build in a copy so the package's .build lock is not held while protoc-gen-swift compiles.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$checkout" "$work/swift-protobuf"
(cd "$work/swift-protobuf" && swift build -c release --product protoc-gen-swift >&2)
plugin="$(cd "$work/swift-protobuf" && swift build -c release --show-bin-path)/protoc-gen-swift"

# Generated types stay internal: no protobuf type appears in Inference's public API.
mkdir -p "$work/proto" "$out"
cp "$proto" "$work/proto/onnx.proto"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$work/proto" \
    --swift_opt=Visibility=Internal --swift_out="$work/proto" "$work/proto/onnx.proto"
cp "$work/proto/onnx.pb.swift" "$out/onnx.pb.swift"
echo "wrote $out/onnx.pb.swift from $proto" >&2
