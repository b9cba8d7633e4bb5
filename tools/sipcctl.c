// SPDX-License-Identifier: GPL-2.0
/*
 * sipcctl: the operator's view of sipc.
 *
 *   sipcctl [-d DEVICE] COMMAND [ARGS...]
 *
 * Each command is one entry in the table at the bottom. Exit status: 0
 * done, 1 it failed (or the call's status was not 0), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sipc.h>

#include "idl.h"
#include "registry-idl.h"
#include "textcall.h"

#define STATS_PATH	"/proc/sipc/stats"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const char *device;
static const struct command commands[];

static int fail(const char *what, int err)
{
	fprintf(stderr, "sipcctl: %s: %s\n", what, sipc_strerror(err));
	return EXIT_FAIL;
}

static int open_device(struct sipc **s)
{
	const char *path = device ? device : SIPC_DEVICE_PATH;
	int ret = sipc_open(device, 0, s);

	/* Only open(2) says ENOENT here: no device node. */
	if (ret == -ENOENT) {
		fprintf(stderr, "sipcctl: %s: %s (is sipc.ko loaded?)\n", path,
			strerror(ENOENT));
		return EXIT_FAIL;
	}
	if (ret)
		return fail(path, ret);
	return 0;
}

/* Open the device and look @name up (no waiting). */
static int lookup(const char *name, struct sipc **s, struct sipc_handle **h)
{
	int ret;

	if (open_device(s))
		return EXIT_FAIL;
	ret = sipc_registry_check(*s, name, h);
	if (ret) {
		sipc_close(*s);
		return fail(name, ret);
	}
	return 0;
}

/* ---- list: through the proxy generated from tools/registry.idl ---- */

static void print_services(const struct registry_service_array *page,
			   uint32_t shown)
{
	uint32_t i;

	if (!shown && page->count)
		printf("%-40s %8s %8s\n", "NAME", "PID", "UID");
	for (i = 0; i < page->count; i++)
		printf("%-40s %8d %8u\n", page->items[i].name,
		       (int)page->items[i].pid, (unsigned int)page->items[i].uid);
}

/* Every page, until the manager has no more to give. */
static int list_services(struct registry *reg, uint32_t *shown)
{
	struct registry_service_array page;
	uint32_t total;
	int ret;

	do {
		ret = registry_list(reg, *shown, &total, &page);
		if (ret)
			return ret;
		print_services(&page, *shown);
		*shown += page.count;
		free(page.items);
	} while (page.count && *shown < total);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct registry *reg;
	uint32_t shown = 0;
	struct sipc *s;
	int ret;

	if (argc != 1)
		return EXIT_USAGE;
	if (open_device(&s))
		return EXIT_FAIL;
	ret = registry_open(sipc_context_manager(s), &reg);
	if (!ret) {
		ret = list_services(reg, &shown);
		registry_close(reg);
	}
	sipc_close(s);
	if (ret < 0)
		return fail("list", ret);
	if (!shown)
		printf("no services\n");
	return EXIT_OK;
}

/* ---- ping ---- */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_ping(int argc, char **argv)
{
	struct sipc_parcel *req = NULL, *reply = NULL;
	long count = 1000, size = 32, i, warm = 100;
	struct sipc_handle *h;
	double *lat = NULL, t, sum = 0;
	unsigned char *pad = NULL;
	struct sipc *s;
	int opt, ret = 0;

	optind = 1;
	while ((opt = getopt(argc, argv, "+c:s:")) != -1) {
		if (opt == 'c')
			count = strtol(optarg, NULL, 0);
		else if (opt == 's')
			size = strtol(optarg, NULL, 0);
		else
			return EXIT_USAGE;
	}
	if (optind != argc - 1 || count < 1 || count > 10000000 ||
	    size < 8 || size > 1 << 20)
		return EXIT_USAGE;
	if (lookup(argv[optind], &s, &h))
		return EXIT_FAIL;
	/* A SIZE-byte payload: one bytes item, its 8-byte header included. */
	req = sipc_parcel_new();
	reply = sipc_parcel_new();
	lat = calloc(count, sizeof(*lat));
	pad = calloc(1, size);
	if (!req || !reply || !lat || !pad) {
		ret = -ENOMEM;
		goto out;
	}
	sipc_parcel_put_bytes(req, pad, (size - 8) & ~3L);
	for (i = -warm; i < count && !ret; i++) {
		t = now_us();
		ret = sipc_call(h, SIPC_CODE_PING, req, reply);
		if (i >= 0)
			lat[i] = now_us() - t;
	}
	if (ret)
		goto out;
	for (i = 0; i < count; i++)
		sum += lat[i];
	qsort(lat, count, sizeof(*lat), cmp_double);
	printf("ping %s (handle %u): %ld round trips of %ld bytes\n",
	       argv[optind], sipc_handle_id(h), count, size);
	printf("rtt min %.2f / avg %.2f / p50 %.2f / p99 %.2f / max %.2f us\n",
	       lat[0], sum / count, lat[count / 2], lat[count * 99 / 100],
	       lat[count - 1]);
out:
	free(lat);
	free(pad);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	sipc_handle_put(h);
	sipc_close(s);
	return ret ? fail("ping", ret) : EXIT_OK;
}

