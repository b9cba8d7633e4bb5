# SPDX-License-Identifier: GPL-2.0
# Shared by the sipc shell tools: where things are cached, which Debian
# packages are needed, and how the dev VM's kernel is resolved and fetched.
# Source it; do not run it.

SIPC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIPC_CACHE=${SIPC_CACHE:-$SIPC_TOP/.cache}

# Debian packages the build, the lint and the dev VM need (dwarves: 6.12's
# headers run pahole on every module; rsync: each kernel's copy of the
# module's sources; apparmor: apparmor_parser, which the VM's lsm_test
# loads its profiles with; its service is not started, the host's kernel
# is not the guest's).
SIPC_PACKAGES=(build-essential pkg-config check sparse cpio busybox-static
	       qemu-system-x86 linux-source-6.1 xz-utils dwarves rsync
	       apparmor libglib2.0-dev libsystemd-dev)

say() { printf 'sipc: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Install whatever is missing, as root, once.
sipc_ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || die "apt-get update failed"
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed"
}

# The kernels sipc is tested on, oldest first. The newest is built here
# from Debian's source package (tools/sipc-debug-kernel), with the debug
# configuration; the others are Debian's own images and headers.
SIPC_KERNELS=(6.1 6.12 6.12-rt 7.2)
SIPC_NEWEST=${SIPC_KERNELS[-1]}

# The canonical name of a kernel the tools take: 6.1 (also "debian"),
# 6.12, 6.12-rt, the newest (also "latest" and "debug"), or the newest
# without the debug options, for the benchmarks (NEWEST-perf, also
# "perf"; not in the matrix).
sipc_kernel_name() {
	case $1 in
	6.1|debian) echo 6.1 ;;
	6.12|6.12-rt) echo "$1" ;;
	"$SIPC_NEWEST"|latest|debug) echo "$SIPC_NEWEST" ;;
	"$SIPC_NEWEST-perf"|perf) echo "$SIPC_NEWEST-perf" ;;
	*) return 1 ;;
	esac
}

# Debian's metapackage that names the current image of a kernel series.
sipc_kernel_meta() {
	case $1 in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	6.12-rt) echo linux-image-6.12-rt-amd64 ;;
	esac
}

# The package a metapackage depends on, from the machine's apt lists
# (updated once if they know nothing yet).
sipc_apt_dep() {
	local pkg=$1 re=$2 dep
	while :; do
		dep=$(apt-cache depends "$pkg" 2>/dev/null | awk -v re="$re" '
			$1 ~ /Depends:$/ && $2 ~ re { print $2; exit }')
		[ -z "$dep" ] && [ -z "${SIPC_APT_UPDATED:-}" ] || break
		SIPC_APT_UPDATED=1
		apt-get update -q >&2
	done
	echo "$dep"
}

# Copy what Kbuild needs to build sipc.ko (Kbuild, dkms.conf, driver/,
# include/) to DIR, as rsync: unchanged files keep their times, so make in
# DIR rebuilds only what changed.
sipc_module_copy() {
	rsync -a --delete --include="/Kbuild" --include="/dkms.conf" \
		--include="/driver/***" --include="/include/***" \
		--exclude="*" "$SIPC_TOP/" "$1/"
}

# Select kernel NAME: sets SIPC_KNAME, SIPC_KREL (its release, once known),
# SIPC_KDIR_ROOT (its cache folder) and, for Debian's kernels, the image
# package and its version. The newest kernel is resolved by
# tools/sipc-debug-kernel instead: SIPC_KFLAVOUR says which of its
# flavours (debug or perf; empty for Debian's), SIPC_KDEBUG=1 the debug one.
# shellcheck disable=SC2034 # SIPC_KDEBUG: read by sipc-vm and run-tests
sipc_kernel_select() {
	SIPC_KNAME=$(sipc_kernel_name "$1") ||
		die "unknown kernel $1 (one of ${SIPC_KERNELS[*]}, latest, debug;" \
		    "$SIPC_NEWEST-perf or perf)"
	SIPC_KDEBUG=0 SIPC_KFLAVOUR=
	case $SIPC_KNAME in
	"$SIPC_NEWEST") SIPC_KDEBUG=1 SIPC_KFLAVOUR=debug; return 0 ;;
	"$SIPC_NEWEST-perf") SIPC_KFLAVOUR=perf; return 0 ;;
	esac
	SIPC_KPKG=$(sipc_apt_dep "$(sipc_kernel_meta "$SIPC_KNAME")" '^linux-image-[0-9]')
	[ -n "$SIPC_KPKG" ] || die "cannot resolve Debian's $SIPC_KNAME kernel"
	SIPC_KREL=${SIPC_KPKG#linux-image-}
	SIPC_KVER=$(apt-cache policy "$SIPC_KPKG" |
		    awk '/Candidate:/ { print $2; exit }')
	SIPC_KDIR_ROOT=$SIPC_CACHE/kernel/$SIPC_KREL
	SIPC_VMLINUZ=$SIPC_KDIR_ROOT/vmlinuz
	SIPC_KDIR=$SIPC_KDIR_ROOT/root/usr/src/linux-headers-$SIPC_KREL
}

