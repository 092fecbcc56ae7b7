#!/bin/bash
# Pooled workers were configured with the settings in force when they
# started: SIGHUP replaces every one of them (a new WorkerPoolSize is
# applied), and SIGTERM kills them at once, so the drain does not wait
# for workers that have no connection.
. "$(dirname "$0")/test-exec.sh"
tid "pool: SIGHUP replaces the pooled workers, SIGTERM does not drain them"

start_daemon "WorkerPoolSize 2"
wait_pool 2
old=$(pooled_pids | tr '\n' ' ')

conf_set "$OBJ/metasafed_config" WorkerPoolSize 3
reload_daemon
wait_log "SIGHUP: WorkerPoolSize changed to 3: applied"
wait_log "SIGHUP: replacing 2 pooled worker(s)"
wait_pool 3
for p in $old; do
	case " $(pooled_pids | tr '\n' ' ') " in
	*" $p "*)	fail "pooled worker $p survived the reload" ;;
	esac
done
"$METASAFED" -T -f "$OBJ/metasafed_config" | grep -qx 'workerpoolsize 3' ||
    fail "-T does not show workerpoolsize 3"
daemon_healthy

# No session: SIGTERM ends the daemon without a drain to wait out.
wait_pool 3
pooled=$(pooled_pids)
stop_daemon
for p in $pooled; do
	pid_alive "$p" && fail "pooled worker $p outlived the daemon"
done
log_has "all connections finished, exiting"
grep -q "killing worker [0-9]* (pooled): shutdown" "$OBJ/metasafed.log" &&
    fail "the drain waited for pooled workers until its deadline"
exit 0
