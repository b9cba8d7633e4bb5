// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libsipc unit tests (Check), in the dev VM: channels. Calls and one-way
 * sends through a channel to the test server's handle 0 (check_sipc.h),
 * requests built in place, large payloads, refusals, the server's death,
 * an idle channel's server asleep, a server that writes garbage into
 * its ring (a raw one, on the ABI), both ends on one CPU, and the
 * node's limit on one user's channels. Without /dev/sipc the suite is empty.
 */
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <fcntl.h>

#include "check_fixture.h"

static void setup(void)
{
	fixture_open(SIPC_AREA_MIN_SIZE);
}

static void echo(struct sipc_channel *ch, struct sipc_parcel *req,
		 const char *text, int32_t i)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	const char *str;
	int32_t v;

	ck_assert_int_eq(sipc_parcel_put_string(req, text), 0);
	ck_assert_int_eq(sipc_parcel_put_i32(req, i), 0);
	ck_assert_int_eq(sipc_channel_call(ch, T_ECHO, req, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_string(reply, &str, NULL), 0);
	ck_assert_str_eq(str, text);
	ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
	ck_assert_int_eq(v, i + 1);
	sipc_parcel_free(reply);
}

START_TEST(test_calls_in_place_and_copied)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply;
	struct sipc_channel *ch;
	int32_t i;

	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	/* Far more than the rings hold: every slot and byte comes back. */
	for (i = 0; i < 3000; i++) {
		if (i % 2) {
			echo(ch, sipc_channel_request(ch), "in place", i);
		} else {
			sipc_parcel_reset(req);
			echo(ch, req, "copied", i);
		}
	}
	/* A status of the handler's own, and an empty request. */
	reply = sipc_parcel_new();
	sipc_parcel_reset(req);
	sipc_parcel_put_i32(req, 42);
	ck_assert_int_eq(sipc_channel_call(ch, T_STATUS, req, reply), 42);
	ck_assert_int_eq(sipc_channel_call(ch, T_STATUS, NULL, reply),
			 -EBADMSG);
	sipc_parcel_free(reply);
	sipc_parcel_free(req);
	sipc_channel_close(ch);
}
END_TEST

START_TEST(test_oneways_in_order_with_calls)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	struct sipc_channel *ch;
	uint32_t max_busy, oneways;
	int i;

	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(sipc_channel_send_oneway(ch, T_ONEWAY,
							  NULL), 0);
	/* Handled in order: all 500 before this call. */
	ck_assert_int_eq(sipc_channel_call(ch, T_STATS, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_u32(reply, &max_busy), 0);
	ck_assert_int_eq(sipc_parcel_get_u32(reply, &oneways), 0);
	ck_assert_uint_eq(oneways, 500);
	sipc_parcel_free(reply);
	sipc_channel_close(ch);
}
END_TEST

START_TEST(test_large_payloads)
{
	struct sipc_channel_opts opts = { .data_size = 2 * 1024 * 1024 };
	struct sipc_parcel *req, *reply = sipc_parcel_new();
	size_t sizes[] = { 1, 4095, 65536, 1024 * 1024 + 3 }, i, j, len;
	unsigned char *want = malloc(sizes[3]), *d;
	struct sipc_channel *ch;
	const void *got;
	int32_t v;

	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(sipc_channel_open(mgr, &opts, &ch), 0);
	for (i = 0; i < 4 * 4; i++) {
		size_t n = sizes[i % 4];

		for (j = 0; j < n; j++)
			want[j] = (unsigned char)(j * 7 + i);
		req = sipc_channel_request(ch);
		d = sipc_parcel_put_bytes_space(req, n);
		ck_assert_ptr_nonnull(d);
		memcpy(d, want, n);
		sipc_parcel_put_i32(req, (int32_t)i);
		ck_assert_int_eq(sipc_channel_call(ch, T_BYTES, req, reply), 0);
		ck_assert_int_eq(sipc_parcel_get_bytes(reply, &got, &len), 0);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(got, want, n), 0);
		ck_assert_int_eq(sipc_parcel_get_i32(reply, &v), 0);
		ck_assert_int_eq(v, (int32_t)i + 1);
	}
	/* Past the data area: refused, and the channel still works. */
	req = sipc_channel_request(ch);
	ck_assert_ptr_null(sipc_parcel_put_bytes_space(req, 3 * 1024 * 1024));
	ck_assert_int_eq(sipc_parcel_error(req), -EMSGSIZE);
	ck_assert_int_eq(sipc_channel_call(ch, T_ECHO, req, reply), -EMSGSIZE);
	echo(ch, sipc_channel_request(ch), "after", 1);
	sipc_parcel_free(reply);
	free(want);
	sipc_channel_close(ch);
}
END_TEST

