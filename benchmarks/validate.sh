#!/usr/bin/env bash
# Photo validation benchmark (issue 4): 12 MP phone-size JPEGs, ms per stage and photos/s.
#   benchmarks/validate.sh [photos=12] [threads=2] [rounds=4]
# Photo, Validation and the fixture generator are compiled with -O straight from source (no
# SwiftPM release build of the whole server needed); swift-crypto's objects come from the debug
# build (SHA-256 runs in BoringSSL assembly either way), so `swift build --target Validation` first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build=".build/debug"
out=".build/bench"
mkdir -p "$out"
[ -d "$build/Crypto.build" ] || swift build --target Validation

maps=$(find .build/checkouts/swift-crypto/Sources/CCryptoBoringSSL* .build/checkouts/swift-crypto/Sources/CXKCP* \
            -name module.modulemap | sed 's/^/-Xcc -fmodule-map-file=/')
common=(-swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
        -O -wmo -parse-as-library -I Sources/CExif -I Sources/CTurboJPEG -I Sources/CZlib -I "$build/Modules" -I "$out")

swiftc "${common[@]}" $maps -module-name Photo -emit-module -emit-module-path "$out/Photo.swiftmodule" \
    -c Sources/Photo/*.swift -o "$out/Photo.o"
swiftc "${common[@]}" $maps -module-name Validation -emit-module -emit-module-path "$out/Validation.swiftmodule" \
    -c Sources/Validation/*.swift -o "$out/Validation.o"
crypto_objects=$(find "$build/Crypto.build" "$build/CryptoBoringWrapper.build" "$build/CCryptoBoringSSL.build" \
                      "$build/CCryptoBoringSSLShims.build" "$build/CXKCP.build" "$build/CXKCPShims.build" -name '*.o')
swiftc "${common[@]}" $maps -module-name ValidateBenchmark benchmarks/ValidateBenchmark.swift \
    Sources/VantageTestSupport/PhotoFixtures.swift "$out/Photo.o" "$out/Validation.o" $crypto_objects \
    -lexif -lturbojpeg -lz -lstdc++ -o "$out/validate-benchmark"

exec "$out/validate-benchmark" "$@"
