#!/bin/bash
# The man pages lint clean with mandoc(1).
#
# Every page in man/ must give no message at all from
# `mandoc -T lint -W warning` (warnings, errors and worse) and exit 0, nor
# from `groff -mdoc -ww` (man-db's man(1) formats with groff; Debian's
# man-db package pulls in groff-base).
# At the stricter STYLE level only one kind of message is allowed:
# "referenced manual not found", because the pages refer to each other
# (and to ssh(1), sd_notify(3), ...) and none of them is installed in the
# mandoc database of the build host; mandoc's notice that its database
# is outdated comes with that check and is allowed too.  Any other style
# message fails the test.
#
# The six pages the project ships must all be there, and each page's .Dt
# must name the file it is in, so that man(1) finds it under that name.
# Cross-references to the project's own pages must name pages that exist.
. "$(dirname "$0")/test-exec.sh"
tid "man pages lint clean with mandoc"

need_tool mandoc groff grep sed tr

MANDIR=$TOP/man
EXPECTED="metasafe.1 metasafe-keygen.1 libmetasafe.3 metasafed_config.5
metasafed.8 metasafe-admin.8"

for p in $EXPECTED; do
	[ -f "$MANDIR/$p" ] || fail "man page $p is missing"
done

npages=0
for f in "$MANDIR"/*.[1-9]; do
	[ -f "$f" ] || continue
	npages=$((npages + 1))
	p=$(basename "$f")

	# Warnings and worse: nothing at all.
	mandoc -T lint -W warning "$f" > "$OBJ/lint.out" 2>&1
	st=$?
	[ "$st" -eq 0 ] || fail "$p: mandoc -T lint -W warning exited $st"
	if [ -s "$OBJ/lint.out" ]; then
		fail "$p: mandoc warnings:"
		sed 's/^/	/' "$OBJ/lint.out" >&2
	fi

	# Style: only unresolvable cross-references.
	mandoc -T lint -W style "$f" > "$OBJ/style.out" 2>&1
	grep -v -e 'STYLE: referenced manual not found' \
	    -e 'outdated mandoc\.db' "$OBJ/style.out" > "$OBJ/style.bad"
	if [ -s "$OBJ/style.bad" ]; then
		fail "$p: mandoc style messages:"
		sed 's/^/	/' "$OBJ/style.bad" >&2
	fi

	# man(1) on Debian renders with groff: no warning there either.
	groff -mdoc -Tutf8 -ww -z "$f" > "$OBJ/groff.out" 2>&1 ||
	    fail "$p: groff -mdoc failed"
	if [ -s "$OBJ/groff.out" ]; then
		fail "$p: groff warnings:"
		sed 's/^/	/' "$OBJ/groff.out" >&2
	fi

	# .Dt NAME SECTION matches the file name (NAME in upper case).
	name=${p%.*}
	sect=${p##*.}
	want=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	dt=$(sed -n 's/^\.Dt[ 	]*//p' "$f")
	[ "$dt" = "$want $sect" ] ||
	    fail "$p: .Dt is \"$dt\", expected \"$want $sect\""

	# It renders, with a NAME section whose first line names the page
	# (overstrike bold removed).
	mandoc -T ascii "$f" > "$OBJ/render.raw" 2>&1 ||
	    fail "$p: mandoc -T ascii failed"
	sed 's/.\x08//g' "$OBJ/render.raw" > "$OBJ/render.out"
	sed -n '/^NAME$/{n;p;}' "$OBJ/render.out" | grep -q "^ *$name " ||
	    fail "$p: the NAME section does not start with $name"
done
[ "$npages" -ge 6 ] || fail "only $npages man pages found in $MANDIR"

# The style check allows unresolved cross-references, so check those to
# the project's own pages here: each must name a page in man/.
for f in "$MANDIR"/*.[1-9]; do
	sed -n 's/^\.Xr[ 	]*\(\(lib\)*metasafe[a-z_-]*\)[ 	]*\([1-9]\).*/\1.\3/p' \
	    "$f" | sort -u | while read -r ref; do
		[ -f "$MANDIR/$ref" ] ||
		    echo "$(basename "$f"): .Xr to missing page $ref"
	done
done > "$OBJ/xref.bad"
while read -r line; do
	fail "$line"
done < "$OBJ/xref.bad"
trace "$npages pages checked"
