#!/bin/bash
# ls, ls -l and ls --json tell a plain record named "data [secure]" from a
# SECURE record named "data"; odd names are escaped; -l and --json carry
# version and mtime.
. "$(dirname "$0")/test-exec.sh"
tid "ls: unambiguous names and flags; ls -l and --json with version, mtime"
need_tool python3

start_daemon
before=$(date -u +%s)
printf 'v' | ms set /t 'data [secure]' || fatal "set plain"
printf 's' | ms set -s /t data || fatal "set secure"
printf 's2' | ms set -s /t data || fatal "set secure again"
printf 'b' | ms set /t 'back\slash' || fatal "set backslash"
printf 'u' | ms set /t "$(printf 'caf\303\251')" || fatal "set utf-8"
printf 'r' | ms set /t "$(printf 'rlo\342\200\256txt')" || fatal "set bidi"
printf 'c' | ms set /t/child x || fatal "set child"
after=$(date -u +%s)
# Names with a newline or a control byte never get in (exit 6).
printf 'x' | ms set /t "$(printf 'new\nline')" 2>/dev/null
[ $? -eq 6 ] || fail "a record name with a newline was accepted"
printf 'x' | ms set /t "$(printf 'ctl\001')" 2>/dev/null
[ $? -eq 6 ] || fail "a record name with a control byte was accepted"

# Plain ls: blanks in names are escaped, so " [" is only ever the flags.
ms ls /t > "$OBJ/ls" || fatal "ls"
grep -qx 'child/' "$OBJ/ls" || fail "ls lacks child/: $(cat "$OBJ/ls")"
grep -qxF 'data\x20[secure]' "$OBJ/ls" || fail "ls plain record: $(cat "$OBJ/ls")"
grep -qxF 'data [secure]' "$OBJ/ls" || fail "ls secure record: $(cat "$OBJ/ls")"
[ "$(grep -c '^data' "$OBJ/ls")" = 2 ] || fail "ls: $(cat "$OBJ/ls")"
grep -qxF 'back\\slash' "$OBJ/ls" || fail "ls backslash: $(cat "$OBJ/ls")"
grep -qx "$(printf 'caf\303\251')" "$OBJ/ls" || fail "ls utf-8 name: $(cat "$OBJ/ls")"
grep -qxF 'rlo\u{202E}txt' "$OBJ/ls" || fail "ls bidi override: $(cat "$OBJ/ls")"

# ls -l: TYPE FLAGS VERSION MTIME NAME.
ms ls -l /t > "$OBJ/ll" || fatal "ls -l"
re_t='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
grep -qE '^node +- +- +- +child/$' "$OBJ/ll" || fail "ls -l node: $(cat "$OBJ/ll")"
grep -qE "^record +secure +2 +$re_t +data\$" "$OBJ/ll" ||
    fail "ls -l secure data (version 2): $(cat "$OBJ/ll")"
grep -qE "^record +- +1 +$re_t +data\\\\x20\\[secure\\]\$" "$OBJ/ll" ||
    fail "ls -l plain record: $(cat "$OBJ/ll")"
[ "$(wc -l < "$OBJ/ll")" = 6 ] || fail "ls -l lines: $(cat "$OBJ/ll")"

# ls --json: parse it and check every field.
ms ls --json /t > "$OBJ/json" || fatal "ls --json"
ms ls -j /t > "$OBJ/json2" || fatal "ls -j"
cmp -s "$OBJ/json" "$OBJ/json2" || fail "-j and --json differ"
python3 - "$OBJ/json" "$before" "$after" > "$OBJ/py.out" 2>&1 <<'PY' ||
import json, sys, datetime
d = json.load(open(sys.argv[1], encoding="utf-8"))
lo, hi = int(sys.argv[2]), int(sys.argv[3])
assert d["path"] == "/t", d
assert d["children"] == ["child"], d["children"]
recs = {r["name"]: r for r in d["records"]}
assert set(recs) == {"data [secure]", "data", "back\\slash", "caf\u00e9",
    "rlo\u202etxt"}, sorted(recs)
assert recs["data"]["secure"] is True and recs["data"]["version"] == 2
assert recs["data [secure]"]["secure"] is False
assert recs["data [secure]"]["inherit"] is False
assert recs["data [secure]"]["version"] == 1
for r in recs.values():
    t = datetime.datetime.strptime(r["mtime"], "%Y-%m-%dT%H:%M:%SZ")
    t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert t == r["mtime_unix"], r
    assert lo - 1 <= t <= hi + 1, (r, lo, hi)
    assert "value" not in r
print("ok")
PY
    fail "--json: $(cat "$OBJ/py.out")"
# The JSON escapes the backslash and keeps UTF-8.
grep -qF '"back\\slash"' "$OBJ/json" || fail "json backslash: $(cat "$OBJ/json")"
exit 0
