// SPDX-License-Identifier: GPL-2.0
/*
 * sipc-demo: one transaction through the service registry, end to end.
 *
 * Three processes: a registry that claims handle 0 and maps names to
 * handles, an "echo" service that registers its node there, and a client
 * that looks the service up by name and calls it. Every step prints what
 * it did; the exit status says whether the reply was right.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sipc.h>

enum { REG_ADD = 1, REG_GET = 2, ECHO_UPPER = 1 };

#define NAME_MAX_LEN 32
#define ECHO_COOKIE 0xec40

/* A request naming a service, with room for one object after the name. */
struct named_msg {
	char name[NAME_MAX_LEN];
	struct sipc_object obj;
};

static struct sipc *dev;

static void fail(const char *what, int err)
{
	fprintf(stderr, "sipc-demo: %s: %s\n", what, sipc_strerror(err));
	exit(1);
}

static int transact(struct sipc_transact *tr)
{
	return ioctl(sipc_fd(dev), SIPC_IOC_TRANSACT, tr) < 0 ? -errno : 0;
}

static void free_buffer(__u64 addr)
{
	if (ioctl(sipc_fd(dev), SIPC_IOC_FREE_BUFFER, &addr) < 0)
		fail("free buffer", -errno);
}

static int call(__u32 handle, __u32 code, const void *data, size_t size,
		const __u64 *offsets, size_t count, struct sipc_event *ev)
{
	struct sipc_transact tr = {
		.send_op = SIPC_SEND_CALL, .handle = handle, .code = code,
		.data = (__u64)(uintptr_t)data, .data_size = size,
		.offsets = (__u64)(uintptr_t)offsets, .offsets_count = count,
	};
	int ret = transact(&tr);

	*ev = tr.ev;
	return ret;
}

/* Serve forever: @handle decides the reply to each request. */
static void serve(void (*handle)(struct sipc_event *ev,
				 struct sipc_transact *reply))
{
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	struct sipc_event ev;
	int ret;

	for (;;) {
		ret = transact(&tr);
		if (ret == -EINTR)
			continue;
		if (ret)
			fail("serve", ret);
		ev = tr.ev;
		memset(&tr, 0, sizeof(tr));
		tr.recv_flags = SIPC_RECV_WAIT;
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		tr.send_op = SIPC_SEND_REPLY;
		handle(&ev, &tr);
	}
}

/* ---- the registry (handle 0) ---- */

static struct {
	char name[NAME_MAX_LEN];
	__u32 handle;
} registry[16];
static struct named_msg reg_reply;
static __u64 reg_reply_offset = offsetof(struct named_msg, obj);

static void registry_handle(struct sipc_event *ev, struct sipc_transact *reply)
{
	const struct named_msg *req = (const void *)(uintptr_t)ev->data;
	__u32 handle;
	unsigned int i;

	reply->code = ENOENT;
	if (ev->data_size != sizeof(*req) || req->name[NAME_MAX_LEN - 1])
		goto out;
	for (i = 0; i < 16; i++)
		if (!strcmp(registry[i].name, req->name))
			break;
	if (ev->code == REG_ADD && ev->offsets_count == 1 &&
	    req->obj.type == SIPC_OBJ_HANDLE && i == 16) {
		/* Keep the handle beyond the request buffer's life. */
		handle = req->obj.handle;
		for (i = 0; i < 16 && registry[i].name[0]; i++)
			;
		if (i < 16 && !ioctl(sipc_fd(dev), SIPC_IOC_ACQUIRE, &handle)) {
			strcpy(registry[i].name, req->name);
			registry[i].handle = handle;
			printf("registry: added \"%s\" as handle %u\n",
			       req->name, handle);
			reply->code = 0;
		}
	} else if (ev->code == REG_GET && i < 16) {
		memset(&reg_reply, 0, sizeof(reg_reply));
		reg_reply.obj.type = SIPC_OBJ_HANDLE;
		reg_reply.obj.handle = registry[i].handle;
		reply->data = (__u64)(uintptr_t)&reg_reply;
		reply->data_size = sizeof(reg_reply);
		reply->offsets = (__u64)(uintptr_t)&reg_reply_offset;
		reply->offsets_count = 1;
		reply->code = 0;
	}
out:
	free_buffer(ev->data);
}

/* ---- the echo service ---- */

static char echo_out[4096];

static void echo_handle(struct sipc_event *ev, struct sipc_transact *reply)
{
	const char *in = (const char *)(uintptr_t)ev->data;
	size_t i, n = ev->data_size < sizeof(echo_out) ? ev->data_size : 0;

	for (i = 0; i < n; i++)
		echo_out[i] = in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i];
	reply->data = (__u64)(uintptr_t)echo_out;
	reply->data_size = n;
	reply->code = n || !ev->data_size ? 0 : EMSGSIZE;
	free_buffer(ev->data);
}

