#!/bin/bash
# metasafe-admin backup while the daemon serves and clients write; the
# copy is private, keeps SECURE values sealed, records the key check value
# and opens directly as a StoreDirectory; restore is refused while the
# daemon holds the store and works after it stopped.
. "$(dirname "$0")/test-exec.sh"
tid "metasafe-admin backup (hot) and restore"
ADMIN=$BUILD/metasafe-admin
need_prog "$ADMIN"
need_tool grep

SECRET=BACKUP-SECRET-5e0d9a7c-never-in-clear
PLAIN=BACKUP-PLAIN-visible-marker
start_daemon
printf '%s' "$SECRET" | ms set -s /keep secret || fatal "set secure"
printf '%s' "$PLAIN" | ms set /keep plain || fatal "set plain"

# Clients write during the backup.
( i=0; while [ ! -f "$OBJ/stop" ] && [ $i -lt 500 ]; do
	i=$((i + 1))
	printf 'load-%s' $i | ms set -s /load "r$((i % 20))" || exit 1
	echo "$i" > "$OBJ/writer.round"
done; exit 0 ) > "$OBJ/writer.log" 2>&1 &
WRITER=$!
add_cleanup "touch '$OBJ/stop'; kill $WRITER 2>/dev/null"
# The backup starts once the writer has committed its first value.
wait_file "$OBJ/writer.round" '^[0-9]' "the writer wrote nothing: $(cat "$OBJ/writer.log")"
"$ADMIN" backup -f "$OBJ/metasafed_config" "$OBJ/bk" > "$OBJ/bk.out" 2>&1 ||
    fail "hot backup failed: $(cat "$OBJ/bk.out")"
touch "$OBJ/stop"
wait $WRITER || fail "a client write failed during the backup: $(cat "$OBJ/writer.log")"

[ "$(file_mode "$OBJ/bk")" = 700 ] || fail "backup dir mode $(file_mode "$OBJ/bk")"
[ "$(file_mode "$OBJ/bk/data.mdb")" = 600 ] || fail "data.mdb mode"
[ "$(file_mode "$OBJ/bk/metasafe-backup")" = 600 ] || fail "manifest mode"
[ ! -e "$OBJ/bk/lock.mdb" ] || fail "backup keeps a lock.mdb"
kcv=$("$METASAFE_KEYGEN" -l -f "$OBJ/keys/host_store_key" | cut -d' ' -f2)
grep -qxF "kcv $kcv" "$OBJ/bk/metasafe-backup" ||
    fail "manifest lacks the key check value: $(cat "$OBJ/bk/metasafe-backup")"
body=$(grep -v '^-----' "$OBJ/keys/host_store_key" | tr -d '\n')
grep -qF "$(printf '%s' "$body" | cut -c1-24)" "$OBJ/bk/metasafe-backup" &&
    fail "manifest holds store key material"
grep -qaF "$PLAIN" "$OBJ/bk/data.mdb" || fail "plain value missing from backup"
grep -qaF "$SECRET" "$OBJ/bk/data.mdb" && fail "SECURE value in clear in backup"
# A non-empty OUTDIR is refused.
"$ADMIN" backup -f "$OBJ/metasafed_config" "$OBJ/bk" > "$OBJ/bk2.out" 2>&1 &&
    fail "backup into a non-empty directory accepted"

# A write after the backup, gone after the restore.
printf 'after' | ms set /after x || fail "set after"
"$ADMIN" restore -f "$OBJ/metasafed_config" "$OBJ/bk" > "$OBJ/r1.out" 2>&1
st=$?
[ $st -eq 2 ] || fail "restore while the daemon runs: exit $st, want 2"
grep -q "in use" "$OBJ/r1.out" || fail "restore refusal: $(cat "$OBJ/r1.out")"
[ "$(ms get /after x)" = after ] || fail "refused restore changed the store"
stop_daemon

"$ADMIN" restore -f "$OBJ/metasafed_config" "$OBJ/bk" > "$OBJ/r2.out" 2>&1 ||
    fail "restore after stop: $(cat "$OBJ/r2.out")"
[ "$(file_mode "$OBJ/store/data.mdb")" = 600 ] || fail "restored data.mdb mode"
ls "$OBJ/store"/data.mdb.before-restore-* > /dev/null 2>&1 ||
    fail "previous data not kept"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t.out" 2>&1 ||
    fail "-t after restore: $(cat "$OBJ/t.out")"
start_daemon
[ "$(ms get /keep secret)" = "$SECRET" ] || fail "SECURE value after restore"
[ "$(ms get /keep plain)" = "$PLAIN" ] || fail "plain value after restore"
ms get /after x > /dev/null 2>&1
[ $? -eq 5 ] || fail "/after survived the restore"

# A backup directory is a StoreDirectory the daemon and -t accept as is.
"$ADMIN" backup -f "$OBJ/metasafed_config" "$OBJ/bk2" >> "$TEST_LOG" 2>&1 ||
    fail "second backup"
stop_daemon
sed -i "s|^StoreDirectory .*|StoreDirectory $OBJ/bk2|" "$OBJ/metasafed_config"
"$METASAFED" -t -f "$OBJ/metasafed_config" > "$OBJ/t2.out" 2>&1 ||
    fail "-t on a backup dir: $(cat "$OBJ/t2.out")"
start_daemon
[ "$(ms get /keep secret)" = "$SECRET" ] || fail "daemon on the backup dir"
exit 0
