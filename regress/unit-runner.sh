#!/bin/bash
# run-unit.sh's verdicts, on stand-in test binaries: a clean cmocka summary
# passes; libbsd's "setproctitle not initialized" warning (a unit test
# linked without libbsd-ctor), a failure count or a crash fails.  And the
# real unit tests are linked so that the warning cannot appear.
. "$(dirname "$0")/test-exec.sh"
tid "run-unit.sh fails on setproctitle noise; unit tests link libbsd-ctor"

# fake NAME EXIT LINE...: a stand-in binary printing LINEs, exiting EXIT.
fake() {
	_n=$1 _st=$2
	shift 2
	{ echo '#!/bin/sh'
	  for _l in "$@"; do printf "printf '%%s\\\\n' '%s'\n" "$_l"; done
	  echo "exit $_st"; } > "$OBJ/$_n"
	chmod 0755 "$OBJ/$_n"
}
# verdict NAME: run-unit.sh's last line for that binary alone, and status.
verdict() {
	sh "$SRCDIR/run-unit.sh" "$OBJ" "$OBJ/$1" > "$OBJ/$1.out" 2>&1
	echo "$? $(tail -n 1 "$OBJ/$1.out")"
}

fake clean 0 '[==========] 2 test(s) run.' '[  PASSED  ] 2 test(s).'
fake noisy 0 'test_x: setproctitle not initialized, please either call setproctitle_init() or link against libbsd-ctor.' \
    '[==========] 2 test(s) run.' '[  PASSED  ] 2 test(s).'
fake failing 1 '[  PASSED  ] 1 test(s).' '[  FAILED  ] 1 test(s), listed below:'
fake crash 139 '[ RUN      ] t'

[ "$(verdict clean)" = "0 2 passed, 0 failed" ] ||
    fail "clean binary: $(verdict clean)"
[ "$(verdict noisy)" = "1 2 passed, 1 failed" ] ||
    fail "setproctitle warning did not fail: $(verdict noisy)"
grep -q 'FAIL: noisy .*setproctitle not initialized' "$OBJ/noisy.out" ||
    fail "no reason given: $(cat "$OBJ/noisy.out")"
[ "$(verdict failing)" = "1 1 passed, 1 failed" ] ||
    fail "failing binary: $(verdict failing)"
[ "$(verdict crash)" = "1 0 passed, 1 failed" ] ||
    fail "crashing binary: $(verdict crash)"

# The worker unit tests call setproctitle() (through the handshake in
# worker_fixture.c); linked with libbsd's constructor they must run
# without the warning.
tw=$BUILD/regress/unit/test_worker_handshake
need_prog "$tw"
nm "$tw" 2>/dev/null | grep -q 'libbsd_init_func' ||
    fail "test_worker_handshake is not linked with libbsd-ctor"

exit 0
