#!/bin/sh
# deps.sh — make sure the Debian packages the build and tests need are there.
#
#	sh scripts/deps.sh pkg1 pkg2 ...
#
# All installed: says so and exits 0.  Some missing: as root, installs them
# with apt-get; otherwise prints the command to run and exits 1.  Then
# checks that pkg-config finds the libraries the build links against.

PC_MODULES="libssl libcrypto libbsd-overlay libbsd-ctor libseccomp lmdb cmocka"

if [ $# -eq 0 ]; then
	echo "usage: sh scripts/deps.sh package ..." >&2
	exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: dpkg-query not found; install these packages with your" \
	    "system's package manager: $*" >&2
	exit 1
fi

missing=
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	if [ "$st" != "install ok installed" ]; then
		missing="$missing $p"
	fi
done
missing=${missing# }

if [ -z "$missing" ]; then
	echo "deps: all $# packages present"
else
	echo "deps: missing: $missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root, or:" >&2
		echo "sudo apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
	apt-get update || { echo "deps: apt-get update failed" >&2; exit 1; }
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $missing ||
	    { echo "deps: apt-get install failed" >&2; exit 1; }
	for p in $missing; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
		if [ "$st" != "install ok installed" ]; then
			echo "deps: $p still not installed" >&2
			exit 1
		fi
	done
	echo "deps: installed $missing"
fi

if ! command -v pkg-config >/dev/null 2>&1; then
	echo "deps: pkg-config not found" >&2
	exit 1
fi
for m in $PC_MODULES; do
	if ! pkg-config --exists "$m"; then
		echo "deps: pkg-config cannot find $m" >&2
		exit 1
	fi
done
exit 0
