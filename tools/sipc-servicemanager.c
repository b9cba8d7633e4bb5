// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-servicemanager: the context manager. It claims handle 0 and keeps
 * the registry: names to handles, added by servers and looked up by
 * clients (the protocol is in sipc.h). An entry goes when its server
 * dies (a death notice); a name belongs to the process that added it
 * until then, which alone may add it again. Who may add which names is a
 * small policy file:
 *
 *   # first matching line wins; no line matches: refused
 *   allow  root    *
 *   allow  1000    demo.*
 *   allow  *       media.*   label=media_server*
 *   deny   *       *
 *
 * (a user is a name, a uid or *; a name pattern is a shell glob; a rule
 * with label= matches only a sender whose LSM security context, e.g. its
 * AppArmor label, the glob matches). Without the default file everyone
 * may add any name, as in the dev VM.
 *
 *   sipc-servicemanager [-c FILE] [-d DEVICE] [-v]
 *
 * It logs what it does on stderr and exits 0 on SIGTERM or SIGINT.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sipc.h>

#include "registry-idl.h"

#define DEFAULT_CONFIG	"/etc/sipc/servicemanager.conf"
#define LIST_PAGE	256

struct rule {
	struct rule *next;
	bool allow;
	bool any_user;
	uid_t uid;
	char *pattern;
	char *label;		/* NULL: any sender's context */
};

struct entry {
	struct entry *next;		/* sorted by name */
	char name[SIPC_NAME_MAX];
	struct sipc_handle *h;
	pid_t pid;
	uid_t uid;
};

static struct sipc *dev;
static struct rule *rules;
static bool allow_all, verbose, want_labels;
static struct entry *entries;

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sipc-servicemanager: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- policy ---- */

static int parse_user(const char *s, struct rule *r)
{
	struct passwd *pw;
	char *end;
	unsigned long v;

	if (!strcmp(s, "*")) {
		r->any_user = true;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*end && end != s && !errno && v <= (uid_t)-2) {
		r->uid = (uid_t)v;
		return 0;
	}
	pw = getpwnam(s);
	if (!pw)
		return -1;
	r->uid = pw->pw_uid;
	return 0;
}

/* Returns 0, or -1 after saying what is wrong where. */
static int load_policy(const char *path, bool must_exist)
{
	char line[512], verb[16], user[64], pat[256], label[256], extra[2];
	struct rule *r, **tail = &rules;
	int n = 0, nr_rules = 0, fields;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (errno == ENOENT && !must_exist) {
			allow_all = true;
			logmsg("no %s: anyone may add any name", path);
			return 0;
		}
		logmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, '#');

		n++;
		if (c)
			*c = 0;
		fields = sscanf(line, "%15s %63s %255s %255s %1s", verb, user,
				pat, label, extra);
		if (fields <= 0)
			continue;
		r = calloc(1, sizeof(*r));
		if (!r || (fields != 3 && (fields != 4 ||
					   strncmp(label, "label=", 6))) ||
		    parse_user(user, r) ||
		    (strcmp(verb, "allow") && strcmp(verb, "deny"))) {
			logmsg("%s:%d: want \"allow|deny USER PATTERN [label=GLOB]\"%s",
			       path, n, r && (fields == 3 || fields == 4) ?
			       " (unknown user?)" : "");
			free(r);
			fclose(f);
			return -1;
		}
		r->allow = !strcmp(verb, "allow");
		r->pattern = strdup(pat);
		if (fields == 4) {
			r->label = strdup(label + 6);
			want_labels = true;
		}
		*tail = r;
		tail = &r->next;
		nr_rules++;
	}
	fclose(f);
	logmsg("policy %s: %d rule(s)", path, nr_rules);
	return 0;
}

/* A rule's label= matches a sender with a context its glob matches. */
static bool label_matches(const struct rule *r, const char *secctx)
{
	return !r->label || (secctx && !fnmatch(r->label, secctx, 0));
}

static bool may_add(uid_t uid, const char *secctx, const char *name)
{
	struct rule *r;

	if (allow_all)
		return true;
	for (r = rules; r; r = r->next)
		if ((r->any_user || r->uid == uid) &&
		    !fnmatch(r->pattern, name, 0) && label_matches(r, secctx))
			return r->allow;
	return false;
}

/* ---- the registry ---- */

static struct entry **find(const char *name)
{
	struct entry **pp;

	for (pp = &entries; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) >= 0)
			break;
	return pp;
}

static void on_death(struct sipc_handle *h, void *data);

static void drop(struct entry **pp)
{
	struct entry *e = *pp;

	*pp = e->next;
	sipc_handle_unlink_death(e->h, on_death, NULL);
	sipc_handle_put(e->h);
	free(e);
}

/* A server died: every name it had goes. */
static void on_death(struct sipc_handle *h, void *data)
{
	struct entry **pp = &entries;

	while (*pp) {
		if ((*pp)->h == h) {
			logmsg("dropped \"%s\": its server (pid %d) died",
			       (*pp)->name, (int)(*pp)->pid);
			drop(pp);
		} else {
			pp = &(*pp)->next;
		}
	}
}

