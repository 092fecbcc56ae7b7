#!/bin/bash
# A hostile etcd endpoint (a compromised member, or anyone on a plain
# http:// path) answers ranges with keys that were not asked for: shorter
# than the table's prefix, outside the range, out of order.  The
# transaction layer refuses each answer before its bytes are used.
. "$(dirname "$0")/test-exec.sh"
tid "etcd transactions: keys a range did not ask for are refused"

ETX=$BUILD/regress/progs/etcd-tx
need_prog "$ETX"
need_tool python3

# A fake v3 gateway: every range answer holds the keys given in base64.
cat > "$OBJ/fake.py" <<'PY'
import base64, http.server, json, sys
keys = [base64.b64encode(k.encode()).decode() for k in sys.argv[3:]]
class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        kvs = [{"key": k, "value": base64.b64encode(b"v").decode(),
                "create_revision": "1", "mod_revision": "1",
                "version": "1"} for k in keys]
        body = {"header": {"revision": "5"}, "count": str(len(kvs))}
        if kvs:
            body["kvs"] = kvs
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Gateway)
open(sys.argv[2], "w").write("ready\n")
server.serve_forever()
PY

# hostile NAME N KEY...: one fake gateway answering with KEYs; the walk
# is refused after handing on N good keys, the get at once.
hostile() {
	_name=$1
	_good=$2
	shift 2
	_port=$(pick_port)
	rm -f "$OBJ/ready"
	python3 "$OBJ/fake.py" "$_port" "$OBJ/ready" "$@" &
	_pid=$!
	add_cleanup "kill $_pid 2>/dev/null"
	_i=0
	until [ -s "$OBJ/ready" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || fatal "$_name: the fake gateway did not start"
		sleep 0.1
	done
	out=$("$ETX" "http://127.0.0.1:$_port" /ms/ hostile 2>&1)
	_st=$?
	kill "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	[ $_st -eq 0 ] || fail "$_name: $out"
	case "$out" in *"refused walk after $_good key(s)"*"refused get"*) ;;
	*) fail "$_name: $out" ;; esac
}

hostile "a key shorter than the table's prefix" 0 "x"
hostile "a key of another table" 0 "/ms/nodes/node"
hostile "a key past the range" 0 "/ms/records/nodf"
hostile "a key of another prefix" 0 "/other/records/node"
# The first is the walk's; the second goes back, so the answer is refused.
hostile "keys out of order" 1 "/ms/records/node2" "/ms/records/node1"
