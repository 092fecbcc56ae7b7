#!/bin/bash
# SIGHUP re-reads the main configuration: keywords that can change live
# (LogLevel here) are applied and logged; the others (Port) are logged as
# needing a restart and not applied; a file that does not parse is logged
# and ignored.  The log names the files reloaded.
. "$(dirname "$0")/test-exec.sh"
tid "SIGHUP: config changes applied or reported as needing a restart"

start_daemon
cfg=$OBJ/metasafed_config
log=$OBJ/metasafed.log
ms status > /dev/null || fatal "daemon does not serve"

# LogLevel DEBUG1 -> INFO, a new Port.
port2=$(pick_port)
conf_set "$cfg" LogLevel INFO
conf_set "$cfg" Port "$port2"
conf_set "$cfg" MaxSessions 7
mark=$(wc -l < "$log")
kill -HUP "$DAEMON_PID"
wait_log 'SIGHUP: LogLevel changed to INFO: applied'
wait_log 'SIGHUP: Port changed: restart metasafed to apply'
wait_log 'SIGHUP: MaxSessions changed to 7: applied'
wait_log "loaded [0-9]* principals from $OBJ/principals"
tail -n "+$((mark + 1))" "$log" > "$OBJ/hup1.log"
grep -q "SIGHUP: reloading $cfg" "$OBJ/hup1.log" || fail "config reload not named"
grep -q "SIGHUP: reloading $OBJ/principals" "$OBJ/hup1.log" || fail "principals reload not named"
grep -Eq 'SIGHUP: (LogLevel|Port|MaxSessions) changed' "$OBJ/hup1.log" || fail "no change logged"
grep -E 'changed' "$OBJ/hup1.log" | grep -Ev 'LogLevel|Port|MaxSessions' &&
    fail "unchanged keywords reported as changed"
# Port is not applied: still the old one, and nothing on the new.
port_listening "$DAEMON_PORT" || fail "old port closed after SIGHUP"
port_listening "$port2" && fail "new Port applied without a restart"
# LogLevel INFO is in force: a session logs no debug lines any more.
mark=$(wc -l < "$log")
ms status > /dev/null || fail "daemon does not serve after SIGHUP"
wait_log 'audit: result=allowed peer=[^ ]* op=auth principal=admin'
sleep 0.5
tail -n "+$((mark + 1))" "$log" > "$OBJ/after.log"
grep -Eq 'closed its channel|finished|entering sandbox' "$OBJ/after.log" &&
    fail "debug lines still logged after LogLevel INFO: $(head -n 3 "$OBJ/after.log")"

# MaxSessions applies to the next connection: 1 with one held open.
printf 'v' | ms set /hup rec || fatal "set failed"
conf_set "$cfg" MaxSessions 1
kill -HUP "$DAEMON_PID"
wait_log 'SIGHUP: MaxSessions changed to 1: applied'
hold_conn /hup rec
ms status > /dev/null 2>&1 && fail "a second session was accepted with MaxSessions 1"
wait_log 'refusing .*: MaxSessions (1) reached'
release_conn || fail "held connection failed"
# MaxSessions is still 1: the held session must be reaped before the next.
i=0
while [ -n "$(worker_pids)" ]; do
	i=$((i + 1)); [ $i -le 100 ] || fatal "held session's worker not reaped"; sleep 0.1
done

# A broken file: logged, nothing changes.
cp "$cfg" "$cfg.good"
echo 'NoSuchKeyword yes' >> "$cfg"
mark=$(wc -l < "$log")
kill -HUP "$DAEMON_PID"
wait_log "SIGHUP: not reloaded, keeping the running configuration: $cfg:[0-9]*: unknown keyword"
ms status > /dev/null || fail "daemon does not serve after a bad config reload"
cp "$cfg.good" "$cfg"
exit 0