START_TEST(test_objects_and_refusals)
{
	struct sipc_parcel *req = sipc_parcel_new(), *reply = sipc_parcel_new();
	struct sipc_channel *ch;
	struct sipc_handle *second;

	/* A node that does not serve channels refuses them. */
	ck_assert_int_eq(sipc_call(mgr, T_GIVE, NULL, reply), 0);
	ck_assert_int_eq(sipc_parcel_get_handle(reply, &second), 0);
	ck_assert_int_eq(sipc_channel_open(second, NULL, &ch), -EOPNOTSUPP);
	sipc_handle_put(second);
	/* No handles through a channel. */
	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	sipc_parcel_put_handle(req, mgr);
	ck_assert_int_eq(sipc_channel_call(ch, T_KEEP, req, reply), -EINVAL);
	sipc_parcel_reset(req);
	echo(ch, req, "still fine", 7);
	sipc_channel_close(ch);
	sipc_parcel_free(req);
	sipc_parcel_free(reply);
}
END_TEST

START_TEST(test_server_death_ends_calls)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	struct sipc_channel *ch;
	double t0;

	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	echo(ch, sipc_channel_request(ch), "before", 1);
	ts_stop(s, srv);
	srv = 0;
	t0 = now_s();
	ck_assert_int_eq(sipc_channel_call(ch, T_ECHO, NULL, reply), -EPIPE);
	ck_assert(now_s() - t0 < 5);
	ck_assert_int_eq(sipc_channel_send_oneway(ch, T_ONEWAY, NULL), -EPIPE);
	sipc_parcel_free(reply);
	sipc_channel_close(ch);
}
END_TEST

/* The CPU time process @pid has used, user and system, in seconds. */
static double cpu_time(pid_t pid)
{
	struct timespec used;
	clockid_t clock;

	ck_assert_int_eq(clock_getcpuclockid(pid, &clock), 0);
	ck_assert_int_eq(clock_gettime(clock, &used), 0);
	return used.tv_sec + used.tv_nsec / 1e9;
}

START_TEST(test_idle_server_sleeps)
{
	struct sipc_channel *ch;
	double before, after;

	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	echo(ch, sipc_channel_request(ch), "wake", 1);
	usleep(200000);		/* past any spin */
	before = cpu_time(srv);
	sleep(2);
	after = cpu_time(srv);
	/* Under 5 % of a CPU over 2 s. */
	ck_assert_double_le(after - before, 0.1);
	echo(ch, sipc_channel_request(ch), "again", 2);
	sipc_channel_close(ch);
}
END_TEST

/* Our channel's kicks and those given with a sleep, from /proc/sipc. */
static void channel_kicks(long *kicks, long *wait_kicks)
{
	char line[512];
	FILE *f = fopen("/proc/sipc/channels", "r");
	int pid;

	ck_assert_ptr_nonnull(f);
	*kicks = *wait_kicks = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %*d open %*u %*u %*u %*u %*u %*u %*d %*d %ld %ld",
			   &pid, kicks, wait_kicks) == 3 && pid == getpid())
			break;
	fclose(f);
}

/*
 * Both ends on one CPU: neither spins, so each side sleeps in every call,
 * and a side about to sleep wakes the other in the same system call.
 */
START_TEST(test_one_cpu_one_call_per_side)
{
	struct sipc_channel *ch;
	long kicks, wait_kicks;
	cpu_set_t cpu0;
	int i;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	/* The server's channel thread is made by its main thread. */
	ck_assert_int_eq(sched_setaffinity(srv, sizeof(cpu0), &cpu0), 0);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(cpu0), &cpu0), 0);
	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	for (i = 0; i < 200; i++)
		echo(ch, sipc_channel_request(ch), "one cpu", i);
	channel_kicks(&kicks, &wait_kicks);
	ck_assert_int_ge(kicks, 100);
	ck_assert_msg(wait_kicks * 4 >= kicks * 3,
		      "%ld of %ld kicks came with a sleep", wait_kicks, kicks);
	sipc_channel_close(ch);
}
END_TEST

/* As another user (nobody), open a channel to handle 0: its status. */
static int open_as_nobody(void *arg)
{
	struct sipc_channel *ch;
	struct sipc *own;
	int ret;

	(void)arg;
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	if (sipc_open(NULL, SIPC_AREA_MIN_SIZE, &own))
		return 11;
	ret = sipc_channel_open(sipc_context_manager(own), NULL, &ch);
	if (!ret)
		sipc_channel_close(ch);
	sipc_close(own);
	return ret ? 12 : 0;
}

/*
 * A node serves a user's channels up to its share, so others are served
 * still; a channel closed gives its thread back.
 */