static void open_device(void)
{
	int ret = sipc_open(NULL, 0, &dev);

	if (ret)
		fail("open /dev/sipc", ret);
}

static pid_t start_registry(int ready)
{
	struct sipc_node_info mgr = { .cookie = 1 };
	pid_t pid = fork();

	if (pid)
		return pid;
	open_device();
	if (ioctl(sipc_fd(dev), SIPC_IOC_SET_CONTEXT_MGR, &mgr) < 0)
		fail("claim handle 0", -errno);
	printf("registry: pid %d is the context manager (handle 0)\n",
	       getpid());
	fflush(stdout);
	if (write(ready, "r", 1) != 1)
		exit(1);
	serve(registry_handle);
	return 0;
}

static pid_t start_echo(int ready)
{
	struct sipc_node_info node = { .cookie = ECHO_COOKIE };
	struct named_msg add = { .name = "demo.echo" };
	__u64 off = offsetof(struct named_msg, obj);
	struct sipc_event ev;
	pid_t pid = fork();
	int ret;

	if (pid)
		return pid;
	open_device();
	if (ioctl(sipc_fd(dev), SIPC_IOC_NODE_CREATE, &node) < 0)
		fail("create node", -errno);
	add.obj.type = SIPC_OBJ_NODE;
	add.obj.cookie = ECHO_COOKIE;
	ret = call(SIPC_CONTEXT_MGR_HANDLE, REG_ADD, &add, sizeof(add),
		   &off, 1, &ev);
	if (ret || ev.code)
		fail("register demo.echo", ret ?: -(int)ev.code);
	free_buffer(ev.data);
	printf("echo: pid %d registered \"demo.echo\"\n", getpid());
	fflush(stdout);
	if (write(ready, "e", 1) != 1)
		exit(1);
	serve(echo_handle);
	return 0;
}

static __u32 lookup(const char *name)
{
	struct named_msg get = { 0 };
	const struct named_msg *rep;
	struct sipc_event ev;
	__u32 handle;
	int ret;

	strncpy(get.name, name, NAME_MAX_LEN - 1);
	ret = call(SIPC_CONTEXT_MGR_HANDLE, REG_GET, &get, sizeof(get), NULL,
		   0, &ev);
	if (ret || ev.code)
		fail("look up demo.echo", ret ?: -(int)ev.code);
	rep = (const void *)(uintptr_t)ev.data;
	handle = rep->obj.handle;
	if (ioctl(sipc_fd(dev), SIPC_IOC_ACQUIRE, &handle) < 0)
		fail("acquire", -errno);
	free_buffer(ev.data);
	return handle;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	static const char msg[] = "hello through the sipc registry";
	int pipefd[2], status = 1, i, n = 1000;
	pid_t registry_pid, echo_pid;
	struct sipc_event ev;
	__u32 handle;
	double t0;
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(pipefd))
		return 1;
	registry_pid = start_registry(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		return 1;
	echo_pid = start_echo(pipefd[1]);
	/* If a child dies before it is ready, the read sees end of file. */
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		return 1;

	open_device();
	handle = lookup("demo.echo");
	printf("client: \"demo.echo\" is handle %u here\n", handle);
	if (!call(handle, ECHO_UPPER, msg, sizeof(msg), NULL, 0, &ev)) {
		printf("client: sent \"%s\", pid %d replied \"%s\"\n",
		       msg, echo_pid, (const char *)(uintptr_t)ev.data);
		status = ev.data_size == sizeof(msg) &&
			 !strcasecmp(msg, (const char *)(uintptr_t)ev.data) &&
			 strcmp(msg, (const char *)(uintptr_t)ev.data) ? 0 : 1;
		free_buffer(ev.data);
	}
	t0 = now_us();
	for (i = 0; i < n && !status; i++) {
		if (call(handle, ECHO_UPPER, msg, 32, NULL, 0, &ev))
			status = 1;
		else
			free_buffer(ev.data);
	}
	if (!status)
		printf("client: %d calls of 32 bytes, %.1f us per round trip\n",
		       n, (now_us() - t0) / n);
	kill(echo_pid, SIGKILL);
	kill(registry_pid, SIGKILL);
	waitpid(echo_pid, NULL, 0);
	waitpid(registry_pid, NULL, 0);
	sipc_close(dev);
	printf("sipc-demo: %s\n", status ? "FAILED" : "ok");
	return status;
}
