#!/bin/bash
# The EXIT STATUS section of each program's page lists exactly the exit
# statuses the program's source defines.
#
#   metasafe          client/errors.c: { METASAFE_..., STATUS, "message" }
#   metasafe-keygen   keygen/kg.h:     #define KG_EXIT_NAME STATUS
#   metasafe-admin    admin/admin.h:   #define ADMIN_EXIT_NAME STATUS
#   metasafed         monitor/metasafed.c: #define MSD_EXIT_NAME STATUS
# Every status found must be an ".It STATUS" item of the page's EXIT
# STATUS section, and every such item must be a status found (0 counts
# as found: success needs no constant).  A program whose constants cannot
# be found fails the test: the source moved, and this test must follow.
. "$(dirname "$0")/test-exec.sh"
tid "man pages list every exit status"

need_tool awk grep sed sort

# page_statuses PAGE: the .It N items of EXIT STATUS.
page_statuses() {
	awk '
		/^\.Sh/ { inx = ($0 == ".Sh EXIT STATUS"); next }
		inx && /^\.It[ \t]+[0-9]+[ \t]*$/ { print $2 }
	' "$1" | sort -un
}

# check NAME PAGE SOURCE SED-SCRIPT
check() {
	_name=$1
	_page=$TOP/man/$2
	_src=$TOP/$3
	if [ ! -f "$_src" ]; then
		fail "$_name: $3 not found; where are its exit statuses?"
		return
	fi
	[ -f "$_page" ] || { fail "$_name: man/$2 not found"; return; }
	sed -n "$4" "$_src" | sort -un > "$OBJ/$_name.src"
	if [ ! -s "$OBJ/$_name.src" ]; then
		fail "$_name: no exit statuses found in $3"
		return
	fi
	page_statuses "$_page" > "$OBJ/$_name.page"
	while read -r n; do
		grep -qx "$n" "$OBJ/$_name.page" ||
		    fail "$2: exit status $n of $_name ($3) is not listed"
	done < "$OBJ/$_name.src"
	while read -r n; do
		[ "$n" = 0 ] && continue
		grep -qx "$n" "$OBJ/$_name.src" ||
		    fail "$2: lists exit status $n, which $3 does not define"
	done < "$OBJ/$_name.page"
}

check metasafe metasafe.1 client/errors.c \
    's/^[ 	]*{ METASAFE_[A-Z_]*,[ 	]*\([0-9][0-9]*\),.*/\1/p'
check metasafe-keygen metasafe-keygen.1 keygen/kg.h \
    's/^#define[ 	]*KG_EXIT_[A-Z_]*[ 	]*\([0-9][0-9]*\).*/\1/p'
check metasafe-admin metasafe-admin.8 admin/admin.h \
    's/^#define[ 	]*ADMIN_EXIT_[A-Z_]*[ 	]*\([0-9][0-9]*\).*/\1/p'
check metasafed metasafed.8 monitor/metasafed.c \
    's/^#define[ 	]*MSD_EXIT_[A-Z_]*[ 	]*\([0-9][0-9]*\).*/\1/p'
