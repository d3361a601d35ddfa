#!/usr/bin/env bash
# The GPU benchmark (bench/gpu.ts) for a Linux x86-64 machine with a GPU and a Vulkan driver but no
# Node.js, in two steps:
#
#   bench/gpu.sh pack <dir>                 here (needs Node + node_modules): writes <dir>, ~45 MB
#   bench/gpu.sh run <dir> <out.json> [--quick] [--debs <folder>]
#                                           there: unpacks Node, runs, writes ONE JSON file
#
# pack: <dir>/node.gz        this Node binary (process.execPath), gzip -9 (gzip is on every Linux;
#                            NODE_GZ=<file> reuses a pre-packed one, a <dir>/node.gz newer than the
#                            binary is kept)
#       <dir>/app/gpu.mjs    bench/gpu.ts and everything it imports, bundled by esbuild
#       <dir>/app/gpu-tau.mjs, gpu-dnn.mjs   the optional modules, when bench/gpu-tau.ts / gpu-dnn.ts exist
#       <dir>/app/node_modules/webgpu        index.js, package.json and dist/linux-x64/dawn.node.gz
#       <dir>/gpu.sh         this script
# run:  if `ldconfig -p` lists no libvulkan.so.1, extracts the Debian packages (libvulkan1 and its
#       dependencies) of --debs <folder>, else $VULKAN_DEBS, else <dir>/debs, else ./.gl, with
#       `dpkg -x` into / and runs ldconfig (root needed for that); then unpacks node and dawn.node
#       into <dir>/.unpacked and runs `node app/gpu.mjs --out <out.json> [--quick]`.
#       The NVIDIA ICD is found by the Vulkan loader (/usr/share/vulkan/icd.d, /etc/vulkan/icd.d);
#       set VK_DRIVER_FILES=<nvidia_icd.json> if not. MESOLAB_SWIFTSHADER=1 uses SwiftShader instead.
set -euo pipefail

usage() {
  sed -n '2,25p' "$0" >&2
  exit 2
}

cmd=${1:-}
[ -n "$cmd" ] || usage

