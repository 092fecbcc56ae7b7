#!/bin/sh
# run-regress.sh — run the shell regress tests.
#
#	BUILD=/abs/build [LTESTS="name1 name2"] sh regress/run-regress.sh
#
# Runs every regress/*.sh except the harness and tools (test-exec.sh,
# run-*.sh, deps.sh, demo.sh, bench.sh), or only those named in LTESTS.
# Prints "ok TID" or "FAIL TID" per test, then "N passed, N failed".
# Exits non-zero when any test failed or could not run.  Each test's output
# is kept in $BUILD/regress/log/NAME.log.  TEST_TIMEOUT (seconds, default
# 300) bounds each test.

SRCDIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$SRCDIR/.." && pwd)
BUILD=${BUILD:-$TOP/build}
case "$BUILD" in
/*) ;;
*) BUILD=$(cd "$TOP" && cd "$BUILD" 2>/dev/null && pwd) || BUILD=$TOP/$BUILD ;;
esac
export BUILD
TEST_TIMEOUT=${TEST_TIMEOUT:-300}

passed=0
failed=0

if [ ! -d "$BUILD" ]; then
	echo "run-regress: BUILD directory $BUILD does not exist; run make" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
LOGDIR=$BUILD/regress/log
# StrictModes: the test daemons' files must not sit below a directory
# others can write (see test-exec.sh).
umask 022
mkdir -p "$LOGDIR" "$BUILD/regress/work"

is_test() {
	case "$1" in
	test-exec|deps|demo|bench|run-*) return 1 ;;
	esac
	return 0
}

if [ -n "${LTESTS:-}" ]; then
	tests=
	for t in $LTESTS; do
		tests="$tests ${t%.sh}"
	done
else
	tests=
	for f in "$SRCDIR"/*.sh; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .sh)
		is_test "$n" && tests="$tests $n"
	done
fi

if [ -z "$tests" ]; then
	echo "run-regress: no tests found in $SRCDIR" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

for t in $tests; do
	f=$SRCDIR/$t.sh
	log=$LOGDIR/$t.log
	tidfile=$BUILD/regress/work/$t/.tid
	rm -f "$tidfile"
	if [ ! -f "$f" ] || ! is_test "$t"; then
		echo "FAIL $t (no such test: $f)"
		failed=$((failed + 1))
		continue
	fi
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 "$TEST_TIMEOUT" bash "$f" > "$log" 2>&1
	else
		bash "$f" > "$log" 2>&1
	fi
	st=$?
	tid=$t
	if [ -s "$tidfile" ]; then
		tid=$(head -n 1 "$tidfile")
	fi
	if [ $st -eq 0 ]; then
		echo "ok $tid"
		passed=$((passed + 1))
	else
		if [ $st -eq 124 ] || [ $st -eq 137 ]; then
			echo "FAIL $tid (timed out after ${TEST_TIMEOUT}s)"
		else
			echo "FAIL $tid (exit $st; log $log)"
		fi
		tail -n 20 "$log" | sed 's/^/	/'
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
