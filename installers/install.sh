#!/bin/sh
# Installs (or, with --uninstall, removes) the GPUOptimizer agent on a Linux host without the
# .deb: RHEL/Rocky/Alma, Amazon Linux, SUSE, Arch, or any systemd distribution. Downloads
# nothing: it installs the executable you give it (or the one next to it) and the unit and
# config shipped beside it. Safe to run again: it converges, and keeps an edited config.
#
#   sudo ./install.sh --collector collector.example.com:50051 --api-key gpo_…
#   sudo GPUOPT_API_KEY=gpo_… ./install.sh --collector …    (keeps the key out of shell history)
#   sudo ./install.sh --uninstall [--purge]
set -eu

PROG=install.sh
usage() {
	cat <<'USAGE'
Usage: install.sh [options]
       install.sh --uninstall [--purge] [--root DIR]

Installs the GPUOptimizer agent as the systemd service gpuoptimizer-agent:
  /usr/local/bin/gpuoptimizer-agent                the executable
  /etc/systemd/system/gpuoptimizer-agent.service   the hardened unit
  /etc/gpuoptimizer/agent.yaml                     settings (created once, then kept)
  /etc/default/gpuoptimizer-agent                  GPUOPT_* variables for the unit (created once)
  /var/lib/gpuoptimizer                            the sample buffer
and the system user gpuoptimizer (in the video group, for /dev/nvidia*).

Options:
  --binary PATH          the gpuoptimizer-agent executable (default: gpuoptimizer-agent or
                         gpuoptimizer-agent-linux-<arch> next to this script, or ../dist/ in a checkout)
  --collector HOST:PORT  the collector's gRPC address, written to agent.yaml
  --api-key KEY          the agent API key, written to agent.yaml (or set GPUOPT_API_KEY)
  --insecure             plaintext gRPC (a collector on loopback or a trusted network)
  --ca FILE              CA certificate of the collector, copied to /etc/gpuoptimizer/ca.pem
  --no-start             install and enable, but do not start or restart the service
  --root DIR             install into DIR instead of / (images, tests): nothing is started
  --uninstall            stop and remove the service and the executable; keep settings and buffer
  --purge                with --uninstall: also remove settings, buffer and the gpuoptimizer user
  -h, --help             this help
USAGE
}

say() { echo "$PROG: $*"; }
die() {
	echo "$PROG: error: $*" >&2
	exit 1
}

script_dir=$(cd "$(dirname "$0")" && pwd)
binary='' collector='' api_key="${GPUOPT_API_KEY:-}" insecure=0 ca='' start=1 root='' action=install purge=0
while [ $# -gt 0 ]; do
	case "$1" in
	--binary) binary="${2:?--binary needs a path}"; shift ;;
	--binary=*) binary="${1#*=}" ;;
	--collector) collector="${2:?--collector needs host:port}"; shift ;;
	--collector=*) collector="${1#*=}" ;;
	--api-key) api_key="${2:?--api-key needs a value}"; shift ;;
	--api-key=*) api_key="${1#*=}" ;;
	--insecure) insecure=1 ;;
	--ca) ca="${2:?--ca needs a file}"; shift ;;
	--ca=*) ca="${1#*=}" ;;
	--no-start) start=0 ;;
	--root) root="${2:?--root needs a directory}"; shift ;;
	--root=*) root="${1#*=}" ;;
	--uninstall) action=uninstall ;;
	--purge) purge=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown option $1" ;;
	esac
	shift
done
[ "$purge" = 0 ] || [ "$action" = uninstall ] || die "--purge goes with --uninstall"
if [ -n "$root" ]; then
	[ -d "$root" ] || die "--root $root: not a directory"
	root=$(cd "$root" && pwd)
	[ "$root" != / ] || root=''
fi
[ "$(id -u)" = 0 ] || [ -n "$root" ] || die "run as root (sudo $0 …)"