/*
 * The calls, as the stubs generated from tools/registry.idl hand them
 * over: arguments read and typed, the node's handle ours only until we
 * return (an entry takes a reference of its own).
 */
static int add(void *data, const struct sipc_txn *txn, const char *name,
	       struct sipc_handle *node, struct sipc_parcel *reply)
{
	struct entry **pp, *e;
	int ret;

	if (!sipc_name_valid(name))
		return -EINVAL;
	if (!may_add(txn->sender_euid, txn->sender_secctx, name)) {
		logmsg("refused \"%s\" to pid %d uid %u%s%s: policy", name,
		       (int)txn->sender_pid, (unsigned int)txn->sender_euid,
		       want_labels ? " label " : "", !want_labels ? "" :
		       txn->sender_secctx ? txn->sender_secctx : "(none)");
		return -EPERM;
	}
	pp = find(name);
	e = *pp;
	if (e && !strcmp(e->name, name)) {
		if (e->pid != txn->sender_pid && !sipc_handle_is_dead(e->h)) {
			logmsg("refused \"%s\" to pid %d: pid %d has it", name,
			       (int)txn->sender_pid, (int)e->pid);
			return -EEXIST;
		}
		drop(pp);
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->h = sipc_handle_get(node);
	e->pid = txn->sender_pid;
	e->uid = txn->sender_euid;
	ret = sipc_handle_link_death(e->h, on_death, NULL);
	if (ret) {
		/* Dead already, or no memory: do not keep what cannot go. */
		sipc_handle_put(e->h);
		free(e);
		return ret;
	}
	e->next = *pp;
	*pp = e;
	logmsg("added \"%s\" (handle %u) for pid %d uid %u", name,
	       sipc_handle_id(e->h), (int)e->pid, (unsigned int)e->uid);
	return 0;
}

static int check(void *data, const struct sipc_txn *txn, const char *name,
		 struct sipc_parcel *reply)
{
	struct entry *e = *find(name);

	if (!e || strcmp(e->name, name)) {
		if (verbose)
			logmsg("pid %d looked for \"%s\": not there",
			       (int)txn->sender_pid, name);
		return -ENOENT;
	}
	/* Its death notice is on its way: it is gone already. */
	if (sipc_handle_is_dead(e->h))
		return -ENOENT;
	if (verbose)
		logmsg("pid %d looked up \"%s\"", (int)txn->sender_pid, name);
	return registry_check_reply(reply, e->h);
}

static int list(void *data, const struct sipc_txn *txn, uint32_t first,
		struct sipc_parcel *reply)
{
	static struct registry_service page[LIST_PAGE];
	struct registry_service_array services = { page, 0 };
	uint32_t total = 0, i = 0;
	struct entry *e;

	for (e = entries; e; e = e->next, i++) {
		total++;
		if (i < first || services.count == LIST_PAGE)
			continue;
		page[services.count].name = e->name;
		page[services.count].pid = (uint32_t)e->pid;
		page[services.count++].uid = (uint32_t)e->uid;
	}
	return registry_list_reply(reply, total, &services);
}

static const struct registry_handlers handlers = {
	.add = add,
	.check = check,
	.list = list,
};

static int handle(struct sipc_node *node, const struct sipc_txn *txn,
		  struct sipc_parcel *reply)
{
	int ret = registry_dispatch(&handlers, NULL, txn, reply);

	/* The protocol has always answered a malformed request so. */
	if (ret == -ENODATA || ret == -ENOMSG || ret == -EBADMSG)
		return -EINVAL;
	return ret;
}

static void on_signal(int sig)
{
	sipc_stop(dev);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sipc-servicemanager [-c FILE] [-d DEVICE] [-v]\n"
		"  -c FILE    policy file (default " DEFAULT_CONFIG ")\n"
		"  -d DEVICE  the sipc device (default " SIPC_DEVICE_PATH ")\n"
		"  -v         also log every look-up\n");
}

int main(int argc, char **argv)
{
	const char *config = DEFAULT_CONFIG, *path = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	bool config_given = false;
	struct sipc_node *node;
	int opt, ret;

	while ((opt = getopt(argc, argv, "c:d:vh")) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			config_given = true;
			break;
		case 'd':
			path = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (load_policy(config, config_given))
		return 2;
	ret = sipc_open(path, 0, &dev);
	if (ret) {
		logmsg("%s: %s", path ? path : SIPC_DEVICE_PATH,
		       ret == -ENOENT ? strerror(ENOENT) : sipc_strerror(ret));
		return 1;
	}
	/* Senders' security contexts only when a rule looks at them. */
	ret = sipc_node_create(dev, handle, NULL, SIPC_NODE_CONTEXT_MANAGER |
			       (want_labels ? SIPC_NODE_SECCTX : 0), &node);
	if (ret) {
		logmsg("cannot claim handle 0: %s", sipc_strerror(ret));
		sipc_close(dev);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	logmsg("pid %d is the context manager (handle 0)", (int)getpid());
	ret = sipc_loop(dev);
	if (ret)
		logmsg("loop failed: %s", sipc_strerror(ret));
	while (entries)
		drop(&entries);
	sipc_node_destroy(node);
	sipc_close(dev);
	logmsg("stopped");
	return ret ? 1 : 0;
}
