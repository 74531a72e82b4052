#!/usr/bin/env bash
# Builds dist/gpuoptimizer-agent_<version>_<arch>.deb from the single executable that
# `npm run build:agent` wrote (npm run build:deb runs both), and, from the same files,
# dist/gpuoptimizer-agent-<version>-linux-<arch>.tar.gz for installers/install.sh.
#
#   /usr/bin/gpuoptimizer-agent                      the executable
#   /lib/systemd/system/gpuoptimizer-agent.service   hardened unit (installers/systemd)
#   /etc/gpuoptimizer/agent.yaml                     conffile: kept on upgrade
#   /etc/default/gpuoptimizer-agent                  conffile: GPUOPT_* variables for the unit
#   /usr/share/doc/gpuoptimizer-agent/               copyright, third-party licences
#   /var/lib/gpuoptimizer                            buffer (created by postinst / systemd)
#
# Needs dpkg-deb, tar, gzip. DIST_DIR (default dist/) is where the executable is read and the
# packages written; SOURCE_DATE_EPOCH (default: the last commit's time) fixes every timestamp, so
# the same inputs give the same package.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
installers="$root/installers"
dist="${DIST_DIR:-$root/dist}"
say() { echo "[build:deb] $*"; }
die() { echo "[build:deb] error: $*" >&2; exit 1; }

command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"

case "${ARCH:-$(uname -m)}" in
  x86_64 | amd64) deb_arch=amd64 node_arch=x64 ;;
  aarch64 | arm64) deb_arch=arm64 node_arch=arm64 ;;
  *) die "unsupported architecture ${ARCH:-$(uname -m)}" ;;
esac

version="${VERSION:-$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$root/agent/package.json" | head -n 1)}"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "bad version '$version' (agent/package.json)"
exe="$dist/gpuoptimizer-agent-linux-$node_arch"
[[ -x "$exe" ]] || die "$exe not found: run npm run build:agent first"
licences="$dist/sea/THIRD_PARTY_LICENSES.txt"
# The glibc the executable needs (written by build.mjs), as a dependency.
depends="passwd"
if [[ -s "$dist/sea/glibc-version" ]]; then
  glibc="$(tr -d '[:space:]' < "$dist/sea/glibc-version")"
  [[ "$glibc" =~ ^2\.[0-9]+(\.[0-9]+)?$ ]] || die "bad $dist/sea/glibc-version: $glibc"
  depends="libc6 (>= $glibc), libstdc++6, passwd"
fi

if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
  SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)"
fi
export SOURCE_DATE_EPOCH

name="gpuoptimizer-agent_${version}_${deb_arch}"
stage="$dist/deb/$name"
rm -rf "$stage"
say "staging $name"

install -D -m 0755 "$exe" "$stage/usr/bin/gpuoptimizer-agent"
install -D -m 0644 "$installers/systemd/gpuoptimizer-agent.service" "$stage/lib/systemd/system/gpuoptimizer-agent.service"
install -D -m 0640 "$installers/config/agent.yaml" "$stage/etc/gpuoptimizer/agent.yaml"
install -D -m 0640 "$installers/config/gpuoptimizer-agent.default" "$stage/etc/default/gpuoptimizer-agent"
install -D -m 0644 "$here/copyright" "$stage/usr/share/doc/gpuoptimizer-agent/copyright"
if [[ -f "$licences" ]]; then
  gzip -9n < "$licences" > "$stage/usr/share/doc/gpuoptimizer-agent/THIRD_PARTY_LICENSES.txt.gz"
  chmod 0644 "$stage/usr/share/doc/gpuoptimizer-agent/THIRD_PARTY_LICENSES.txt.gz"
fi

mkdir -p "$stage/DEBIAN"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$stage/DEBIAN/"
install -m 0644 "$here/debian/conffiles" "$stage/DEBIAN/conffiles"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: gpuoptimizer-agent
Version: $version
Architecture: $deb_arch
Maintainer: GPUOptimizer <support@gpuoptimizer.ai>
Installed-Size: $installed_size
Depends: $depends
Recommends: systemd
Section: admin
Priority: optional
Homepage: https://gpuoptimizer.ai
Description: GPUOptimizer agent: GPU utilisation and cost telemetry
 Samples every NVIDIA GPU on the host through nvidia-smi (utilisation, memory,
 power, clocks, processes), with host and cloud facts, buffers the samples on
 disk and ships them over gRPC to a GPUOptimizer collector, which prices them
 and recommends instances to shrink, stop or move to spot.
 .
 One self-contained executable (Node.js single-executable application); runs
 as the unprivileged gpuoptimizer user under a hardened systemd unit.
CONTROL
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb="$dist/$name.deb"
rm -f "$deb"
say "dpkg-deb --build (xz)"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
say "$deb: $(du -h "$deb" | cut -f1)"

# The same files for other distributions, with installers/install.sh.
tarname="gpuoptimizer-agent-${version}-linux-${node_arch}"
tstage="$dist/deb/$tarname"
rm -rf "$tstage"
install -D -m 0755 "$exe" "$tstage/gpuoptimizer-agent"
install -D -m 0755 "$installers/install.sh" "$tstage/install.sh"
install -D -m 0755 "$installers/uninstall.sh" "$tstage/uninstall.sh"
install -D -m 0644 "$installers/systemd/gpuoptimizer-agent.service" "$tstage/systemd/gpuoptimizer-agent.service"
install -D -m 0644 "$installers/config/agent.yaml" "$tstage/config/agent.yaml"
install -D -m 0644 "$installers/config/gpuoptimizer-agent.default" "$tstage/config/gpuoptimizer-agent.default"
[[ -f "$licences" ]] && install -D -m 0644 "$licences" "$tstage/THIRD_PARTY_LICENSES.txt"
find "$tstage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tarball="$dist/$tarname.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$dist/deb" -cf - "$tarname" | gzip -9n > "$tarball"
say "$tarball: $(du -h "$tarball" | cut -f1)"
