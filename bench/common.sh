# Shared by the bench/ scripts (sourced, not run): a work folder and background processes cleaned up on exit,
# and installing a missing command from Debian's packages when root (else a clear message and exit 2).
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
install() { # command package
  need "$1" && return 0
  if [ "$(id -u)" = 0 ] && need apt-get; then
    apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }
  else
    echo "bench: $1 is missing (Debian: apt-get install $2)" >&2; exit 2
  fi
}