/* ---- call ---- */

static int put_hex(struct sipc_parcel *p, const char *hex)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *b;
	unsigned int x;
	int ret;

	if (strlen(hex) % 2)
		return -EINVAL;
	b = malloc(n + 1);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1) {
			free(b);
			return -EINVAL;
		}
		b[i] = (unsigned char)x;
	}
	ret = sipc_parcel_put_bytes(p, b, n);
	free(b);
	return ret;
}

/* One TYPE:VALUE argument; a bare VALUE is a string. */
static int put_arg(struct sipc_parcel *p, const char *arg)
{
	const char *colon = strchr(arg, ':'), *v;
	char type[8], *end;
	long long sv;
	unsigned long long uv;
	double d;

	if (!colon || colon - arg >= (long)sizeof(type))
		return sipc_parcel_put_string(p, arg);
	memcpy(type, arg, colon - arg);
	type[colon - arg] = 0;
	v = colon + 1;
	if (!strcmp(type, "str"))
		return sipc_parcel_put_string(p, v);
	if (!strcmp(type, "hex"))
		return put_hex(p, v);
	if (!strcmp(type, "bool")) {
		if (!strcmp(v, "true") || !strcmp(v, "1"))
			return sipc_parcel_put_bool(p, true);
		if (!strcmp(v, "false") || !strcmp(v, "0"))
			return sipc_parcel_put_bool(p, false);
		return -EINVAL;
	}
	errno = 0;
	if (!strcmp(type, "f64") || !strcmp(type, "double")) {
		d = strtod(v, &end);
		return *end || errno ? -EINVAL : sipc_parcel_put_double(p, d);
	}
	if (type[0] == 'i') {
		sv = strtoll(v, &end, 0);
		if (*end || errno || end == v)
			return -EINVAL;
		if (!strcmp(type, "i8") && sv >= INT8_MIN && sv <= INT8_MAX)
			return sipc_parcel_put_i8(p, (int8_t)sv);
		if (!strcmp(type, "i16") && sv >= INT16_MIN && sv <= INT16_MAX)
			return sipc_parcel_put_i16(p, (int16_t)sv);
		if (!strcmp(type, "i32") && sv >= INT32_MIN && sv <= INT32_MAX)
			return sipc_parcel_put_i32(p, (int32_t)sv);
		if (!strcmp(type, "i64"))
			return sipc_parcel_put_i64(p, sv);
		return -EINVAL;
	}
	if (type[0] == 'u' && v[0] != '-') {
		uv = strtoull(v, &end, 0);
		if (*end || errno || end == v)
			return -EINVAL;
		if (!strcmp(type, "u8") && uv <= UINT8_MAX)
			return sipc_parcel_put_u8(p, (uint8_t)uv);
		if (!strcmp(type, "u16") && uv <= UINT16_MAX)
			return sipc_parcel_put_u16(p, (uint16_t)uv);
		if (!strcmp(type, "u32") && uv <= UINT32_MAX)
			return sipc_parcel_put_u32(p, (uint32_t)uv);
		if (!strcmp(type, "u64"))
			return sipc_parcel_put_u64(p, uv);
	}
	return -EINVAL;
}

