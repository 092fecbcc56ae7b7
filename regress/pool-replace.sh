#!/bin/bash
# A pooled worker that dies while waiting for a connection is logged with
# its cause and replaced: the pool is back to WorkerPoolSize confined
# workers, and the daemon serves.
. "$(dirname "$0")/test-exec.sh"
tid "pool: a pooled worker killed while waiting is logged and replaced"

start_daemon "WorkerPoolSize 3"
wait_pool 3
victim=$(pooled_pids | head -n 1)
[ -n "$victim" ] || fatal "no pooled worker"
kill -KILL "$victim" || fatal "kill $victim"
wait_log "worker $victim (pooled) died of signal 9"
wait_log "pooled worker $victim died while waiting; replacing it"
wait_pool 3
case " $(pooled_pids | tr '\n' ' ') " in
*" $victim "*)	fail "the killed worker $victim still counts as pooled" ;;
esac
daemon_healthy
exit 0
