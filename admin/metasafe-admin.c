/*
 * metasafe-admin — store administration beside (or instead of) a running
 * metasafed: backup, restore, verify, rekey, migrate.  Root only; it reads
 * the daemon's configuration and store keys, and only migrate talks to the
 * network (the etcd cluster).
 *
 *   metasafe-admin backup  [-f config] outdir
 *   metasafe-admin restore [-f config] backupdir
 *   metasafe-admin verify  [-f config] [dir]
 *   metasafe-admin rekey   [-f config] [-n records-per-transaction]
 *   metasafe-admin migrate [-f config] --to etcd|lmdb [--dir dir]
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "errors.h"
#include "hostkeys.h"
#include "log.h"
#include "pathnames.h"
#include "servconf.h"
#include "version.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
"usage: metasafe-admin backup  [-f config] outdir\n"
"       metasafe-admin restore [-f config] backupdir\n"
"       metasafe-admin verify  [-f config] [dir]\n"
"       metasafe-admin rekey   [-f config] [-n records-per-transaction]\n"
"       metasafe-admin migrate [-f config] --to etcd|lmdb [--dir dir]\n"
"       metasafe-admin -V\n"
"default config: " MS_PATH_CONFIG "\n"
"exit status: 0 ok, 1 usage/configuration/error, 2 store in use,\n"
"             3 damage found, 4 store key does not match the store,\n"
"             5 destination not empty, 6 copy does not verify,\n"
"             7 store unavailable\n");
	exit(ADMIN_EXIT_ERROR);
}

int
main(int argc, char **argv)
{
	struct servconf conf;
	struct hostkeys keys;
	struct admin_ctx a;
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd, *config = MS_PATH_CONFIG, *errstr;
	const char *to = NULL, *dir = NULL;
	char err[2048];
	long long batch = ADMIN_REKEY_BATCH;
	int ch, ret;

	if (argc < 2)
		usage();
	if (argc == 2 && strcmp(argv[1], "-V") == 0)
		exit(ms_version_print("metasafe-admin") == 0 ? ADMIN_EXIT_OK :
		    ADMIN_EXIT_ERROR);
	cmd = argv[1];
	if (strcmp(cmd, "backup") != 0 && strcmp(cmd, "restore") != 0 &&
	    strcmp(cmd, "verify") != 0 && strcmp(cmd, "rekey") != 0 &&
	    strcmp(cmd, "migrate") != 0)
		usage();
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "f:n:t:d:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			config = optarg;
			break;
		case 't':
		case 'd':
			if (strcmp(cmd, "migrate") != 0)
				usage();
			if (ch == 't')
				to = optarg;
			else
				dir = optarg;
			break;
		case 'n':
			if (strcmp(cmd, "rekey") != 0)
				usage();
			batch = strtonum(optarg, 1, 10000, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "metasafe-admin: -n %s: %s "
				    "(1..10000)\n", optarg, errstr);
				exit(ADMIN_EXIT_ERROR);
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0) ?
	    argc != 1 : strcmp(cmd, "verify") == 0 ? argc > 1 : argc != 0)
		usage();
	if (strcmp(cmd, "migrate") == 0 && to == NULL)
		usage();

	ms_log_init("metasafe-admin", MS_LOG_INFO, 1, LOG_DAEMON);
	if (geteuid() != 0) {
		fprintf(stderr, "metasafe-admin: must be run as root (the "
		    "store and its keys belong to root)\n");
		exit(ADMIN_EXIT_ERROR);
	}
	servconf_init(&conf);
	if (servconf_load(config, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "metasafe-admin: %s\n", err);
		exit(ADMIN_EXIT_ERROR);
	}
	if (hostkeys_load_store_keys(&keys, conf.store_key_files,
	    conf.nstore_keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "metasafe-admin: %s\n", err);
		servconf_free(&conf);
		exit(ADMIN_EXIT_ERROR);
	}
	memset(&a, 0, sizeof(a));
	a.config = config;
	a.conf = &conf;
	a.keys = &keys;
	if (strcmp(cmd, "backup") == 0)
		ret = admin_backup(&a, argv[0]);
	else if (strcmp(cmd, "restore") == 0)
		ret = admin_restore(&a, argv[0]);
	else if (strcmp(cmd, "verify") == 0)
		ret = admin_verify(&a, argc == 1 ? argv[0] : NULL, 0);
	else if (strcmp(cmd, "migrate") == 0)
		ret = admin_migrate(&a, to, dir);
	else
		ret = admin_rekey(&a, (size_t)batch);
	hostkeys_free(&keys);
	servconf_free(&conf);
	return ret;
}