static void print_bytes(const unsigned char *b, size_t n)
{
	size_t i;

	printf("hex:");
	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/* Print every item of @p, one a line, in the form put_arg() reads. */
static int print_parcel(struct sipc_parcel *p, int depth)
{
	struct sipc_parcel *view;
	struct sipc_object obj;
	union {
		bool b;
		int8_t i8;
		uint8_t u8;
		int16_t i16;
		uint16_t u16;
		int32_t i32;
		uint32_t u32;
		int64_t i64;
		uint64_t u64;
		double d;
	} v;
	const void *data;
	size_t len;
	int t, ret = 0;

	while ((t = sipc_parcel_next_type(p)) > 0 && !ret) {
		printf("%*s", depth * 2, "");
		switch (t) {
		case SIPC_TYPE_BOOL:
			ret = sipc_parcel_get_bool(p, &v.b);
			printf("bool:%s\n", v.b ? "true" : "false");
			break;
		case SIPC_TYPE_I8:
			ret = sipc_parcel_get_i8(p, &v.i8);
			printf("i8:%d\n", v.i8);
			break;
		case SIPC_TYPE_U8:
			ret = sipc_parcel_get_u8(p, &v.u8);
			printf("u8:%u\n", v.u8);
			break;
		case SIPC_TYPE_I16:
			ret = sipc_parcel_get_i16(p, &v.i16);
			printf("i16:%d\n", v.i16);
			break;
		case SIPC_TYPE_U16:
			ret = sipc_parcel_get_u16(p, &v.u16);
			printf("u16:%u\n", v.u16);
			break;
		case SIPC_TYPE_I32:
			ret = sipc_parcel_get_i32(p, &v.i32);
			printf("i32:%" PRId32 "\n", v.i32);
			break;
		case SIPC_TYPE_U32:
			ret = sipc_parcel_get_u32(p, &v.u32);
			printf("u32:%" PRIu32 "\n", v.u32);
			break;
		case SIPC_TYPE_I64:
			ret = sipc_parcel_get_i64(p, &v.i64);
			printf("i64:%" PRId64 "\n", v.i64);
			break;
		case SIPC_TYPE_U64:
			ret = sipc_parcel_get_u64(p, &v.u64);
			printf("u64:%" PRIu64 "\n", v.u64);
			break;
		case SIPC_TYPE_DOUBLE:
			ret = sipc_parcel_get_double(p, &v.d);
			printf("f64:%.17g\n", v.d);
			break;
		case SIPC_TYPE_STRING:
			ret = sipc_parcel_get_string(p, (const char **)&data,
						     NULL);
			printf("str:%s\n", (const char *)data);
			break;
		case SIPC_TYPE_BYTES:
			ret = sipc_parcel_get_bytes(p, &data, &len);
			print_bytes(data, len);
			break;
		case SIPC_TYPE_PARCEL:
			view = sipc_parcel_new();
			ret = view ? sipc_parcel_get_parcel(p, view) : -ENOMEM;
			printf("parcel:\n");
			if (!ret)
				ret = print_parcel(view, depth + 1);
			sipc_parcel_free(view);
			break;
		case SIPC_TYPE_FD:
			ret = sipc_parcel_get_fd(p, &v.i32);
			printf("fd:%d\n", v.i32);
			break;
		case SIPC_TYPE_REGION:
			ret = sipc_parcel_get_blob(p, &data, &len);
			printf("region:%zu bytes\n", len);
			break;
		default:
			ret = sipc_parcel_get_object(p, &obj);
			if (obj.type == SIPC_OBJ_HANDLE)
				printf("handle:%u\n", obj.handle);
			else
				printf("node:%#" PRIx64 "\n",
				       (uint64_t)obj.cookie);
		}
	}
	if (!ret && t != -ENODATA)
		ret = t;
	return ret;
}

/* ---- introspection, and calls by method name ---- */

/* The interface text @h describes itself with, parsed; 0 or EXIT_FAIL. */
static int describe(const char *name, struct sipc_handle *h,
		    struct sipc_parcel *reply, struct idl_interface **itf)
{
	const char *text;
	char err[512];
	int ret;

	ret = sipc_call(h, SIPC_CODE_DESCRIBE, NULL, reply);
	if (ret) {
		fprintf(stderr, "sipcctl: %s does not describe itself: %s\n",
			name, sipc_strerror(ret));
		return EXIT_FAIL;
	}
	ret = sipc_parcel_get_string(reply, &text, NULL);
	if (ret)
		return fail(name, ret);
	if (!itf) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	ret = idl_parse(name, text, itf, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sipcctl: %s describes itself badly: %s\n",
			name, err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_introspect(int argc, char **argv)
{
	struct sipc_parcel *reply;
	struct sipc_handle *h;
	struct sipc *s;
	int ret;

	if (argc != 2)
		return EXIT_USAGE;
	reply = sipc_parcel_new();
	if (!reply)
		return fail("introspect", -ENOMEM);
	ret = lookup(argv[1], &s, &h);
	if (!ret) {
		ret = describe(argv[1], h, reply, NULL);
		sipc_parcel_free(reply);
		sipc_handle_put(h);
		sipc_close(s);
	}
	return ret;
}

static void print_status(const struct idl_interface *itf, int status)
{
	const char *name = textcall_error_name(itf, status);

	if (status > 0 && name)
		printf("status: %d %s\n", status, name);
	else if (status < 0)
		printf("status: %d %s\n", status, sipc_strerror(status));
	else
		printf("status: %d\n", status);
}

/* METHOD with its arguments as text, marshalled by @itf's types. */
static int call_method(const char *name, struct sipc_handle *h,
		       const struct idl_interface *itf, int argc, char **argv,
		       struct sipc_parcel *req, struct sipc_parcel *reply)
{
	const struct idl_method *m = idl_find_method(itf, argv[0]);
	char err[256];
	int ret, status;

	if (!m) {
		fprintf(stderr, "sipcctl: %s (%s) has no method \"%s\"\n",
			name, itf->name, argv[0]);
		return EXIT_USAGE;
	}
	ret = textcall_put_args(req, itf, &m->in, argv + 1, argc - 1, err,
				sizeof(err));
	if (ret) {
		fprintf(stderr, "sipcctl: %s: %s\n", m->name,
			ret == -EINVAL ? err : sipc_strerror(ret));
		return EXIT_USAGE;
	}
	if (m->oneway) {
		ret = sipc_send_oneway(h, m->code, req);
		return ret ? fail(name, ret) : EXIT_OK;
	}
	status = sipc_call(h, m->code, req, reply);
	if (status < 0 && !sipc_parcel_data(reply, NULL))
		return fail(name, status);
	print_status(itf, status);
	if (status)
		return EXIT_FAIL;
	ret = textcall_print_reply(stdout, reply, itf, &m->out);
	if (ret)
		fprintf(stderr, "sipcctl: reply: %s\n", sipc_strerror(ret));
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_call_by_name(int argc, char **argv)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	struct idl_interface *itf = NULL;
	struct sipc_handle *h;
	struct sipc *s;
	int ret;

	if (!req || !reply) {
		sipc_parcel_free(req);
		sipc_parcel_free(reply);
		return fail("call", -ENOMEM);
	}
	ret = lookup(argv[1], &s, &h);
	if (ret)
		goto out;
	ret = describe(argv[1], h, reply, &itf);
	if (!ret)
		ret = call_method(argv[1], h, itf, argc - 2, argv + 2, req,
				  reply);
	idl_free(itf);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	sipc_handle_put(h);
	sipc_close(s);
	return ret;
out:
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	return ret;
}

/* A code: TYPE:VALUE arguments. A method's name: arguments by its types. */
static int cmd_call(int argc, char **argv)
{
	struct sipc_parcel *req, *reply;
	struct sipc_handle *h;
	unsigned long code;
	struct sipc *s;
	char *end;
	int i, ret, status;

	if (argc < 3)
		return EXIT_USAGE;
	if (argv[2][0] < '0' || argv[2][0] > '9')
		return cmd_call_by_name(argc, argv);
	errno = 0;
	code = strtoul(argv[2], &end, 0);
	if (*end || errno || code > UINT32_MAX)
		return EXIT_USAGE;
	req = sipc_parcel_new();
	reply = sipc_parcel_new();
	if (!req || !reply)
		return fail("call", -ENOMEM);
	for (i = 3; i < argc; i++) {
		ret = put_arg(req, argv[i]);
		if (ret) {
			fprintf(stderr, "sipcctl: bad argument \"%s\"\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (lookup(argv[1], &s, &h))
		return EXIT_FAIL;
	status = sipc_call(h, (uint32_t)code, req, reply);
	ret = EXIT_OK;
	if (status < 0 && !sipc_parcel_data(reply, NULL)) {
		ret = fail(argv[1], status);
	} else {
		printf("status: %d%s%s\n", status, status < 0 ? " " : "",
		       status < 0 ? sipc_strerror(status) : "");
		i = print_parcel(reply, 0);
		if (i)
			fprintf(stderr, "sipcctl: reply: %s\n",
				sipc_strerror(i));
		ret = status || i ? EXIT_FAIL : EXIT_OK;
	}
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
	sipc_handle_put(h);
	sipc_close(s);
	return ret;
}

/* ---- stats ---- */

static int cmd_stats(int argc, char **argv)
{
	char line[512], *keys[256], *vals[256], *colon;
	int n = 0, i, width = 0;
	FILE *f;

	if (argc != 1)
		return EXIT_USAGE;
	f = fopen(STATS_PATH, "re");
	if (!f) {
		fprintf(stderr, "sipcctl: %s: %s%s\n", STATS_PATH,
			strerror(errno), errno == ENOENT ?
			" (sipc.ko not loaded, or without /proc/sipc)" : "");
		return EXIT_FAIL;
	}
	while (n < 256 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon++ = 0;
		colon += strspn(colon, " \t");
		keys[n] = strdup(line);
		vals[n] = strdup(colon);
		if (!keys[n] || !vals[n])
			break;
		if ((int)strlen(line) > width)
			width = (int)strlen(line);
		n++;
	}
	fclose(f);
	for (i = 0; i < n; i++) {
		printf("%-*s  %s\n", width + 1, keys[i], vals[i]);
		free(keys[i]);
		free(vals[i]);
	}
	return EXIT_OK;
}

/* ---- top ---- */

#define STATE_PATH	"/proc/sipc/state"
#define TOP_MAX_PROCS	512

/* What top reads from /proc/sipc/stats each interval. */
static const char * const top_keys[] = {
	"calls", "oneways", "replies", "bytes_copied", "objects_translated",
	"errors_dead_target", "errors_no_space", "errors_bad_handle",
	"errors_bad_input", "errors_interrupted", "errors_reply_failed",
};

#define TOP_NKEYS (sizeof(top_keys) / sizeof(top_keys[0]))

struct top_proc {
	long pid;
	char comm[64];
	unsigned long threads, busy, in_use, pending;
	unsigned long long sent, received;
};

struct top_sample {
	unsigned long long stat[TOP_NKEYS];
	struct top_proc procs[TOP_MAX_PROCS];
	int nprocs;
	double when;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int top_read(struct top_sample *t)
{
	char line[512], comm[64];
	unsigned int i;
	FILE *f;

	memset(t, 0, sizeof(*t));
	t->when = now_s();
	f = fopen(STATS_PATH, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < TOP_NKEYS; i++)
			if (!strncmp(line, top_keys[i], strlen(top_keys[i])) &&
			    line[strlen(top_keys[i])] == ':')
				t->stat[i] = strtoull(line + strlen(top_keys[i]) + 1,
						      NULL, 10);
	fclose(f);
	f = fopen(STATE_PATH, "re");
	if (!f)
		return -errno;
	while (t->nprocs < TOP_MAX_PROCS && fgets(line, sizeof(line), f)) {
		struct top_proc *p = &t->procs[t->nprocs];
		unsigned long skip;

		/* pid comm threads waiting busy nodes handles area_size
		 * in_use free_blocks largest_free oneway_used pending sent
		 * received
		 */
		if (sscanf(line, "%ld %63s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %llu %llu",
			   &p->pid, comm, &p->threads, &skip, &p->busy, &skip,
			   &skip, &skip, &p->in_use, &skip, &skip, &skip,
			   &p->pending, &p->sent, &p->received) != 15)
			continue;
		snprintf(p->comm, sizeof(p->comm), "%s", comm);
		t->nprocs++;
	}
	fclose(f);
	return 0;
}

static const struct top_proc *top_find(const struct top_sample *t, long pid)
{
	int i;

	for (i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

struct top_talker {
	const struct top_proc *p;
	double rate;
};

static int talker_cmp(const void *a, const void *b)
{
	double x = ((const struct top_talker *)a)->rate;
	double y = ((const struct top_talker *)b)->rate;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* One screen: rates since the previous sample, busiest processes first. */
static void top_print(const struct top_sample *old, const struct top_sample *t,
		      int max_rows)
{
	double dt = t->when - old->when;
	struct top_talker talkers[TOP_MAX_PROCS];
	unsigned int i;
	int n = 0;

	if (dt <= 0)
		dt = 1;
	printf("sipc top: %d processes\n", t->nprocs);
	for (i = 0; i < TOP_NKEYS; i++) {
		double rate = (t->stat[i] - old->stat[i]) / dt;

		if (!strcmp(top_keys[i], "bytes_copied"))
			printf("  %-20s %12.2f MB/s\n", "copied", rate / 1e6);
		else
			printf("  %-20s %12.1f /s\n", top_keys[i], rate);
	}
	for (i = 0; i < (unsigned int)t->nprocs; i++) {
		const struct top_proc *p = &t->procs[i], *q;
		unsigned long long before = 0;

		q = top_find(old, p->pid);
		if (q)
			before = q->sent + q->received;
		talkers[n].p = p;
		talkers[n++].rate = (p->sent + p->received - before) / dt;
	}
	qsort(talkers, n, sizeof(talkers[0]), talker_cmp);
	printf("  %7s %-16s %10s %7s %5s %10s %7s\n", "PID", "COMMAND",
	       "TXN/s", "THREADS", "BUSY", "IN_USE", "PENDING");
	for (i = 0; i < (unsigned int)n && (int)i < max_rows; i++) {
		const struct top_proc *p = talkers[i].p;

		printf("  %7ld %-16s %10.1f %7lu %5lu %10lu %7lu\n", p->pid,
		       p->comm, talkers[i].rate, p->threads, p->busy,
		       p->in_use, p->pending);
	}
	fflush(stdout);
}

static int cmd_top(int argc, char **argv)
{
	struct top_sample *samples = calloc(2, sizeof(*samples));
	double interval = 1;
	int count = -1, rows = 10, opt, i, ret = EXIT_OK;

	optind = 1;
	while ((opt = getopt(argc, argv, "n:i:r:")) != -1) {
		if (opt == 'n')
			count = atoi(optarg);
		else if (opt == 'i')
			interval = atof(optarg);
		else if (opt == 'r')
			rows = atoi(optarg);
		else
			return free(samples), EXIT_USAGE;
	}
	if (optind != argc || interval <= 0 || !samples)
		return free(samples), EXIT_USAGE;
	if (top_read(&samples[0])) {
		ret = fail(STATS_PATH, -errno);
		goto out;
	}
	for (i = 0; count < 0 || i < count; i++) {
		struct timespec ts = {
			.tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (time_t)interval) * 1e9),
		};

		nanosleep(&ts, NULL);
		if (top_read(&samples[(i + 1) % 2])) {
			ret = fail(STATE_PATH, -errno);
			break;
		}
		top_print(&samples[i % 2], &samples[(i + 1) % 2], rows);
	}
out:
	free(samples);
	return ret;
}

/* ---- watch ---- */

/* A /proc/sipc file of the device: /dev/sipc-NAME's are its instance's. */
static void proc_path(char *buf, size_t len, const char *file)
{
	const char *name = device ? strrchr(device, '/') : NULL;

	name = name ? name + 1 : device;
	if (name && !strncmp(name, "sipc-", 5))
		snprintf(buf, len, "/proc/sipc/instances/%s/%s", name + 5,
			 file);
	else
		snprintf(buf, len, "/proc/sipc/%s", file);
}

/* ---- channels ---- */

#define CHANNELS_COLS	13

/* A line of /proc/sipc/channels cut into its columns: how many. */
static int split_cols(char *line, char **col)
{
	int n = 0;
	char *save = NULL, *tok = strtok_r(line, " \n", &save);

	for (; tok && n < CHANNELS_COLS; tok = strtok_r(NULL, " \n", &save))
		col[n++] = tok;
	return n;
}

/* The channels open on the device, one per line, in aligned columns. */
static int cmd_channels(int argc, char **argv)
{
	static const int width[CHANNELS_COLS] = {
		10, 10, 7, 5, 10, 10, 10, 10, 10, 13, 13, 6, 10,
	};
	char path[128], line[512], *col[CHANNELS_COLS];
	int n, i, rows = 0;
	FILE *f;

	if (argc != 1)
		return EXIT_USAGE;
	proc_path(path, sizeof(path), "channels");
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "sipcctl: %s: %s%s\n", path, strerror(errno),
			errno == ENOENT ? " (a driver without channels?)" : "");
		return EXIT_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		n = split_cols(line, col);
		for (i = 0; i < n; i++)
			printf("%*s%s", width[i], col[i],
			       i + 1 < n ? " " : "\n");
		rows++;
	}
	fclose(f);
	return rows ? EXIT_OK : EXIT_FAIL;
}

/* Failed transactions as they happen, until COUNT of them (or forever). */
static int cmd_watch(int argc, char **argv)
{
	char path[128], line[512];
	int count = -1, seen = 0, opt;
	FILE *f;

	optind = 1;
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return EXIT_USAGE;
		count = atoi(optarg);
	}
	if (optind != argc || !count)
		return EXIT_USAGE;
	proc_path(path, sizeof(path), "failures");
	f = fopen(path, "re");
	if (!f)
		return fail(path, -errno);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((count < 0 || seen < count) && fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		/* The header and "# N lost" are not failures. */
		if (line[0] != '#' && strncmp(line, "id ", 3))
			seen++;
	}
	fclose(f);
	return EXIT_OK;
}

/* ---- help and the table ---- */

static void usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: sipcctl [-d DEVICE] COMMAND [ARGS...]\n\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %-26s %s\n", c->name, c->args, c->help);
	fprintf(f, "\ncall arguments are TYPE:VALUE with TYPE one of bool, i8,\n"
		"u8, i16, u16, i32, u32, i64, u64, f64, str, hex (bytes); a\n"
		"bare VALUE is a string. The reply is printed the same way.\n"
		"With a METHOD name instead of a CODE, NAME's interface (see\n"
		"introspect) types the arguments, one for each of the method's\n"
		"(a struct's fields one by one; arrays as a,b,c; bytes in hex)\n"
		"and names each value of the reply.\n"
		"Exit status: 0 done, 1 failed, 2 usage error.\n");
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return EXIT_OK;
}

static const struct command commands[] = {
	{ "list", "", "the registered services", cmd_list },
	{ "ping", "[-c N] [-s SIZE] NAME", "round-trip time to NAME",
	  cmd_ping },
	{ "call", "NAME CODE [TYPE:VALUE...]", "call NAME, print the reply",
	  cmd_call },
	{ "call", "NAME METHOD [ARG...]", "the same, typed by NAME's interface",
	  cmd_call },
	{ "introspect", "NAME", "the interface NAME describes itself with",
	  cmd_introspect },
	{ "stats", "", "the driver's counters (/proc/sipc)", cmd_stats },
	{ "top", "[-n COUNT] [-i SECONDS] [-r ROWS]",
	  "rates per second and the busiest processes", cmd_top },
	{ "watch", "[-n COUNT]", "failed transactions as they happen",
	  cmd_watch },
	{ "channels", "", "the channels open (/proc/sipc/channels)",
	  cmd_channels },
	{ "help", "", "this text", cmd_help },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	const struct command *c;
	int opt, ret;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	while ((opt = getopt(argc, argv, "+d:h")) != -1) {
		if (opt == 'd') {
			device = optarg;
		} else if (opt == 'h') {
			usage(stdout);
			return EXIT_OK;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (c = commands; c->name; c++) {
		if (strcmp(c->name, argv[optind]))
			continue;
		ret = c->run(argc - optind, argv + optind);
		if (ret == EXIT_USAGE)
			fprintf(stderr, "usage: sipcctl %s %s\n", c->name,
				c->args);
		return ret;
	}
	fprintf(stderr, "sipcctl: unknown command \"%s\"\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
