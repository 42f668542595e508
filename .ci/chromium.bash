# A headless Chromium for the browser test (cmd/paygate TestBrowserCheckout). Sourced by .ci/run; it
# defines a function and changes nothing until it is called.
#
#   chromium_find  exports PAYGATE_CHROMIUM: $PAYGATE_CHROMIUM if set, else chromium, chromium-browser
#                  or google-chrome on PATH; with none found it installs Debian's chromium package
#                  first (about 70 s on a fresh machine). The test then drives that browser; with
#                  PAYGATE_REQUIRE_CHROMIUM=1 it fails rather than skips when none is found.

chromium_path() {
  local name
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
}

chromium_find() {
  local path=${PAYGATE_CHROMIUM:-}
  if [ -z "$path" ]; then path=$(chromium_path); fi
  if [ -z "$path" ]; then
    echo "Chromium is not installed; installing it from the Debian packages"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    path=$(chromium_path)
    if [ -z "$path" ]; then
      echo "the chromium package is installed, but no chromium is on PATH" >&2
      return 1
    fi
  fi
  export PAYGATE_CHROMIUM=$path
  # Debian's wrapper script prints a harmless shell warning on some machines; keep the version line only.
  echo "Chromium: $("$path" --headless --no-sandbox --version 2>/dev/null | tail -n 1) ($path)"
}
