# Sourced by scripts/develop and scripts/e2e: a .venv-dev that can run a full Home Assistant.
# Needs ROOT (the repository). Defines say, fail, as_root, dev_env_prepare.

say() { echo "$(basename "$0"): $*" >&2; }
fail() { say "$*"; exit 1; }

# Run a command as root (directly, or through sudo when that works without a password).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [[ $apt_updated -eq 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Home Assistant always loads assist_satellite (a base platform), which imports
# assist_pipeline, whose two audio packages have no wheel for Python 3.14: they are compiled
# once here (about 15 s, cached by uv afterwards). Without them the frontend never gets past
# "Loading..." (its service list fails to load). The versions are the ones Home Assistant pins.
ensure_voice_packages() {
  local venv="$ROOT/.venv-dev" python manifest pins include
  python="$venv/bin/python"
  manifest="$("$python" -c 'import importlib.util, pathlib
spec = importlib.util.find_spec("homeassistant")
print(pathlib.Path(spec.submodule_search_locations[0], "components", "assist_pipeline", "manifest.json"))')"
  pins="$("$python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["requirements"]))' "$manifest")"
  [[ -n "$pins" ]] || return 0
  # shellcheck disable=SC2086 # one word per requirement
  if "$python" - $pins <<'EOF' 2>/dev/null; then return 0; fi
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, _, wanted = pin.partition("==")
    if version(name) != wanted:
        sys.exit(1)
EOF
  if ! command -v g++ >/dev/null 2>&1; then
    say "installing g++ to compile Home Assistant's voice packages (${pins})"
    apt_install g++ || fail "g++ is needed to compile ${pins}; install it (apt-get install g++)."
  fi
  say "compiling ${pins} for Python 3.14 (once)"
  # Debian's Python headers include <x86_64-linux-gnu/python3.14/pyconfig.h>: put their
  # parent folder on the include path so the build finds it.
  include="$(dirname "$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')")"
  # shellcheck disable=SC2086
  CPATH="$include${CPATH:+:$CPATH}" VIRTUAL_ENV="$venv" "$venv/bin/uv" pip install --quiet $pins \
    || fail "could not build ${pins} (see the compiler output above)."
}

# scripts/setup --dev, then what a full Home Assistant needs on top of it.
dev_env_prepare() {
  SETUP_QUIET="${SETUP_QUIET:-}" "$ROOT/scripts/setup" --dev
  ensure_voice_packages
}

# Nothing listens on 127.0.0.1:$1.
port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
