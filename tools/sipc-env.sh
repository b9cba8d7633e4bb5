# SPDX-License-Identifier: GPL-2.0
# Shared by the sipc shell tools: where things are cached, which Debian
# packages are needed, and how the dev VM's kernel is resolved and fetched.
# Source it; do not run it.

SIPC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIPC_CACHE=${SIPC_CACHE:-$SIPC_TOP/.cache}

# Debian packages the build, the lint and the dev VM need.
SIPC_PACKAGES=(build-essential pkg-config check sparse cpio busybox-static
	       qemu-system-x86 linux-source-6.1 xz-utils)

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

# The dev VM runs Debian's linux-image-amd64; its exact package decides the
# kernel release, and the headers are always that same version.
sipc_kernel_resolve() {
	[ -n "${SIPC_KPKG:-}" ] && return 0
	SIPC_KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$SIPC_KPKG" ]; then
		sipc_ensure_packages apt-utils
		apt-get update -q >&2
		SIPC_KPKG=$(apt-cache depends linux-image-amd64 |
			    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$SIPC_KPKG" ] || die "cannot resolve linux-image-amd64"
	SIPC_KREL=${SIPC_KPKG#linux-image-}
	SIPC_KVER=$(apt-cache policy "$SIPC_KPKG" |
		    awk '/Candidate:/ { print $2; exit }')
	SIPC_KDIR_ROOT=$SIPC_CACHE/kernel/$SIPC_KREL
	SIPC_VMLINUZ=$SIPC_KDIR_ROOT/vmlinuz
	SIPC_KDIR=$SIPC_KDIR_ROOT/root/usr/src/linux-headers-$SIPC_KREL
}

# Download the image and headers once (apt-get download + dpkg -x) and keep
# only what the VM and an external module build need.
sipc_kernel_fetch() {
	sipc_kernel_resolve
	[ -f "$SIPC_KDIR_ROOT/.complete" ] && return 0
	local flavour=${SIPC_KREL##*-} tmp
	local common=linux-headers-${SIPC_KREL%-"$flavour"}-common
	tmp=$(mktemp -d "$SIPC_CACHE/fetch.XXXXXX")
	say "downloading $SIPC_KPKG and its headers ($SIPC_KVER)"
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$SIPC_KPKG=$SIPC_KVER" \
		"linux-headers-$SIPC_KREL=$SIPC_KVER" "$common=$SIPC_KVER" \
		"linux-kbuild-${SIPC_KREL%%.0-*}=$SIPC_KVER" >&2) ||
		die "apt-get download failed"
	say "extracting kernel $SIPC_KREL"
	rm -rf "$SIPC_KDIR_ROOT"
	mkdir -p "$SIPC_KDIR_ROOT/root" "$SIPC_KDIR_ROOT/modules"
	dpkg -x "$tmp"/linux-image-*.deb "$tmp/image"
	cp "$tmp/image/boot/vmlinuz-$SIPC_KREL" "$SIPC_VMLINUZ"
	find "$tmp/image/lib/modules" -name 'binder_linux.ko' \
		-exec cp {} "$SIPC_KDIR_ROOT/modules/" \;
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