case "$cmd" in
pack)
  dir=${2:-}
  [ -n "$dir" ] || usage
  repo=$(cd "$(dirname "$0")/.." && pwd)
  mkdir -p "$dir/app/node_modules/webgpu/dist/linux-x64"
  dir=$(cd "$dir" && pwd)
  node_bin=$(node -p 'process.execPath')
  if [ -n "${NODE_GZ:-}" ]; then
    cp "$NODE_GZ" "$dir/node.gz"
  elif [ ! -f "$dir/node.gz" ] || [ "$node_bin" -nt "$dir/node.gz" ]; then
    echo "compressing $node_bin ($(node --version)) ..." >&2
    gzip -9 -c "$node_bin" >"$dir/node.gz.tmp"
    mv "$dir/node.gz.tmp" "$dir/node.gz"
  fi
  node --version >"$dir/node.version"
  esbuild="$repo/node_modules/.bin/esbuild"
  # assemblyscript/binaryen (13 MB) are reached only by wasm-engine.ts building a missing lbm.wasm
  # on the fly; the WGSL runs here never load that engine, so they stay out (an import that fails).
  # Banner: bundled CommonJS dependencies still get a working require, and __dirname (the
  # Emscripten loader of TensorFlow.js's wasm backend locates its .wasm files from it).
  bundle() {
    "$esbuild" "$repo/bench/$1.ts" --bundle --platform=node --format=esm --target=node20 \
      --external:webgpu --external:gpu.js --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
      --external:assemblyscript --external:binaryen \
      --log-level=warning --outfile="$dir/app/$1.mjs" \
      --banner:js="import { createRequire as __mesolabCreateRequire } from 'node:module'; import { fileURLToPath as __mesolabPath } from 'node:url'; import { dirname as __mesolabDir } from 'node:path'; const require = __mesolabCreateRequire(import.meta.url); const __filename = __mesolabPath(import.meta.url); const __dirname = __mesolabDir(__filename);"
  }
  bundle gpu
  for m in gpu-tau gpu-dnn; do
    rm -f "$dir/app/$m.mjs"
    if [ -f "$repo/bench/$m.ts" ]; then
      bundle "$m" || echo "warning: bench/$m.ts did not bundle; its section will say missing" >&2
    fi
  done
  # tfjs' wasm backend loads its .wasm files from beside the bundle, if a module uses it.
  # surrogates/tf/backend.ts finds them with require.resolve, so they keep their package path.
  if [ -f "$dir/app/gpu-dnn.mjs" ] && [ -d "$repo/node_modules/@tensorflow/tfjs-backend-wasm/dist" ]; then
    tw="$dir/app/node_modules/@tensorflow/tfjs-backend-wasm"
    mkdir -p "$tw/dist"
    cp "$repo/node_modules/@tensorflow/tfjs-backend-wasm/package.json" "$tw/"
    cp "$repo"/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$tw/dist/"
  fi
  # gpu.js is loaded with createRequire (src/gpu/backend.ts), which esbuild cannot follow: it
  # travels as its CommonJS sources with its two runtime dependencies (the τ section compares the
  # gpu.js SOR pipeline with the WGSL solver). tfjs-node(-gpu) stay optional imports that fail.
  for m in gpu.js acorn gpu-mock.js; do
    rm -rf "$dir/app/node_modules/$m"
    mkdir -p "$dir/app/node_modules/$m"
    cp "$repo/node_modules/$m/package.json" "$dir/app/node_modules/$m/"
    for part in src dist index.js; do
      [ -e "$repo/node_modules/$m/$part" ] && cp -r "$repo/node_modules/$m/$part" "$dir/app/node_modules/$m/"
    done
  done
  rm -rf "$dir/app/node_modules/gpu.js/dist"
  wg="$repo/node_modules/webgpu"
  cp "$wg/package.json" "$wg/index.js" "$dir/app/node_modules/webgpu/"
  gzip -9 -c "$wg/dist/linux-x64/dawn.node" >"$dir/app/node_modules/webgpu/dist/linux-x64/dawn.node.gz"
  # A folder packed and run before holds the unpacked copies; the pack is the compressed ones only.
  rm -f "$dir/app/node_modules/webgpu/dist/linux-x64/dawn.node"
  # The webgpu package's own dependencies (debug) are only used by its build scripts, not index.js.
  echo '{"type":"module"}' >"$dir/app/package.json"
  cp "$repo/bench/gpu.sh" "$dir/gpu.sh"
  chmod +x "$dir/gpu.sh"
  rm -rf "$dir/.unpacked"
  echo "packed $(du -sb "$dir" | cut -f1) bytes ($(du -sh "$dir" | cut -f1)) in $dir" >&2
  ;;
run)
  dir=${2:-}
  out=${3:-}
  [ -n "$dir" ] && [ -n "$out" ] || usage
  shift 3
  dir=$(cd "$dir" && pwd)
  debs=${VULKAN_DEBS:-}
  args=()
  while [ $# -gt 0 ]; do
    case "$1" in
    --debs)
      debs=$2
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
    esac
  done
  ldc=$(command -v ldconfig || { [ -x /sbin/ldconfig ] && echo /sbin/ldconfig; } || echo /usr/sbin/ldconfig)
  if ! "$ldc" -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
    if [ -z "$debs" ]; then
      if [ -d "$dir/debs" ]; then debs="$dir/debs"; elif [ -d .gl ]; then debs=.gl; fi
    fi
    if [ -n "$debs" ] && compgen -G "$debs/*.deb" >/dev/null; then
      echo "no libvulkan.so.1: extracting $debs/*.deb into /" >&2
      for f in "$debs"/*.deb; do dpkg -x "$f" /; done
      "$ldc"
    else
      echo "warning: no libvulkan.so.1 and no .deb folder (--debs <folder> with libvulkan1*.deb); WebGPU will find no adapter" >&2
    fi
  fi
  u="$dir/.unpacked"
  mkdir -p "$u"
  if [ ! -x "$u/node" ]; then
    gzip -dc "$dir/node.gz" >"$u/node.tmp"
    chmod +x "$u/node.tmp"
    mv "$u/node.tmp" "$u/node"
  fi
  dawn="$dir/app/node_modules/webgpu/dist/linux-x64/dawn.node"
  [ -f "$dawn" ] || gzip -dc "$dawn.gz" >"$dawn"
  mkdir -p "$(dirname "$out")"
  out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
  exec "$u/node" "$dir/app/gpu.mjs" --out "$out" "${args[@]}"
  ;;
*)
  usage
  ;;
esac
