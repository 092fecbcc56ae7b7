#!/bin/bash
# sandbox-escape.sh — a confined process (SECURITY.md I5) tries to get out.
#
# regress/progs/sandbox-probe enters the worker sandbox exactly as the
# worker does, then makes one attempt.  Forbidden attempts must end in
# SIGSYS (exit status 128+31), soft ones must fail with the documented
# errno (probe exit 0), everyday calls must keep working.

. "$(dirname "$0")/test-exec.sh"
tid "sandbox: escapes are killed, file probes fail, work continues"

PROBE=$BUILD/regress/progs/sandbox-probe
need_prog "$PROBE"
[ "$(id -u)" = 0 ] || fatal "needs root (chroot, setuid): run as root"
id nobody >/dev/null 2>&1 || fatal "needs a user \"nobody\""
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)

SIGSYS_STATUS=$((128 + 31))	# x86_64/aarch64 SIGSYS
[ "$(kill -l "$SIGSYS_STATUS" 2>/dev/null)" = SYS ] ||
    fatal "SIGSYS is not signal 31 here; fix SIGSYS_STATUS"

JAIL=$OBJ/empty
mkdir -p "$JAIL" && chmod 0755 "$JAIL" || fatal "cannot create $JAIL"

# run_probe ACTION: sets rc and out.  Output goes through a pipe: the
# sandbox sets RLIMIT_FSIZE to 0, a regular file would raise SIGXFSZ.
run_probe() {
	out=$("$PROBE" "$JAIL" nobody "$1" 2>&1)
	rc=$?
	trace "$1: status $rc: $out"
}

for a in socket connect execve fork clone3 ptrace kill setuid0 \
    mprotect-exec mmap-exec x32 i386 recvmsg-other getsockopt-other sendmsg; do
	run_probe "$a"
	case $rc in
	"$SIGSYS_STATUS") ;;
	2)	fail "$a: the forbidden call returned instead of killing" ;;
	*)	fail "$a: status $rc, want SIGSYS ($SIGSYS_STATUS): $out" ;;
	esac
done

# newfstatat/statx with AT_EMPTY_PATH and a real path ("/", the jail's root)
# used to be allowed: the kernel resolved the path anyway.
for a in none open stat allowed openssl newfstatat-path statx-path \
    newfstatat-fd handoff; do
	run_probe "$a"
	[ "$rc" = 0 ] || fail "$a: status $rc, want 0: $out"
done

# Memory: the largest legal request's buffers fit, an endless allocation
# is refused below the worker's bound.
run_probe memlimit
case $rc:$out in
0:"refused after "*" MiB"|0:*"sanitizer build"*) ;;
2:*)	fail "memlimit: allocated four times the bound: no memory limit" ;;
*)	fail "memlimit: status $rc, want 0: $out" ;;
esac

run_probe status
[ "$rc" = 0 ] || fail "status: status $rc: $out"
[ "$out" = "uid=$NOBODY_UID gid=$NOBODY_GID" ] ||
    fail "status: runs as \"$out\", want uid=$NOBODY_UID gid=$NOBODY_GID"

# Debug mode reports the call, fails it with ENOSYS and carries on.
run_probe debug-socket
[ "$rc" = 0 ] || fail "debug-socket: status $rc, want 0: $out"
case $out in
*"sandbox-probe: trapped syscall socket"*) ;;
*)	fail "debug-socket: no report of the trapped socket(): $out" ;;
esac

# An unsafe jail is refused before anything is dropped.
BAD=$OBJ/bad-jail
mkdir -p "$BAD" && chmod 0775 "$BAD" || fatal "cannot create $BAD"
out=$("$PROBE" "$BAD" nobody none 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "group-writable jail: status $rc, want 1: $out"
case $out in
*"writable by group or other"*) ;;
*)	fail "group-writable jail: unexpected message: $out" ;;
esac
chmod 0755 "$BAD"
: > "$BAD/file"
out=$("$PROBE" "$BAD" nobody none 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "non-empty jail: status $rc, want 1: $out"
# The worker's own check, too: a file and a symbolic link to /etc/shadow,
# then the link alone (neither changes the directory's link count).
ln -s /etc/shadow "$BAD/shadow"
out=$("$PROBE" "$BAD" nobody none 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "file + symlink jail: status $rc, want 1: $out"
rm -f "$BAD/file"
out=$("$PROBE" "$BAD" nobody none 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "symlink jail: status $rc, want 1: $out"
case $out in
*'is not empty (contains "shadow")'*) ;;
*)	fail "symlink jail: unexpected message: $out" ;;
esac
rm -f "$BAD/shadow"

# The jail must still be empty: nothing could be created inside it.
[ -z "$(ls -A "$JAIL")" ] || fail "jail $JAIL is no longer empty"
