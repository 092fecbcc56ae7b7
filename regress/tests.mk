# tests.mk — the shell regress tests, listed (as OpenSSH's regress/Makefile
# lists LTESTS).  One name per line (regress/NAME.sh), grouped by area.
# The GNUmakefile includes this file; run-regress.sh reads it when LTESTS is
# not given, and `run-regress.sh -c` (run before every `make regress`)
# fails when a regress/*.sh test is not listed here or a listed test has no
# file, so a new test cannot be skipped silently.  Files in regress/ that
# are not tests: test-exec.sh (the harness), run-regress.sh, run-unit.sh.

# Build, symbols and source guards
REGRESS_TESTS += \
	version \
	wire-arith \
	msg-layer \
	worker-symbols \
	store-seal-no-lmdb \
	no-funcnames \
	unit-runner \
	regress-list

# Connections and client operations
REGRESS_TESTS += \
	connect-basic \
	secure-roundtrip \
	parallel-clients \
	idle-many \
	ls-long \
	invalid-args \
	client-identity-perms \
	libmetasafe-shared \
	auth-unknown-key \
	hostkey-mismatch \
	hostkey-rotate

# Session resumption
REGRESS_TESTS += \
	resume-read \
	resume-memory \
	resume-replay \
	resume-expired \
	resume-principal-removed \
	resume-cert-revoked \
	resume-tampered-ticket \
	resume-tampered-binder \
	resume-other-daemon \
	resume-downgrade \
	resume-disabled \
	resume-cache-perms \
	rogue-resume \
	hostile-ticket

# ACLs and audit
REGRESS_TESTS += \
	acl-inherit \
	acl-delete-protected \
	acl-matrix \
	audit-denied-get \
	audit-forgery \
	op-semantics \
	list-paging \
	getacl-limit \
	local-peers \
	local-config \
	local-socket \
	local-rogue

# Client configuration
REGRESS_TESTS += \
	client-config

# systemd credentials (CredentialSocket)
REGRESS_TESTS += \
	credentials \
	credentials-unit

# Certificates
REGRESS_TESTS += \
	cert-fixtures \
	cert-chain \
	cert-config \
	cert-crl-reload \
	cert-crl-stale \
	cert-downgrade \
	cert-keymismatch \
	cert-principal \
	cert-revoked \
	cert-rsa-min \
	cert-sensitive \
	cert-server \
	cert-sigalgs \
	cert-untrusted \
	cert-usage \
	cert-valid \
	cert-validity

# metasafe-keygen
REGRESS_TESTS += \
	keygen-ca \
	keygen-ca-openssl-revoke \
	keygen-default \
	keygen-fingerprint \
	keygen-hostkeys \
	keygen-knownhosts \
	keygen-mkdir \
	keygen-modes \
	keygen-openssl \
	keygen-overwrite \
	keygen-passphrase \
	keygen-storekey-kcv \
	keygen-tty

# Daemon start-up, configuration, signals, logging
REGRESS_TESTS += \
	startup-bind \
	startup-chroot \
	startup-keys \
	startup-pidfile \
	startup-store \
	chroot-create \
	config-bad \
	config-check \
	config-etcd \
	daemon-lifecycle \
	single-instance \
	sighup-config \
	sighup-empty-principals \
	signals-usr \
	logfile-reopen \
	notify \
	strictmodes-keys \
	strictmodes-trusted

# Store, store key, admin tool
REGRESS_TESTS += \
	restart-persist \
	store-full \
	store-writers \
	store-durable \
	store-acl-order \
	store-diskfull \
	store-no-cleartext \
	secure-not-in-monitor \
	storekey-mismatch \
	storekey-rotate \
	admin-backup-restore \
	admin-verify \
	admin-migrate

# Privilege separation, sandbox, hostile peers
REGRESS_TESTS += \
	worker-privsep \
	worker-aslr \
	worker-kill \
	worker-crash-cause \
	fd-limit \
	maxstartups \
	idle-timeout \
	shutdown-alert \
	worker-memory \
	worker-idle-memory \
	monitor-crash \
	key-not-in-worker \
	pool-distinct \
	pool-early \
	pool-key-scan \
	pool-reload \
	pool-replace \
	pool-zero \
	sandbox-debug \
	sandbox-escape \
	rogue-auth \
	rogue-decap \
	rogue-garbage \
	rogue-linger \
	rogue-sign \
	rogue-trailing \
	alert-linger \
	hostile-blob \
	hostile-flood \
	hostile-frame-zero \
	hostile-frames \
	hostile-handshake \
	hostile-records \
	hostile-stall

# The benchmark's programs (make bench itself is not a test)
REGRESS_TESTS += \
	bench-smoke

# Install, systemd, manual pages
REGRESS_TESTS += \
	install-destdir \
	install-paths \
	install-run \
	systemd-caps \
	systemd-snippets \
	systemd-unit \
	man-client-opts \
	man-defaults \
	man-exit \
	man-keywords \
	man-libapi \
	man-lint \
	man-options

# The etcd store backend (a real three-member cluster on loopback)
REGRESS_TESTS += \
	etcd-hostile \
	etcd-key-rotate \
	etcd-kv \
	etcd-store \
	etcd-tamper \
	etcd-txn

# A fleet: two metasafed hosts on one etcd cluster (lib/fleet.sh)
REGRESS_TESTS += \
	fleet-read-through \
	fleet-acl \
	fleet-writers \
	fleet-secure \
	fleet-member-down \
	fleet-sigstop \
	fleet-at-rest \
	fleet-wrong-key \
	fleet-tls
