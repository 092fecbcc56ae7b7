#!/bin/bash
# Messages shown to users carry no internal function names: for each error
# line of metasafe, metasafe-keygen and metasafed -t, the word before the
# first ':' (after the program's own prefix) is not a function of the
# program (nm), e.g. no "hs_read_fail: " or "main: ".
. "$(dirname "$0")/test-exec.sh"
tid "user-facing errors carry no C function names"
need_tool nm

# funcs BINARY: its function symbols, one a line.
funcs() {
	nm --defined-only "$1" 2>/dev/null | awk '$2 ~ /^[TtWw]$/ { print $3 }' |
	    sed 's/@.*//' | sort -u
}
funcs "$METASAFE" > "$OBJ/f.metasafe"
funcs "$METASAFE_KEYGEN" > "$OBJ/f.keygen"
funcs "$METASAFED" > "$OBJ/f.metasafed"
for f in metasafe keygen metasafed; do
	[ -s "$OBJ/f.$f" ] || fatal "nm found no functions in $f"
done
grep -qx main "$OBJ/f.metasafe" || fatal "nm output lacks main"

NCHECKED=0
# check WHAT SYMFILE OUTFILE: every line of OUTFILE.
check() {
	_what=$1 _syms=$2 _out=$3
	[ -s "$_out" ] || { fail "$_what: no message at all"; return; }
	while IFS= read -r _l; do
		# Strip "prog: " or "prog[pid]: ", and the monitor's prefix on
		# lines relayed from a worker, "worker PID (PEER): ".
		_m=$(printf '%s' "$_l" | sed -E 's/^[A-Za-z_.-]+(\[[0-9]+\])?: //;
		    s/^worker [0-9]+ \([^)]*\): //')
		_w=$(printf '%s' "$_m" | sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*): .*/\1/p')
		NCHECKED=$((NCHECKED + 1))
		# Deliberate line tags, whatever functions share the name.
		case "$_w" in
		''|audit|warning) continue ;;
		esac
		if grep -qx -- "$_w" "$_syms"; then
			fail "$_what: function name '$_w' in: $_l"
		fi
	done < "$_out"
}

start_daemon
port=$DAEMON_PORT

# metasafe: bad host key (the pinned key is another one).
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/other" || fatal keygen
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$OBJ/other.pub")" \
    > "$OBJ/bad_kh"
"$METASAFE" -p "$port" -i "$OBJ/admin_key" -o KnownHostsFile="$OBJ/bad_kh" \
    status > /dev/null 2> "$OBJ/e1"
check "bad host key" "$OBJ/f.metasafe" "$OBJ/e1"
grep -q 'HOST KEY MISMATCH' "$OBJ/e1" || fail "e1 is not the mismatch: $(cat "$OBJ/e1")"
# Connection refused.
dead=$(pick_port)
"$METASAFE" -p "$dead" -i "$OBJ/admin_key" -o KnownHostsFile="$OBJ/bad_kh" \
    status > /dev/null 2> "$OBJ/e2"
check "connection refused" "$OBJ/f.metasafe" "$OBJ/e2"
# Unreadable identity and value files.
"$METASAFE" -p "$port" -i "$OBJ/nonexistent" status > /dev/null 2> "$OBJ/e3"
check "missing identity" "$OBJ/f.metasafe" "$OBJ/e3"
ms set -f "$OBJ/nonexistent" /x y > /dev/null 2> "$OBJ/e4"
check "unreadable value file" "$OBJ/f.metasafe" "$OBJ/e4"
# Bad option, unknown command.
"$METASAFE" -o NoSuchOption=1 status > /dev/null 2> "$OBJ/e5"
check "bad option" "$OBJ/f.metasafe" "$OBJ/e5"
# Server-side refusals relayed to the user.
ms get /nonexistent rec > /dev/null 2> "$OBJ/e6"
check "not found" "$OBJ/f.metasafe" "$OBJ/e6"
ms -v get /nonexistent rec > /dev/null 2> "$OBJ/e6v"
grep -q ': ' "$OBJ/e6v" || fail "-v printed nothing"

# metasafe-keygen.
"$METASAFE_KEYGEN" -l -f "$OBJ/nonexistent" > /dev/null 2> "$OBJ/k1"
check "keygen missing file" "$OBJ/f.keygen" "$OBJ/k1"
printf 'garbage\n' > "$OBJ/garbage"
"$METASAFE_KEYGEN" -y -f "$OBJ/garbage" > /dev/null 2> "$OBJ/k2"
check "keygen corrupt file" "$OBJ/f.keygen" "$OBJ/k2"
"$METASAFE_KEYGEN" -q -t ed25519 -N '' -f "$OBJ/other" > /dev/null 2> "$OBJ/k3"
check "keygen exists" "$OBJ/f.keygen" "$OBJ/k3"
"$METASAFE_KEYGEN" -k -s "$OBJ/admin_key" -f "$OBJ/crl" > /dev/null 2> "$OBJ/k4"
check "keygen no CA certificate" "$OBJ/f.keygen" "$OBJ/k4"

# metasafed -t: missing key file, bad keyword, unreadable config.
sed "s|^HostKexKey .*|HostKexKey $OBJ/nonexistent|" "$OBJ/metasafed_config" \
    > "$OBJ/cfg1"
"$METASAFED" -t -f "$OBJ/cfg1" > /dev/null 2> "$OBJ/d1"
check "metasafed missing key" "$OBJ/f.metasafed" "$OBJ/d1"
{ cat "$OBJ/metasafed_config"; echo "NoSuchKeyword 1"; } > "$OBJ/cfg2"
"$METASAFED" -t -f "$OBJ/cfg2" > /dev/null 2> "$OBJ/d2"
check "metasafed bad keyword" "$OBJ/f.metasafed" "$OBJ/d2"
"$METASAFED" -t -f "$OBJ/nonexistent" > /dev/null 2> "$OBJ/d3"
check "metasafed no config" "$OBJ/f.metasafed" "$OBJ/d3"
# The same with LogLevel INFO in the daemon: its error lines are clean too.
sed 's/^LogLevel .*/LogLevel INFO/' "$OBJ/cfg1" > "$OBJ/cfg4"
"$METASAFED" -t -f "$OBJ/cfg4" > /dev/null 2> "$OBJ/d4"
check "metasafed at INFO" "$OBJ/f.metasafed" "$OBJ/d4"

# The daemon's own log below the debug levels: no function names either.
stop_daemon
sed -i 's/^LogLevel .*/LogLevel VERBOSE/' "$OBJ/metasafed_config"
: > "$OBJ/metasafed.log"
start_daemon
funcs "$WORKER" | cat - "$OBJ/f.metasafed" > "$OBJ/f.daemon"
"$METASAFE" -p "$port" -i "$OBJ/admin_key" -o KnownHostsFile="$OBJ/bad_kh" \
    status > /dev/null 2>&1
printf 'NOT A HELLO AT ALL\n' | timeout 5 "$BASH" -c \
    "cat > /dev/tcp/127.0.0.1/$port" 2>/dev/null || true
ms get /nonexistent rec > /dev/null 2>&1
wait_log "audit: result=[^ ]* peer=[^ ]* op=open principal=admin path=/nonexistent"
sleep 0.5
grep -v 'started\|listening' "$OBJ/metasafed.log" > "$OBJ/daemon.lines"
check "daemon log at VERBOSE" "$OBJ/f.daemon" "$OBJ/daemon.lines"

[ "$NCHECKED" -ge 14 ] || fail "only $NCHECKED lines checked"
trace "$NCHECKED lines checked"
exit 0
