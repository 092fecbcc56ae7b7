#!/bin/sh
# run-regress.sh — run the shell regress tests.
#
#	BUILD=/abs/build [LTESTS="name1 name2"] sh regress/run-regress.sh
#	sh regress/run-regress.sh -c		check the test list only
#	sh regress/run-regress.sh -1 NAME	run one test (make regress-NAME)
#	sh regress/run-regress.sh -s NAME...	summary of results already run
#
# The tests are the ones listed in regress/tests.mk, or only those named in
# LTESTS.  Prints "ok TID (Ns)" or "FAIL TID (Ns; why)" per test, then
# "N passed, N failed".  Exits non-zero when any test failed or could not
# run.  Each test's output is kept in $BUILD/regress/log/NAME.log and its
# verdict in $BUILD/regress/result/NAME; the GNUmakefile runs one -1 per
# test (in parallel under make -j) and then -s.  TEST_TIMEOUT (seconds,
# default 300) bounds each test.
#
# -c (also run first without options) fails when a regress/*.sh test is
# not listed in tests.mk, a listed test has no file, or a test (or
# test-exec.sh) does not start with the one shebang, #!/bin/bash: every
# test runs under bash.

SRCDIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$SRCDIR/.." && pwd)
BUILD=${BUILD:-$TOP/build}
case "$BUILD" in
/*) ;;
*) BUILD=$(cd "$TOP" && cd "$BUILD" 2>/dev/null && pwd) || BUILD=$TOP/$BUILD ;;
esac
export BUILD
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
LOGDIR=$BUILD/regress/log
RESDIR=$BUILD/regress/result
SHEBANG='#!/bin/bash'

# Files in regress/ that are not tests.
is_test() {
	case "$1" in
	test-exec|run-regress|run-unit) return 1 ;;
	esac
	return 0
}

# The names listed in tests.mk, one a line.
listed() {
	sed -e 's/#.*//' "$SRCDIR/tests.mk" | tr -s ' \t\\' '\n\n\n' |
	    grep -v -e '^$' -e '^REGRESS_TESTS$' -e '^+=$'
}

check_list() {
	_bad=0
	if [ ! -f "$SRCDIR/tests.mk" ]; then
		echo "run-regress: $SRCDIR/tests.mk missing" >&2
		return 1
	fi
	_list=$(listed)
	for _t in $_list; do
		if [ ! -f "$SRCDIR/$_t.sh" ] || ! is_test "$_t"; then
			echo "run-regress: tests.mk lists $_t, but there is" \
			    "no test $SRCDIR/$_t.sh" >&2
			_bad=1
		fi
	done
	_dups=$(printf '%s\n' $_list | sort | uniq -d)
	if [ -n "$_dups" ]; then
		echo "run-regress: tests.mk lists twice:" $_dups >&2
		_bad=1
	fi
	for _f in "$SRCDIR"/*.sh; do
		[ -f "$_f" ] || continue
		_n=$(basename "$_f" .sh)
		is_test "$_n" || continue
		if ! printf '%s\n' $_list | grep -qx -e "$_n"; then
			echo "run-regress: $_f is not listed in" \
			    "$SRCDIR/tests.mk" >&2
			_bad=1
		fi
	done
	for _f in "$SRCDIR"/*.sh; do
		[ -f "$_f" ] || continue
		case "$(basename "$_f")" in
		run-*) continue ;;
		esac
		if [ "$(head -n 1 "$_f")" != "$SHEBANG" ]; then
			echo "run-regress: $_f: first line is not $SHEBANG" >&2
			_bad=1
		fi
	done
	return $_bad
}

# run_one NAME: run one test, print its line, write its result file.
run_one() {
	_t=${1%.sh}
	_f=$SRCDIR/$_t.sh
	_log=$LOGDIR/$_t.log
	_tidfile=$BUILD/regress/work/$_t/.tid
	_res=$RESDIR/$_t
	rm -f "$_tidfile" "$_res"
	if [ ! -f "$_f" ] || ! is_test "$_t"; then
		_line="FAIL $_t (no such test: $_f)"
		echo "$_line"
		echo "$_line" > "$_res"
		return 1
	fi
	_t0=$(date +%s)
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 "$TEST_TIMEOUT" bash "$_f" > "$_log" 2>&1
	else
		bash "$_f" > "$_log" 2>&1
	fi
	_st=$?
	_secs=$(($(date +%s) - _t0))
	_tid=$_t
	if [ -s "$_tidfile" ]; then
		_tid=$(head -n 1 "$_tidfile")
	fi
	if [ $_st -eq 0 ]; then
		_line="ok $_tid (${_secs}s)"
		echo "$_line"
	else
		if [ $_st -eq 124 ] || [ $_st -eq 137 ]; then
			_line="FAIL $_tid (${_secs}s; timed out after ${TEST_TIMEOUT}s)"
		else
			_line="FAIL $_tid (${_secs}s; exit $_st; log $_log)"
		fi
		# One write, so parallel tests do not interleave it.
		printf '%s\n%s\n' "$_line" "$(tail -n 20 "$_log" | sed 's/^/	/')"
	fi
	echo "$_line" > "$_res"
	[ $_st -eq 0 ]
}

# summary NAME...: count the result files of these tests.
summary() {
	_passed=0
	_failed=0
	for _t in "$@"; do
		_t=${_t%.sh}
		case "$(head -n 1 "$RESDIR/$_t" 2>/dev/null)" in
		ok\ *)	_passed=$((_passed + 1)) ;;
		FAIL\ *) _failed=$((_failed + 1)) ;;
		*)	echo "FAIL $_t (no result: not run)"
			_failed=$((_failed + 1)) ;;
		esac
	done
	echo "$_passed passed, $_failed failed"
	[ $_failed -eq 0 ] && [ $# -gt 0 ]
}

setup() {
	if [ ! -d "$BUILD" ]; then
		echo "run-regress: BUILD directory $BUILD does not exist;" \
		    "run make" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	# StrictModes: the test daemons' files must not sit below a
	# directory others can write (see test-exec.sh).
	umask 022
	mkdir -p "$LOGDIR" "$RESDIR" "$BUILD/regress/work" || exit 1
}

case "${1:-}" in
-c)	check_list
	exit ;;
-1)	[ $# -eq 2 ] || { echo "usage: run-regress.sh -1 NAME" >&2; exit 2; }
	setup
	run_one "$2"
	exit ;;
-s)	shift
	setup
	summary "$@"
	exit ;;
'')	;;
*)	echo "usage: run-regress.sh [-c | -1 NAME | -s NAME...]" >&2
	exit 2 ;;
esac

check_list || { echo "0 passed, 1 failed"; exit 1; }
setup
if [ -n "${LTESTS:-}" ]; then
	tests=$LTESTS
else
	tests=$(listed)
fi
for t in $tests; do
	run_one "$t"
done
summary $tests
