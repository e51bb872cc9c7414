# Sourced by the browser checks: sets chromium_bin (installing Debian's
# chromium when missing) and profile, a fresh user-data directory removed
# on exit.
chromium_bin=$(command -v chromium || true)
if [[ -z $chromium_bin ]]; then
  echo "chromium not found: installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  chromium_bin=$(command -v chromium)
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