START_TEST(test_one_user_cannot_take_every_thread)
{
	struct sipc_channel *ch[SIPC_CHANNEL_SERVE_MAX_PER_USER + 1];
	int i, ret, n = SIPC_CHANNEL_SERVE_MAX_PER_USER;
	struct sipc_channel_opts small = { .data_size = 16384 };

	for (i = 0; i < n; i++)
		ck_assert_int_eq(sipc_channel_open(mgr, &small, &ch[i]), 0);
	ck_assert_int_eq(sipc_channel_open(mgr, &small, &ch[n]), -EBUSY);
	ck_assert_int_eq(reap(helper(open_as_nobody, NULL), 10000), 0);
	sipc_channel_close(ch[0]);
	/* Its thread ends once it sees the close: then there is room. */
	for (i = 0; i < 500; i++) {
		ret = sipc_channel_open(mgr, &small, &ch[0]);
		if (ret != -EBUSY)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(ret, 0);
	echo(ch[0], sipc_channel_request(ch[0]), "served", 7);
	for (i = 0; i < n; i++)
		sipc_channel_close(ch[i]);
}
END_TEST

/* A server on the raw ABI that accepts and answers with a bad slot. */
static int rogue(void *arg)
{
	int *ready = arg, fd = open("/dev/sipc", O_RDWR | O_CLOEXEC);
	struct sipc_node_info cm = { .cookie = 1 };
	struct sipc_transact tr = { .recv_flags = SIPC_RECV_WAIT };
	struct sipc_channel_setup su = { 0 };
	struct sipc_channel_slot *slots;
	struct sipc_channel_ctl *ctl;
	struct sipc_object obj;
	unsigned char *rw;
	int i;

	if (fd < 0 || mmap(NULL, SIPC_AREA_MIN_SIZE, PROT_READ, MAP_SHARED,
			   fd, 0) == MAP_FAILED)
		return 10;
	for (i = 0; i < 200 && ioctl(fd, SIPC_IOC_SET_CONTEXT_MGR, &cm); i++)
		usleep(10000);
	if (write(ready[1], "r", 1) != 1 ||
	    ioctl(fd, SIPC_IOC_TRANSACT, &tr) || tr.ev.offsets_count != 1)
		return 11;
	memcpy(&obj, (void *)(uintptr_t)(tr.ev.data +
		*(__u64 *)(uintptr_t)tr.ev.offsets), sizeof(obj));
	su.id = obj.channel;
	if (ioctl(fd, SIPC_IOC_CHANNEL_ACCEPT, &su))
		return 12;
	rw = mmap(NULL, su.rw_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  (off_t)su.rw_offset);
	if (rw == MAP_FAILED)
		return 13;
	/*
	 * The first reply, outside the data area, is in the ring before the
	 * client has its channel: a client already asleep on it would wait
	 * for a kick this rogue never sends.
	 */
	ctl = (void *)rw;
	slots = (void *)(rw + 4096);
	slots[0].offset = ~0ULL - 8;
	slots[0].size = 64;
	slots[0].cookie = 1;
	__atomic_store_n(&ctl->tail, 1, __ATOMIC_RELEASE);
	memset(&tr, 0, sizeof(tr));
	tr.send_op = SIPC_SEND_REPLY;
	if (ioctl(fd, SIPC_IOC_TRANSACT, &tr))
		return 14;
	pause();
	return 0;
}

START_TEST(test_garbage_from_the_server)
{
	struct sipc_parcel *reply = sipc_parcel_new();
	struct sipc_channel *ch;
	int ready[2];
	pid_t pid;
	char c;

	/* Our own test server goes; the rogue takes handle 0. */
	ts_stop(s, srv);
	srv = 0;
	ck_assert_int_eq(pipe(ready), 0);
	pid = helper(rogue, ready);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(sipc_channel_open(mgr, NULL, &ch), 0);
	ck_assert_int_eq(sipc_channel_call(ch, T_ECHO, NULL, reply), -EPROTO);
	/* Spoiled for good, and nothing else. */
	ck_assert_int_eq(sipc_channel_call(ch, T_ECHO, NULL, reply), -EPROTO);
	sipc_channel_close(ch);
	kill(pid, SIGKILL);
	ck_assert_int_eq(reap(pid, 5000), 128 + SIGKILL);
	sipc_parcel_free(reply);
}
END_TEST

static Suite *channel_suite(void)
{
	Suite *su = suite_create("libsipc-channel");
	TCase *tc = tcase_create("channel");

	if (access("/dev/sipc", R_OK | W_OK))
		return su;
	tcase_add_checked_fixture(tc, setup, fixture_close);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_calls_in_place_and_copied);
	tcase_add_test(tc, test_oneways_in_order_with_calls);
	tcase_add_test(tc, test_large_payloads);
	tcase_add_test(tc, test_objects_and_refusals);
	tcase_add_test(tc, test_server_death_ends_calls);
	tcase_add_test(tc, test_idle_server_sleeps);
	tcase_add_test(tc, test_garbage_from_the_server);
	tcase_add_test(tc, test_one_cpu_one_call_per_side);
	tcase_add_test(tc, test_one_user_cannot_take_every_thread);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(channel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