# Make the selected kernel ready: Debian's image and headers downloaded
# once (apt-get download + dpkg -x, keeping what the VM and an external
# module build need), or the newest one built, in the selected flavour
# (tools/sipc-debug-kernel). Sets SIPC_VMLINUZ, SIPC_KDIR, SIPC_KREL and
# SIPC_KMODULES (modules the VM loads besides sipc.ko: Debian's Binder).
sipc_kernel_fetch() {
	[ -n "${SIPC_KNAME:-}" ] || sipc_kernel_select "${SIPC_KERNEL:-6.1}"
	if [ -n "$SIPC_KFLAVOUR" ]; then
		local dir
		dir=$("$SIPC_TOP/tools/sipc-debug-kernel" \
			--flavour "$SIPC_KFLAVOUR" --dir) || exit 1
		SIPC_VMLINUZ=$dir/bzImage SIPC_KDIR=$dir/kdir
		SIPC_KREL=$(cat "$dir/release") SIPC_KMODULES=
		return 0
	fi
	SIPC_KMODULES=$SIPC_KDIR_ROOT/modules
	[ -f "$SIPC_KDIR_ROOT/.complete" ] && return 0
	local hdr=linux-headers-$SIPC_KREL common kbuild tmp
	common=$(sipc_apt_dep "$hdr" '^linux-headers-.*-common')
	kbuild=$(sipc_apt_dep "$hdr" '^linux-kbuild-')
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot resolve what $hdr depends on"
	mkdir -p "$SIPC_CACHE"
	tmp=$(mktemp -d "$SIPC_CACHE/fetch.XXXXXX")
	say "downloading $SIPC_KPKG and its headers ($SIPC_KVER)"
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"$SIPC_KPKG=$SIPC_KVER" "$hdr=$SIPC_KVER" "$common=$SIPC_KVER" \
		"$kbuild=$SIPC_KVER" >&2) ||
		die "apt-get download failed"
	say "extracting kernel $SIPC_KREL"
	rm -rf "$SIPC_KDIR_ROOT"
	mkdir -p "$SIPC_KDIR_ROOT/root" "$SIPC_KDIR_ROOT/modules"
	dpkg -x "$tmp/$SIPC_KPKG"_*.deb "$tmp/image"
	cp "$tmp/image/boot/vmlinuz-$SIPC_KREL" "$SIPC_VMLINUZ"
	find "$tmp/image/lib/modules" -name 'binder_linux.ko*' \
		-exec cp {} "$SIPC_KDIR_ROOT/modules/" \;
	# 6.12's modules are xz-compressed; busybox insmod wants them plain.
	find "$SIPC_KDIR_ROOT/modules" -name '*.ko.xz' -exec xz -d {} +
	local deb
	for deb in "$tmp"/linux-headers-*.deb "$tmp"/linux-kbuild-*.deb; do
		dpkg -x "$deb" "$SIPC_KDIR_ROOT/root"
	done
	# The flavour's Makefile includes the common tree by absolute path.
	sed -i "s|include /usr/src/|include $SIPC_KDIR_ROOT/root/usr/src/|" \
		"$SIPC_KDIR/Makefile"
	rm -rf "$tmp"
	touch "$SIPC_KDIR_ROOT/.complete"
}

# checkpatch.pl and the kselftest harness, from Debian's linux-source-6.1.
sipc_source_extract() {
	local dst=$SIPC_CACHE/linux-source
	[ -f "$dst/.complete" ] && return 0
	sipc_ensure_packages linux-source-6.1 xz-utils
	say "extracting checkpatch and kselftest headers from linux-source-6.1"
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dst" \
		--strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h ||
		die "cannot extract linux-source-6.1"
	touch "$dst/.complete"
}
