#!/bin/sh
#
# run-unit.sh BUILDDIR test ... — run cmocka unit test binaries.
#
# Each argument is a path to a test binary, or a bare name looked up in
# BUILDDIR/regress/unit/.  cmocka's own output stays visible; after each
# binary a PASS/FAIL line is printed, and the last line is
# "N passed, N failed" counting individual test cases.  A binary that
# crashes, times out or exits non-zero without a failure count of its own
# counts as one failed case, and so does one whose output carries libbsd's
# "setproctitle not initialized" warning.  Exit status is non-zero if
# anything failed.
#
# MS_UNIT_TIMEOUT (seconds, default 600) bounds each binary's run time.

if [ $# -lt 1 ]; then
	echo "usage: sh regress/run-unit.sh BUILDDIR [test ...]" >&2
	exit 2
fi
builddir=$1
shift

timeout_s=${MS_UNIT_TIMEOUT:-600}
# Plain-text summaries are what is parsed below.
CMOCKA_MESSAGE_OUTPUT=stdout
export CMOCKA_MESSAGE_OUTPUT
unset CMOCKA_XML_FILE

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/ms-unit.XXXXXX") || exit 2
trap 'rm -rf "$tmpdir"' EXIT
trap 'exit 130' INT TERM

total_pass=0
total_fail=0
bad_bins=0
nbins=0

# Sum the N of every line holding "[  TAG  ] N test(s)" in file $2.
sum_tag() {
	sed -n "s/.*\\[  $1  \\] \\([0-9][0-9]*\\) test(s).*/\\1/p" "$2" |
	    awk '{ s += $1 } END { print s + 0 }'
}

for t in "$@"; do
	case $t in
	*/*)	bin=$t ;;
	*)	bin=$builddir/regress/unit/$t ;;
	esac
	name=$(basename "$bin")
	nbins=$((nbins + 1))
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name (no such executable: $bin)"
		total_fail=$((total_fail + 1))
		bad_bins=$((bad_bins + 1))
		continue
	fi

	echo "=== $name"
	out=$tmpdir/out
	rcfile=$tmpdir/rc
	rm -f "$out" "$rcfile"
	# Stream the output while keeping a copy, and keep the binary's
	# exit status (no pipefail in POSIX sh).
	{
		if command -v timeout >/dev/null 2>&1; then
			timeout -k 10 "$timeout_s" "$bin" 2>&1
		else
			"$bin" 2>&1
		fi
		echo $? >"$rcfile"
	} | tee "$out"
	rc=$(cat "$rcfile" 2>/dev/null)
	[ -n "$rc" ] || rc=255

	pass=$(sum_tag PASSED "$out")
	fail=$(sum_tag FAILED "$out")
	why=""
	if [ "$rc" -ne 0 ]; then
		case $rc in
		124|137) why="timed out after ${timeout_s}s" ;;
		*)	 if [ "$rc" -gt 128 ]; then
				why="killed by signal $((rc - 128))"
			 else
				why="exit status $rc"
			 fi ;;
		esac
		# A crash or early exit may leave no count of its own.
		[ "$fail" -eq 0 ] && fail=1
	elif [ "$fail" -gt 0 ]; then
		why="exit status 0 despite failures"
	elif [ "$pass" -eq 0 ]; then
		# No summary at all: not a cmocka run we understand.
		why="no test results reported"
		fail=1
	fi
	# libbsd's warning means setproctitle() ran uninitialised: the
	# binary was linked without libbsd-ctor (see the GNUmakefile).
	if grep -q 'setproctitle not initialized' "$out"; then
		why="${why:+$why; }libbsd: setproctitle not initialized"
		[ "$fail" -eq 0 ] && fail=1
	fi

	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	if [ "$fail" -eq 0 ]; then
		echo "PASS: $name ($pass passed)"
	else
		bad_bins=$((bad_bins + 1))
		echo "FAIL: $name ($pass passed, $fail failed${why:+; $why})"
	fi
done

echo "$nbins binaries, $bad_bins failed"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$bad_bins" -eq 0 ]
