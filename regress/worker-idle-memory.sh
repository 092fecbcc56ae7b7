#!/bin/bash
# An idle authenticated worker dirties at most 1 MiB of private memory
# (issue target, docs/PERFORMANCE.md), both after a small GET and after a
# GET of a 1 MiB SECURE value: the value-sized buffers are handed back
# (worker/session.c, worker/malloc.c), not pinned for the session's life.
# A memory bound read from /proc/PID/smaps_rollup, not a timing.
. "$(dirname "$0")/test-exec.sh"
tid "idle authenticated worker: Private_Dirty at most 1 MiB"
need_tool ss

LIMIT_KB=1024

# A freshly linked binary's page-cache pages are dirty until written back,
# and smaps counts a dirty file page mapped once as Private_Dirty: write
# the worker out first, so only the process's own pages are counted.
sync "$WORKER" || fatal "sync $WORKER"

start_daemon "MaxValueSize 1048576"
printf x | ms set /app/db small || fail "small set failed"
head -c 1048576 /dev/urandom | ms set -s /app/db big || fail "1 MiB set failed"

# idle RECORD: hold a session that read RECORD; Private_Dirty of its
# worker in kB on stdout, the largest mappings in the log.
idle() {
	hold_conn /app/db "$1"
	_pid=$(held_worker_pid)
	[ -n "$_pid" ] || fatal "no worker found for the held session"
	cp "/proc/$_pid/smaps_rollup" "$OBJ/rollup.$1" &&
	    cp "/proc/$_pid/smaps" "$OBJ/smaps.$1" ||
	    fatal "cannot read /proc/$_pid/smaps"
	release_conn || fail "held session ($1) did not end cleanly"
	awk '/^[0-9a-f]+-/ { m = $2 " " $6 }
	    /^Private_Dirty:/ && $2 > 0 { print "  " $2 " kB " m }' \
	    "$OBJ/smaps.$1" | sort -rn | head -n 5 >> "$TEST_LOG"
	awk '/^Private_Dirty:/ { print $2 }' "$OBJ/rollup.$1"
}

for rec in small big; do
	kb=$(idle "$rec")
	trace "idle worker after GET $rec: Private_Dirty $kb kB"
	[ -n "$kb" ] || fatal "no Private_Dirty in smaps_rollup"
	if [ "${SANITIZE:-0}" = 1 ]; then
		# ASan's shadow memory, quarantine and allocator metadata are
		# private and dirty: the bound is for production builds.
		continue
	fi
	[ "$kb" -le "$LIMIT_KB" ] ||
	    fail "idle worker after GET $rec: Private_Dirty $kb kB > $LIMIT_KB kB"
done
exit 0
