#!/bin/sh
# smoke.sh — make fuzz-smoke: run each libFuzzer harness for a bounded
# time, starting from its committed seed corpus.
#
#	sh regress/fuzz/smoke.sh BUILDDIR SECONDS NAME...
#
# New inputs go to a scratch corpus under BUILDDIR, never into the
# committed one.  A crash, a leak, a timeout or an out-of-memory fails the
# harness (libFuzzer exits non-zero and leaves the input as
# BUILDDIR/fuzz-smoke/NAME/crash-*); each harness's final statistics are
# printed, and the run fails if any harness failed.

if [ $# -lt 3 ]; then
	echo "usage: sh regress/fuzz/smoke.sh BUILDDIR SECONDS NAME..." >&2
	exit 2
fi
build=$1
secs=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
out=$build/fuzz-smoke
failed=
for name in "$@"; do
	bin=$build/regress/fuzz/fuzz_$name
	work=$out/$name
	rm -rf "$work"
	mkdir -p "$work/corpus"
	seeds=$src/corpus/$name
	[ -d "$seeds" ] || seeds=
	# -timeout: one input taking seconds is a hang; -rss_limit_mb: ASan
	# with a 256 MiB quarantine stays far below it unless something grows.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/" \
	    "$work/corpus" $seeds > "$work/log" 2>&1
	rc=$?
	stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	if [ $rc -ne 0 ]; then
		echo "fuzz-smoke: $name FAILED (exit $rc), see $work/log:"
		grep -E 'ERROR|invariant|SUMMARY|Test unit written' \
		    "$work/log" | head -20
		failed="$failed $name"
	else
		echo "fuzz-smoke: $name ok: $execs execs, ${stats#*DONE }"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz-smoke: failed:$failed" >&2
	exit 1
fi
echo "fuzz-smoke: all $# harnesses ok (${secs}s each)"
