#!/usr/bin/env bash
# Builds the libFuzzer target over PhotoValidator (+ PreparedPhoto) with ASan and runs it.
#   fuzz/run.sh [libFuzzer options...]     e.g. fuzz/run.sh -runs=1000000 -max_len=65536
# Photo and Validation are compiled here from source with -sanitize=fuzzer,address; swift-crypto
# (SHA-256 only) is linked uninstrumented from the debug build, so run `swift build --target
# Validation` once first. Working corpus and crashers: .build/fuzz/{corpus,crashes}; seeds: the shared EXIF corpus if present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build=".build/debug"
out=".build/fuzz"
mkdir -p "$out/corpus" "$out/crashes"
[ -d "$build/Crypto.build" ] || swift build --target Validation

common=(-swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
        -sanitize=fuzzer,address -parse-as-library -O -gline-tables-only
        -I Sources/CExif -I Sources/CTurboJPEG -I Sources/CZlib -I "$build/Modules" -I "$out")
boring_maps=$(find .build/checkouts/swift-crypto/Sources/CCryptoBoringSSL* .build/checkouts/swift-crypto/Sources/CXKCP* -name module.modulemap | sed 's/^/-Xcc -fmodule-map-file=/')

swiftc "${common[@]}" $boring_maps -wmo -module-name Photo -emit-module -emit-module-path "$out/Photo.swiftmodule" \
    -c Sources/Photo/*.swift -o "$out/Photo.o"
swiftc "${common[@]}" $boring_maps -wmo -module-name Validation -emit-module -emit-module-path "$out/Validation.swiftmodule" \
    -c Sources/Validation/*.swift -o "$out/Validation.o"

crypto_objects=$(find "$build/Crypto.build" "$build/CryptoBoringWrapper.build" "$build/CCryptoBoringSSL.build" \
                      "$build/CCryptoBoringSSLShims.build" "$build/CXKCP.build" "$build/CXKCPShims.build" -name '*.o')
swiftc "${common[@]}" $boring_maps -module-name FuzzValidator fuzz/FuzzValidator.swift "$out/Photo.o" "$out/Validation.o" \
    $crypto_objects -lexif -lturbojpeg -lz -o "$out/fuzz-validator"

seeds=("$out/corpus")
shared="${VANTAGE_SHARED_DATA:-$root/../shared/data}/exif-samples/jpg"
[ -d "$shared" ] && seeds+=("$shared/orientation" "$shared/gps" "$shared/invalid")
# rss_limit/timeout make unbounded memory or time a reported failure, not a slow machine.
exec "$out/fuzz-validator" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
    -artifact_prefix="$out/crashes/" "$@" "${seeds[@]}"
