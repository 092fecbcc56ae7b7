#!/bin/bash
# libmetasafe(3) documents the whole public API of client/metasafe.h.
#
#  - every function the header declares (a line starting at column 0 with
#    a type, holding "metasafe_NAME(", typedefs aside) is in the page's
#    SYNOPSIS as .Fn or .Fo, and every function in the SYNOPSIS is declared
#    in the header;
#  - every error code "#define METASAFE_ERR_NAME -N" (METASAFE_OK too, the
#    METASAFE_ERR_STATUS_BASE offset aside) is a row of the ERRORS table,
#    ".It Dv NAME Ta -N Ta EXIT", with the header's value, and EXIT is the
#    exit status client/errors.c gives it ({ NAME, EXIT, "message" });
#  - every struct the header defines is shown in the page.
. "$(dirname "$0")/test-exec.sh"
tid "libmetasafe(3) covers every function and error code"

need_tool awk grep sed sort

HDR=$TOP/client/metasafe.h
ERRC=$TOP/client/errors.c
PAGE=$TOP/man/libmetasafe.3
for f in "$HDR" "$ERRC" "$PAGE"; do
	[ -f "$f" ] || fatal "$f not found"
done

# --- functions ---------------------------------------------------------------
grep -E '^[a-z]' "$HDR" | grep -v '^typedef' |
    grep -o 'metasafe_[a-z0-9_]*(' | tr -d '(' | sort -u > "$OBJ/hdr.fn"
[ "$(wc -l < "$OBJ/hdr.fn")" -ge 30 ] ||
    fatal "only $(wc -l < "$OBJ/hdr.fn") functions found in $HDR"
awk '
	/^\.Sh/ { insyn = ($0 == ".Sh SYNOPSIS"); next }
	insyn && /^\.(Fn|Fo)[ \t]/ { print $2 }
' "$PAGE" | sort -u > "$OBJ/page.fn"
while read -r f; do
	grep -qx "$f" "$OBJ/page.fn" ||
	    fail "libmetasafe.3: $f is declared in metasafe.h but not in the SYNOPSIS"
	grep -Eq "^\.Fn $f( |$)" "$PAGE" ||
	    fail "libmetasafe.3: $f is never described (.Fn $f) outside a prototype"
done < "$OBJ/hdr.fn"
while read -r f; do
	grep -qx "$f" "$OBJ/hdr.fn" ||
	    fail "libmetasafe.3: SYNOPSIS shows $f, which metasafe.h does not declare"
done < "$OBJ/page.fn"

# --- error codes -------------------------------------------------------------
sed -n 's/^#define[ 	]*\(METASAFE_\(OK\|ERR_[A-Z_]*\)\)[ 	]*\(-*[0-9][0-9]*\).*/\1 \3/p' \
    "$HDR" | grep -v '^METASAFE_ERR_STATUS_BASE ' > "$OBJ/hdr.err"
[ "$(wc -l < "$OBJ/hdr.err")" -ge 30 ] ||
    fatal "only $(wc -l < "$OBJ/hdr.err") error codes found in $HDR"
sed -n 's/^\.It Dv \(METASAFE_[A-Z_]*\) Ta \(\\-\)*\([0-9]*\) Ta \([0-9]*\)$/\1 \2\3 \4/p' \
    "$PAGE" | sed 's/\\-/-/' > "$OBJ/page.err"
while read -r name val; do
	row=$(awk -v n="$name" '$1 == n' "$OBJ/page.err")
	if [ -z "$row" ]; then
		fail "libmetasafe.3: error $name ($val) missing from ERRORS"
		continue
	fi
	pval=$(echo "$row" | cut -d' ' -f2)
	pexit=$(echo "$row" | cut -d' ' -f3)
	[ "$pval" = "$val" ] ||
	    fail "libmetasafe.3: $name is $pval in the page, $val in metasafe.h"
	if [ "$name" = METASAFE_OK ]; then
		want=0
	else
		want=$(sed -n "s/.*{[ 	]*$name,[ 	]*\([0-9]*\),.*/\1/p" "$ERRC")
	fi
	if [ -z "$want" ]; then
		fail "client/errors.c has no exit status for $name"
	elif [ "$pexit" != "$want" ]; then
		fail "libmetasafe.3: $name exits $pexit in the page, $want in client/errors.c"
	fi
done < "$OBJ/hdr.err"
while read -r name _; do
	grep -q "^$name " "$OBJ/hdr.err" ||
	    fail "libmetasafe.3: ERRORS lists $name, which metasafe.h does not define"
done < "$OBJ/page.err"

# --- structures ---------------------------------------------------------------
sed -n 's/^struct \(metasafe_[a-z_]*\) {.*/\1/p' "$HDR" | sort -u > "$OBJ/hdr.st"
[ -s "$OBJ/hdr.st" ] || fatal "no struct definitions found in $HDR"
while read -r st; do
	grep -q "^struct $st {" "$PAGE" ||
	    fail "libmetasafe.3: struct $st is not shown"
done < "$OBJ/hdr.st"
