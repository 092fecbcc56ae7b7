#!/bin/bash
# The shell tests are listed in regress/tests.mk, not globbed: run-regress.sh
# -c (run before every make regress) must pass on this tree and must fail on
# a copy with an unlisted test, a listed name without a file, a name listed
# twice, or a test with another shebang.  The summary counts a test that
# left no result as failed.
. "$(dirname "$0")/test-exec.sh"
tid "tests.mk lists every shell test once, each with #!/bin/bash"

sh "$SRCDIR/run-regress.sh" -c > "$OBJ/check.out" 2>&1 ||
    fail "run-regress.sh -c fails on this tree: $(cat "$OBJ/check.out")"

# copy: a fresh copy of regress/'s top level (tests, runners, tests.mk).
copy() {
	rm -rf "$OBJ/tree"
	mkdir -p "$OBJ/tree/regress" &&
	    cp "$SRCDIR"/*.sh "$SRCDIR/tests.mk" "$OBJ/tree/regress/" ||
	    fatal "cannot copy $SRCDIR"
}
# must_fail WHAT PATTERN: -c on the copy fails, naming PATTERN.
must_fail() {
	if sh "$OBJ/tree/regress/run-regress.sh" -c > "$OBJ/check.out" 2>&1
	then
		fail "$1: run-regress.sh -c passed"
	elif ! grep -q -e "$2" "$OBJ/check.out"; then
		fail "$1: no '$2' in: $(cat "$OBJ/check.out")"
	fi
}

copy
sh "$OBJ/tree/regress/run-regress.sh" -c > "$OBJ/check.out" 2>&1 ||
    fail "-c fails on an unchanged copy: $(cat "$OBJ/check.out")"

copy
printf '#!/bin/bash\nexit 0\n' > "$OBJ/tree/regress/zz-unlisted.sh"
must_fail "unlisted test" "zz-unlisted.sh is not listed"

copy
printf 'REGRESS_TESTS += \\\n\tzz-nofile\n' >> "$OBJ/tree/regress/tests.mk"
must_fail "listed test without a file" "lists zz-nofile"

copy
printf 'REGRESS_TESTS += version\n' >> "$OBJ/tree/regress/tests.mk"
must_fail "test listed twice" "lists twice: version"

copy
sed -i '1s|.*|#!/bin/sh|' "$OBJ/tree/regress/version.sh"
must_fail "other shebang" "version.sh: first line is not #!/bin/bash"

# A test named for -s that never ran is a failure, not a pass.
mkdir -p "$OBJ/build"
BUILD=$OBJ/build sh "$SRCDIR/run-regress.sh" -s zz-never-ran \
    > "$OBJ/sum.out" 2>&1 && fail "-s passed for a test that did not run"
grep -qx "0 passed, 1 failed" "$OBJ/sum.out" ||
    fail "-s summary: $(cat "$OBJ/sum.out")"

exit 0