UNIT=gpuoptimizer-agent.service
USER_NAME=gpuoptimizer
BIN=/usr/local/bin/gpuoptimizer-agent
UNIT_FILE=/etc/systemd/system/$UNIT
WANTS=/etc/systemd/system/multi-user.target.wants/$UNIT
CONF_DIR=/etc/gpuoptimizer
CONF=$CONF_DIR/agent.yaml
DEFAULTS=/etc/default/gpuoptimizer-agent
STATE=/var/lib/gpuoptimizer
CACHE=/var/cache/gpuoptimizer

live_systemd() { [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }
has_systemctl() { [ -z "$root" ] && command -v systemctl >/dev/null 2>&1; }

dpkg_owned() { # is this file owned by the .deb? then apt/dpkg manage it, not this script
	[ -z "$root" ] && command -v dpkg-query >/dev/null 2>&1 && dpkg-query -S "$1" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
entry_exists() { # entry_exists passwd|group NAME
	if [ -n "$root" ]; then grep -q "^$2:" "$root/etc/$1" 2>/dev/null; else getent "$1" "$2" >/dev/null 2>&1; fi
}
prefix_opt() { if [ -n "$root" ]; then echo "--prefix $root"; fi; }

create_user() {
	nologin=/bin/false
	for s in /usr/sbin/nologin /sbin/nologin; do if [ -x "$root$s" ] || [ -x "$s" ]; then nologin=$s; break; fi; done
	if command -v useradd >/dev/null 2>&1; then
		# shellcheck disable=SC2046 # prefix_opt is empty or two words
		entry_exists group "$USER_NAME" || groupadd $(prefix_opt) --system "$USER_NAME"
		# shellcheck disable=SC2046
		entry_exists passwd "$USER_NAME" || useradd $(prefix_opt) --system --gid "$USER_NAME" --home-dir "$STATE" \
			--no-create-home --shell "$nologin" --comment "GPUOptimizer agent" "$USER_NAME"
		# shellcheck disable=SC2046
		if entry_exists group video; then usermod $(prefix_opt) -a -G video "$USER_NAME"; fi
	elif command -v adduser >/dev/null 2>&1 && [ -z "$root" ]; then # BusyBox
		entry_exists group "$USER_NAME" || addgroup -S "$USER_NAME"
		entry_exists passwd "$USER_NAME" || adduser -S -D -H -h "$STATE" -s "$nologin" -G "$USER_NAME" "$USER_NAME"
		if entry_exists group video; then addgroup "$USER_NAME" video 2>/dev/null || true; fi
	else
		die "neither useradd nor adduser found: cannot create the $USER_NAME user"
	fi
}

remove_user() {
	if command -v userdel >/dev/null 2>&1; then
		# shellcheck disable=SC2046
		if entry_exists passwd "$USER_NAME"; then userdel $(prefix_opt) "$USER_NAME" >/dev/null 2>&1 || true; fi
		# shellcheck disable=SC2046
		if entry_exists group "$USER_NAME"; then groupdel $(prefix_opt) "$USER_NAME" >/dev/null 2>&1 || true; fi
	elif command -v deluser >/dev/null 2>&1 && [ -z "$root" ]; then
		deluser "$USER_NAME" >/dev/null 2>&1 || true
		delgroup "$USER_NAME" >/dev/null 2>&1 || true
	fi
}

# ---------------------------------------------------------------------------------------------
# Config editing: replace `key:` (or its commented example `# key:`) with `key: "value"`.
# ---------------------------------------------------------------------------------------------
yaml_quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }

set_key() { # set_key FILE KEY VALUE (VALUE already YAML)
	tmp="$1.tmp.$$"
	# The value travels in the environment: awk -v would interpret its backslashes.
	GPUOPT_SET_KEY="$2" GPUOPT_SET_VAL="$3" awk '
		BEGIN { key = ENVIRON["GPUOPT_SET_KEY"]; val = ENVIRON["GPUOPT_SET_VAL"]; done = 0 }
		!done && (index($0, key ":") == 1 || index($0, "# " key ":") == 1) { print key ": " val; done = 1; next }
		{ print }
		END { if (!done) print key ": " val }
	' "$1" >"$tmp"
	if cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 1; fi
	cat "$tmp" >"$1" # keeps the file's owner and mode
	rm -f "$tmp"
	return 0
}

configured() {
	key=$(sed -n 's/^[[:space:]]*api_key:[[:space:]]*//p' "$root$CONF" 2>/dev/null | head -n 1 |
		sed -e 's/^#.*//' -e 's/[[:space:]]#.*$//' -e 's/[[:space:]]*$//' -e "s/^[\"']//" -e "s/[\"']\$//")
	[ -n "$key" ] && return 0
	grep -Eq "^[[:space:]]*(export[[:space:]]+)?GPUOPT_API_KEY=[\"']?[^[:space:]\"']" "$root$DEFAULTS" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Uninstall
# ---------------------------------------------------------------------------------------------
if [ "$action" = uninstall ]; then
	dpkg_owned /usr/bin/gpuoptimizer-agent && say "note: the .deb is installed too; remove it with: apt-get remove gpuoptimizer-agent"
	if has_systemctl; then
		systemctl disable --now "$UNIT" >/dev/null 2>&1 || true
	fi
	rm -f "$root$WANTS" "$root$UNIT_FILE" "$root$BIN"
	rm -rf "$root/etc/systemd/system/$UNIT.d"
	if live_systemd; then systemctl daemon-reload || true; fi
	say "removed the service and $BIN"
	if [ "$purge" = 1 ]; then
		rm -rf "$root$CONF_DIR" "$root$DEFAULTS" "$root$STATE" "$root$CACHE"
		remove_user
		say "purged $CONF_DIR, $DEFAULTS, $STATE, $CACHE and the $USER_NAME user"
	else
		say "kept $CONF, $DEFAULTS and $STATE (--uninstall --purge removes them)"
	fi
	exit 0
fi

# ---------------------------------------------------------------------------------------------
# Install
# ---------------------------------------------------------------------------------------------
case "$(uname -m)" in
x86_64 | amd64) arch=x64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac
if [ -z "$binary" ]; then
	for c in "$script_dir/gpuoptimizer-agent" "$script_dir/gpuoptimizer-agent-linux-$arch" "$script_dir/../dist/gpuoptimizer-agent-linux-$arch"; do
		if [ -f "$c" ]; then binary=$c; break; fi
	done
	[ -n "$binary" ] || die "no executable next to this script: pass --binary PATH (build one with npm run build:agent)"
fi
[ -f "$binary" ] || die "--binary $binary: not found"
unit_src="$script_dir/systemd/$UNIT"
conf_src="$script_dir/config/agent.yaml"
defaults_src="$script_dir/config/gpuoptimizer-agent.default"
for f in "$unit_src" "$conf_src" "$defaults_src"; do [ -f "$f" ] || die "$f is missing (keep install.sh with its systemd/ and config/ folders)"; done
if [ -n "$collector" ]; then
	printf '%s' "$collector" | grep -Eq '^(\[[0-9A-Fa-f:.]+\]|[^:[:space:]/]+):[0-9]{1,5}$' || die "--collector: expected host:port (got '$collector')"
fi
[ -z "$ca" ] || [ -f "$ca" ] || die "--ca $ca: not found"
if dpkg_owned /usr/bin/gpuoptimizer-agent; then
	die "the gpuoptimizer-agent .deb is installed: upgrade it with apt (or remove it first)"
fi

# The executable must run here: catch a wrong architecture before touching anything.
if [ -z "$root" ]; then
	ver=$("$binary" version 2>&1) || die "$binary does not run on this host: $ver"
	say "installing $ver"
fi

changed=0
create_user

mkdir -p "$root/usr/local/bin" "$root/etc/systemd/system" "$root$CONF_DIR" "$root/etc/default" "$root$STATE"
if ! cmp -s "$binary" "$root$BIN"; then
	cp "$binary" "$root$BIN.new"
	chmod 0755 "$root$BIN.new"
	mv -f "$root$BIN.new" "$root$BIN" # atomic: a running agent keeps its old inode
	changed=1
fi
if [ -z "$root" ] && command -v restorecon >/dev/null 2>&1; then restorecon "$BIN" 2>/dev/null || true; fi # SELinux label

sed "s|^ExecStart=/usr/bin/gpuoptimizer-agent |ExecStart=$BIN |" "$unit_src" >"$root$UNIT_FILE.new"
grep -q "^ExecStart=$BIN " "$root$UNIT_FILE.new" || die "$unit_src: unexpected ExecStart line"
if cmp -s "$root$UNIT_FILE.new" "$root$UNIT_FILE"; then
	rm -f "$root$UNIT_FILE.new"
else
	chmod 0644 "$root$UNIT_FILE.new"
	mv -f "$root$UNIT_FILE.new" "$root$UNIT_FILE"
	changed=1
fi

if [ ! -e "$root$CONF" ]; then
	cp "$conf_src" "$root$CONF"
	say "created $CONF"
fi
if [ ! -e "$root$DEFAULTS" ]; then
	cp "$defaults_src" "$root$DEFAULTS"
fi
[ -n "$collector" ] && set_key "$root$CONF" collector "$(yaml_quote "$collector")" && changed=1
[ -n "$api_key" ] && set_key "$root$CONF" api_key "$(yaml_quote "$api_key")" && changed=1
[ "$insecure" = 1 ] && set_key "$root$CONF" insecure true && changed=1
if [ -n "$ca" ]; then
	if ! cmp -s "$ca" "$root$CONF_DIR/ca.pem"; then cp "$ca" "$root$CONF_DIR/ca.pem" && changed=1; fi
	set_key "$root$CONF" ca "$CONF_DIR/ca.pem" && changed=1
fi

id_of() { # id_of passwd|group NAME: the numeric id, from the target root's files under --root
	if [ -n "$root" ]; then awk -F: -v n="$2" '$1 == n { print $3; exit }' "$root/etc/$1"; else echo "$2"; fi
}
owner() { # owner USER:GROUP PATH
	chown "$(id_of passwd "${1%%:*}"):$(id_of group "${1#*:}")" "$2"
}
# The config may hold the API key: root writes it, the agent's group reads it.
owner "root:$USER_NAME" "$root$CONF_DIR"
chmod 0750 "$root$CONF_DIR"
for f in "$root$CONF" "$root$DEFAULTS" "$root$CONF_DIR/ca.pem"; do
	[ -e "$f" ] || continue
	owner "root:$USER_NAME" "$f"
	chmod 0640 "$f"
done
owner "$USER_NAME:$USER_NAME" "$root$STATE"
chmod 0750 "$root$STATE"

# Enable: with systemctl on a live system, by the symlink it would make otherwise.
if has_systemctl && live_systemd; then
	systemctl daemon-reload
	systemctl enable "$UNIT" >/dev/null 2>&1
elif has_systemctl; then
	systemctl enable "$UNIT" >/dev/null 2>&1 || { mkdir -p "$(dirname "$WANTS")" && ln -sf "$UNIT_FILE" "$WANTS"; }
else
	mkdir -p "$root$(dirname "$WANTS")"
	ln -sf "$UNIT_FILE" "$root$WANTS"
fi

if ! configured; then
	say "installed; set api_key (and collector) in $CONF, or rerun with --api-key, then: systemctl start gpuoptimizer-agent"
elif [ "$start" = 0 ]; then
	say "installed and enabled (--no-start: not started)"
elif live_systemd; then
	if systemctl is-active --quiet "$UNIT"; then
		if [ "$changed" = 1 ]; then systemctl restart "$UNIT" && say "restarted $UNIT"; else say "$UNIT is running and up to date"; fi
	else
		systemctl start "$UNIT" && say "started $UNIT"
	fi
	say "logs: journalctl -u gpuoptimizer-agent -f   state: gpuoptimizer-agent status --config $CONF"
else
	say "installed and enabled; systemd is not running here, so start it with: $BIN run --config $CONF"
fi
