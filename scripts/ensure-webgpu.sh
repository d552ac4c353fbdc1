#!/usr/bin/env bash
# The webgpu tests run in Node through the npm package `webgpu` (Dawn). Without a GPU, Dawn runs on
# SwiftShader, the CPU implementation of Vulkan that Debian's chromium package ships, loaded by
# libvulkan1. Install both when missing and we may (root with apt-get, as on CI); otherwise say
# exactly what to do. The tests point VK_ICD_FILENAMES at SwiftShader themselves.
set -euo pipefail
icd=/usr/lib/chromium/vk_swiftshader_icd.json
# ldconfig lives in /sbin, which a non-root PATH may lack.
have_loader() {
  ls /usr/lib/*-linux-gnu/libvulkan.so.1 >/dev/null 2>&1 ||
    { PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; }
}
if [ -f "$icd" ] && have_loader; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing SwiftShader for the webgpu tests (apt-get install -y chromium libvulkan1)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libvulkan1 >/dev/null
  exit 0
fi
echo "The webgpu tests need SwiftShader without a GPU: run 'sudo apt-get install -y chromium libvulkan1'." >&2
exit 1
