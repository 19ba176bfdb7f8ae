#!/usr/bin/env bash
# Builds the Debian package of confide with cargo-deb: target/debian/confide_VERSION-1_ARCH.deb
# (the version is Cargo.toml's; the path is printed last).
#
# It builds the release binary (cargo reuses one that is up to date), then generates from
# that binary the manual page of every command and the bash, zsh and fish completions, and
# packs them with the README, the docs and the licence as [package.metadata.deb] in
# Cargo.toml lists them.
#
# Needs cargo-deb (`cargo install --locked cargo-deb@3.8.0`; CARGO_DEB names another
# binary) and, for the package's dependencies, dpkg-shlibdeps (Debian package dpkg-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: scripts/package.sh [--no-build]

  --no-build   package the release binary that is already built, without running cargo build
EOF
}

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

cargo_deb="${CARGO_DEB:-cargo-deb}"
command -v "$cargo_deb" >/dev/null 2>&1 || {
  echo "cargo-deb is not installed: cargo install --locked cargo-deb@3.8.0" >&2
  exit 1
}
command -v dpkg-shlibdeps >/dev/null 2>&1 || {
  echo "dpkg-shlibdeps is missing (Debian package dpkg-dev): the package would declare no dependencies" >&2
  exit 1
}

# Where cargo builds (CARGO_TARGET_DIR or a configured target-dir move it).
target_dir=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
release="$target_dir/release"

if [ "$build" = 1 ]; then
  cargo build --release --locked --quiet --bin confide
fi
[ -x "$release/confide" ] || { echo "no release binary at $release/confide" >&2; exit 1; }

# Generated from the binary being packed, so they describe exactly its commands and options.
# Cargo.toml's assets read them from target/release/package/.
assets="$release/package"
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"
"$release/confide" man --out "$assets/man"
gzip -9 --no-name "$assets"/man/*.1
"$release/confide" completions bash > "$assets/completions/confide.bash"
"$release/confide" completions zsh > "$assets/completions/_confide"
"$release/confide" completions fish > "$assets/completions/confide.fish"

# The Maintainer field: Cargo.toml's, or as Debian's own tools take it, from DEBFULLNAME
# and DEBEMAIL.
maintainer=()
if [ -n "${DEBEMAIL:-}" ]; then
  maintainer=(--maintainer "${DEBFULLNAME:-The confide authors} <$DEBEMAIL>")
fi

rm -f "$target_dir"/debian/confide_*.deb
"$cargo_deb" --no-build --locked --quiet "${maintainer[@]}" --output "$target_dir/debian/" >/dev/null
ls "$target_dir"/debian/confide_*.deb
