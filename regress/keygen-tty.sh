#!/bin/bash
# Without -N on a terminal the passphrase is asked twice (not echoed);
# a mismatch fails and writes nothing; -l/-y ask for an encrypted key's
# passphrase.  Uses script(1) for the terminal.
. "$(dirname "$0")/test-exec.sh"
tid "keygen passphrase prompts on a terminal"
need_prog "$METASAFE_KEYGEN"
need_tool script mkfifo

# on_tty NAME CMD ANSWER...: run CMD on a pty; each ANSWER is typed after
# the next "passphrase" prompt appears (readpassphrase flushes earlier
# input).  Status in $OBJ/NAME.st, terminal output in $OBJ/NAME.ts.
on_tty() {
	_n=$1 _cmd=$2
	shift 2
	rm -f "$OBJ/$_n.in" "$OBJ/$_n.ts"
	mkfifo "$OBJ/$_n.in"
	script -qfec "$_cmd; echo \$? > $OBJ/$_n.st" "$OBJ/$_n.ts" \
	    < "$OBJ/$_n.in" > /dev/null 2>&1 &
	_pid=$!
	exec 3> "$OBJ/$_n.in"
	_k=0
	for _a in "$@"; do
		_k=$((_k + 1))
		_i=0
		while [ "$(grep -o 'assphrase[^:]*: ' "$OBJ/$_n.ts" 2>/dev/null |
		    wc -l)" -lt $_k ]; do
			_i=$((_i + 1))
			if [ $_i -gt 200 ]; then
				fail "$_n: no passphrase prompt $_k"
				break
			fi
			sleep 0.1
		done
		printf '%s\n' "$_a" >&3
	done
	_i=0
	while [ ! -s "$OBJ/$_n.st" ] && [ $_i -lt 200 ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	exec 3>&-
	wait $_pid
	[ -s "$OBJ/$_n.st" ] || fail "$_n: command did not finish"
}

K=$METASAFE_KEYGEN
on_tty gen "$K -t ed25519 -C tty -f $OBJ/k" 'tty pass' 'tty pass'
[ "$(cat "$OBJ/gen.st")" = 0 ] || fail "generate on tty: $(cat "$OBJ/gen.ts")"
grep -q "Enter passphrase (empty for no passphrase): " "$OBJ/gen.ts" ||
    fail "first prompt missing"
grep -q "Enter same passphrase again: " "$OBJ/gen.ts" ||
    fail "second prompt missing"
grep -q "tty pass" "$OBJ/gen.ts" && fail "passphrase was echoed"
head -n 1 "$OBJ/k" | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' ||
    fail "key from tty passphrase is not encrypted"
"$K" -y -f "$OBJ/k" -P 'tty pass' >/dev/null || fail "tty passphrase not used"

on_tty mismatch "$K -t ed25519 -f $OBJ/m" 'one' 'two'
[ "$(cat "$OBJ/mismatch.st")" != 0 ] || fail "mismatch accepted"
grep -qi "do not match" "$OBJ/mismatch.ts" || fail "mismatch message missing"
[ ! -e "$OBJ/m" ] && [ ! -e "$OBJ/m.pub" ] || fail "mismatch wrote files"

on_tty empty "$K -t x25519 -f $OBJ/e" '' ''
[ "$(cat "$OBJ/empty.st")" = 0 ] || fail "empty passphrase on tty failed"
head -n 1 "$OBJ/e" | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
    fail "empty passphrase did not give a plain key"

rm -f "$OBJ/k.pub"
on_tty ask_l "$K -l -f $OBJ/k" 'tty pass'
[ "$(cat "$OBJ/ask_l.st")" = 0 ] || fail "-l with prompted passphrase failed"
grep -q '256 SHA256:.* (ED25519)' "$OBJ/ask_l.ts" || fail "-l output missing"
on_tty ask_y "$K -y -f $OBJ/k" 'wrong'
[ "$(cat "$OBJ/ask_y.st")" = 3 ] || fail "-y wrong prompted passphrase: exit $(cat "$OBJ/ask_y.st")"
grep -q "incorrect passphrase" "$OBJ/ask_y.ts" || fail "-y wrong: no message"
exit 0
