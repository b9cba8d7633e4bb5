// SPDX-License-Identifier: GPL-2.0
/*
 * Channels (SIPC_IOC_CHANNEL_*): set up by an ordinary call that carries
 * a SIPC_OBJ_CHANNEL; mapped into exactly the two parties, each part with
 * its party's rights; requests and replies through the rings with
 * CHANNEL_WAIT and CHANNEL_KICK (or both in one call); a party's death, close or unmap wakes the
 * other with EPIPE; garbage from a peer hurts only that channel; and
 * everything goes with the parties. The server is a forked process that
 * claims handle 0 and takes channels offered to it.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "sipc_test.h"
#include "sipc_hard.h"
#include "st_channel.h"

#define SLOTS		8
#define DATA		(64 * 1024)

enum {
	C_ECHO = 1,	/* serve echoes until the channel dies */
	C_SLEEP,	/* accept, then sleep in CHANNEL_WAIT until it dies */
	C_REFUSE,	/* do not accept; reply -1 */
	C_PASS_ON,	/* offer the channel onward (to ourselves' handle 0) */
	C_GARBAGE,	/* accept, then write garbage indices and slots */
	C_EXIT,		/* accept, map, exit once the client waits or spins */
};

struct server_cfg {
	struct st_pipe ready;
	struct st_pipe result;		/* what the server saw, per mode */
};

/* Serve echoes on the channel until it dies: the count, as status. */
static int echo_loop(struct st_chan *c)
{
	struct sipc_channel_slot sl;
	unsigned char buf[4096];
	int n = 0, ret;

	for (;;) {
		ret = st_chan_recv(c, &sl, 0);
		if (ret == -EPIPE)
			return n;
		CK(!ret);
		CK(sl.size <= sizeof(buf));
		memcpy(buf, c->peer_data + sl.offset, sl.size);
		CK(!st_chan_send(c, sl.code, sl.cookie, buf, sl.size));
		n++;
	}
}

static void garbage(struct st_chan *c)
{
	unsigned int i;

	for (i = 0; i < SLOTS; i++) {
		c->my_slots[i].offset = ~0ULL - i;
		c->my_slots[i].size = ~0ULL;
	}
	st_store(&c->mine->tail, 0xfffffff0U);
	st_store(&c->mine->head, 0x7fffffffU);
	st_chan_kick(c->fd, c->id);
}

/* Handle one offer: @code says what to do with it. */
static __u32 take_offer(struct st_ctx *ctx, struct server_cfg *cfg,
			const struct sipc_event *ev)
{
	struct sipc_object o = st_ev_obj(ev, 0);
	struct sipc_channel_setup s;
	struct st_chan c;
	__u64 off = 0;
	int ret;

	CK(ev->offsets_count == 1 && o.type == SIPC_OBJ_CHANNEL);
	if (ev->code == C_REFUSE)
		return 1;
	if (ev->code == C_PASS_ON) {
		/* Onward to handle 0, which is ourselves: refused. */
		ret = st_simple_objs(ctx->fd, 0, C_ECHO, &o, sizeof(o), &off, 1);
		CK(!st_put(&cfg->result, (__u64)-ret));
		return 1;
	}
	CK(!st_chan_accept(ctx->fd, o.channel, &s));
	CK(!st_chan_map(ctx->fd, 1, &s, &c));
	CK(!st_reply(ctx->fd, 0, NULL, 0, NULL, 0));
	switch (ev->code) {
	case C_ECHO:
		CK(!st_put(&cfg->result, echo_loop(&c)));
		break;
	case C_SLEEP:
		ret = st_chan_sleep(&c, 0, 0, 0);
		CK(!st_put(&cfg->result, (__u64)-ret));
		break;
	case C_GARBAGE:
		garbage(&c);
		CK(!st_put(&cfg->result, 1));
		pause();
		break;
	case C_EXIT:
		/* The client says it spins (pad) or sleeps (waiting). */
		while (!st_load(&c.peer->waiting) && !st_load(&c.peer->pad))
			usleep(1000);
		usleep(20000);
		_exit(0);
	}
	return ~0U;		/* replied already */
}

static int server(void *arg)
{
	struct server_cfg *cfg = arg;
	struct sipc_event ev;
	struct st_ctx ctx;
	__u32 status;

	CK(!st_open(&ctx, ST_AREA));
	CK(!st_claim_cm(ctx.fd, ST_CM_COOKIE));
	CK(!st_put(&cfg->ready, 1));
	for (;;) {
		CK(!st_wait(ctx.fd, &ev));
		if (ev.type != SIPC_EV_TRANSACTION)
			continue;
		status = take_offer(&ctx, cfg, &ev);
		CK(!st_free(ctx.fd, ev.data));
		if (status != ~0U)
			CK(!st_reply(ctx.fd, status, NULL, 0, NULL, 0));
	}
}

FIXTURE(chan) {
	struct server_cfg cfg;
	struct st_ctx c;
	pid_t server;
};

FIXTURE_SETUP(chan)
{
	ASSERT_EQ(0, st_pipe_open(&self->cfg.ready));
	ASSERT_EQ(0, st_pipe_open(&self->cfg.result));
	self->server = st_fork(server, &self->cfg);
	ASSERT_GT(self->server, 0);
	ASSERT_EQ(1, st_get_ck(&self->cfg.ready));
	ASSERT_EQ(0, st_open(&self->c, ST_AREA));
}

FIXTURE_TEARDOWN(chan)
{
	st_chan_unmap_all();
	st_close(&self->c);
	st_kill_all();
	/* Every channel went with its parties. */
	EXPECT_EQ(0, sh_wait_idle(2000));
}

/* Make a channel and offer it to the server with @code: the status. */
static int offer(struct st_ctx *c, __u32 code, struct sipc_channel_setup *s)
{
	struct sipc_object o;
	__u64 off = 0;
	int ret;

	ret = st_chan_create(c->fd, SLOTS, DATA, s);
	if (ret)
		return ret;
	o = st_obj_channel(s->id);
	return st_simple_objs(c->fd, 0, code, &o, sizeof(o), &off, 1);
}

TEST_F(chan, bad_setup_is_refused)
{
	struct sipc_channel_setup s;
	__u32 ids[SIPC_MAX_CHANNELS];
	int i;

	EXPECT_EQ(-EINVAL, st_chan_create(self->c.fd, 3, DATA, &s));
	EXPECT_EQ(-EINVAL, st_chan_create(self->c.fd, 1, DATA, &s));
	EXPECT_EQ(-EINVAL, st_chan_create(self->c.fd, 2 * SIPC_CHANNEL_MAX_SLOTS,
					  DATA, &s));
	EXPECT_EQ(-EINVAL, st_chan_create(self->c.fd, SLOTS, 100, &s));
	EXPECT_EQ(-EINVAL, st_chan_create(self->c.fd, SLOTS, 0, &s));
	EXPECT_EQ(-EMSGSIZE, st_chan_create(self->c.fd, SLOTS, 1ULL << 40, &s));
	memset(&s, 0, sizeof(s));
	s.slots = SLOTS;
	s.data_size = DATA;
	s.flags = 1;
	EXPECT_EQ(-EINVAL, st_chan_setup(self->c.fd, SIPC_IOC_CHANNEL_CREATE,
					 &s));
	EXPECT_EQ(-ENOENT, st_chan_close(self->c.fd, 12345));
	EXPECT_EQ(-ENOENT, st_chan_kick(self->c.fd, 12345));
	EXPECT_EQ(-ENOENT, st_chan_accept(self->c.fd, 12345, &s));

	for (i = 0; i < SIPC_MAX_CHANNELS; i++) {
		ASSERT_EQ(0, st_chan_create(self->c.fd, 2, 4096, &s));
		ids[i] = s.id;
	}
	EXPECT_EQ(-EMFILE, st_chan_create(self->c.fd, 2, 4096, &s));
	/* Its own channel is not the client's to accept. */
	EXPECT_EQ(-EINVAL, st_chan_accept(self->c.fd, ids[0], &s));
	for (i = 0; i < SIPC_MAX_CHANNELS; i++)
		EXPECT_EQ(0, st_chan_close(self->c.fd, ids[i]));
	EXPECT_EQ(-ENOENT, st_chan_close(self->c.fd, ids[0]));
	EXPECT_EQ(0, st_chan_create(self->c.fd, 2, 4096, &s));
	/* Ids go round: a closed one does not come back at once. */
	EXPECT_GT(s.id, ids[SIPC_MAX_CHANNELS - 1]);
}

/* max_channel_size may be raised, but no channel passes 1 GiB. */
TEST_F(chan, no_channel_passes_a_gibibyte)
{
	static const char param[] =
		"/sys/module/sipc/parameters/max_channel_size";
	struct sipc_channel_setup s;
	long old = -1;
	FILE *f;

	f = fopen(param, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &old));
	fclose(f);
	ASSERT_EQ(0, st_param_write(param, 4L << 30));
	/* Two parts of 600 MiB: refused before a page is taken. */
	EXPECT_EQ(-EMSGSIZE, st_chan_create(self->c.fd, SLOTS, 600ULL << 20,
					    &s));
	EXPECT_EQ(0, st_chan_create(self->c.fd, SLOTS, DATA, &s));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	EXPECT_EQ(0, st_param_write(param, old));
}

TEST_F(chan, parts_are_mapped_with_their_rights)
{
	struct sipc_channel_setup s;
	struct st_chan ch;
	void *p;

	ASSERT_EQ(0, st_chan_create(self->c.fd, SLOTS, DATA, &s));
	/* The part it reads, writable: refused, now and by mprotect. */
	p = st_chan_mmap(self->c.fd, s.ro_offset, s.ro_size,
			 PROT_READ | PROT_WRITE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, s.rw_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->c.fd, s.rw_offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = st_chan_mmap(self->c.fd, s.rw_offset, s.rw_size - 4096, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	p = st_chan_mmap(self->c.fd, s.rw_offset + 4096, s.rw_size, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	/* The next id's offset: two parts on. */
	p = st_chan_mmap(self->c.fd, 2 * s.ro_offset - s.rw_offset, s.rw_size,
			 PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOENT, errno);

	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	EXPECT_EQ(SIPC_CHANNEL_MAGIC, ch.hdr->magic);
	EXPECT_EQ(SIPC_CHANNEL_OFFERED, ch.hdr->state);
	EXPECT_EQ(SLOTS, ch.hdr->slots);
	EXPECT_EQ(DATA, ch.hdr->data_size);
	EXPECT_EQ(s.rw_size, ch.hdr->part_size);
	EXPECT_EQ(-1, mprotect(ch.ro, s.ro_size, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* A part is mapped once. */
	p = st_chan_mmap(self->c.fd, s.rw_offset, s.rw_size, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EBUSY, errno);
	/* Its own part is its to write; a partial unmap is refused. */
	ch.my_data[0] = 42;
	EXPECT_EQ(-1, munmap(ch.rw, 4096));
	EXPECT_EQ(42, ch.my_data[0]);
}

TEST_F(chan, requests_and_replies_go_through_the_rings)
{
	struct sipc_channel_setup s;
	struct sipc_channel_slot sl;
	struct st_chan ch;
	char msg[64], want[64];
	int i;

	ASSERT_EQ(0, offer(&self->c, C_ECHO, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	EXPECT_EQ(SIPC_CHANNEL_OPEN, ch.hdr->state);
	for (i = 0; i < 500; i++) {
		snprintf(msg, sizeof(msg), "request %d", i);
		ASSERT_EQ(0, st_chan_send(&ch, 7, i, msg, strlen(msg) + 1));
		ASSERT_EQ(0, st_chan_recv(&ch, &sl, 5000));
		EXPECT_EQ(7, sl.code);
		EXPECT_EQ(i, sl.cookie);
		memcpy(want, ch.peer_data + sl.offset, sizeof(want));
		EXPECT_STREQ(msg, want);
	}
	/* Closing it ends the server's loop, which counted every one. */
	EXPECT_EQ(0, st_chan_close(self->c.fd, ch.id));
	EXPECT_EQ(SIPC_CHANNEL_DEAD, ch.hdr->state);
	EXPECT_EQ(500, st_get_ck(&self->cfg.result));
	EXPECT_EQ(-ENOENT, st_chan_kick(self->c.fd, ch.id));
}

TEST_F(chan, a_full_ring_waits_and_loses_nothing)
{
	struct sipc_channel_setup s;
	struct sipc_channel_slot sl;
	struct st_chan ch;
	int i, got = 0;

	ASSERT_EQ(0, offer(&self->c, C_ECHO, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	/*
	 * Send 4 rings' worth without reading the replies: the server's
	 * reply ring fills, so it stops taking requests, so ours fills
	 * and we wait; read only when a send would have to.
	 */
	for (i = 0; i < 4 * SLOTS; i++) {
		while (ch.mine->tail - st_load(&ch.peer->head) >= SLOTS &&
		       st_load(&ch.peer->tail) != ch.mine->head) {
			ASSERT_EQ(0, st_chan_recv(&ch, &sl, 5000));
			EXPECT_EQ(got, sl.cookie);
			got++;
		}
		ASSERT_EQ(0, st_chan_send(&ch, 1, i, &i, sizeof(i)));
	}
	while (got < 4 * SLOTS) {
		ASSERT_EQ(0, st_chan_recv(&ch, &sl, 5000));
		EXPECT_EQ(got, sl.cookie);
		got++;
	}
	EXPECT_EQ(0, st_chan_close(self->c.fd, ch.id));
	EXPECT_EQ(4 * SLOTS, st_get_ck(&self->cfg.result));
}

TEST_F(chan, a_refused_offer_is_closed_by_its_client)
{
	struct sipc_channel_setup s;

	EXPECT_EQ(1, offer(&self->c, C_REFUSE, &s));
	EXPECT_EQ(1, sh_stat("channels_in_use"));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	/* Gone from the server's table too, the server still alive. */
	EXPECT_EQ(0, sh_stat("channels_in_use"));
	EXPECT_EQ(0, kill(self->server, 0));
}

TEST_F(chan, an_offer_in_a_failed_payload_does_not_stay)
{
	struct sipc_channel_setup s;
	struct sipc_object o[2];
	__u64 offs[2] = { 0, sizeof(o[0]) };

	ASSERT_EQ(0, st_chan_create(self->c.fd, SLOTS, DATA, &s));
	/* Translated, then the next object fails: the call never goes. */
	o[0] = st_obj_channel(s.id);
	o[1] = st_obj_handle(4242);
	EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, 0, C_ECHO, o,
					  sizeof(o), offs, 2));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	EXPECT_EQ(0, sh_stat("channels_in_use"));
}

TEST_F(chan, a_user_has_a_quota_of_channels)
{
	const char *param = "/sys/module/sipc/parameters/max_user_channels";
	struct sipc_channel_setup s;
	struct st_ctx other;
	__u32 ids[3];
	int i;

	ASSERT_EQ(0, st_param_write(param, 3));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, st_chan_create(self->c.fd, 2, 4096, &s));
		ids[i] = s.id;
	}
	EXPECT_EQ(-EDQUOT, st_chan_create(self->c.fd, 2, 4096, &s));
	/* Another context of the same user does not get around it. */
	ASSERT_EQ(0, st_open(&other, ST_AREA));
	EXPECT_EQ(-EDQUOT, st_chan_create(other.fd, 2, 4096, &s));
	st_close(&other);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, st_chan_close(self->c.fd, ids[i]));
	EXPECT_EQ(0, st_chan_create(self->c.fd, 2, 4096, &s));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	ASSERT_EQ(0, st_param_write(param, 4 * SIPC_MAX_CHANNELS));
}

TEST_F(chan, an_offer_is_made_once_and_never_passed_on)
{
	struct sipc_channel_setup s;
	struct sipc_object o;
	__u64 off = 0;

	EXPECT_EQ(1, offer(&self->c, C_PASS_ON, &s));
	/* The server's own onward offer failed. */
	EXPECT_EQ(EINVAL, st_get_ck(&self->cfg.result));
	/* Offering it again: refused by the driver, not the server. */
	o = st_obj_channel(s.id);
	EXPECT_EQ(-EINVAL, st_simple_objs(self->c.fd, 0, C_ECHO, &o, sizeof(o),
					  &off, 1));
	/* An id it does not have. */
	o = st_obj_channel(999);
	EXPECT_EQ(-ENOENT, st_simple_objs(self->c.fd, 0, C_ECHO, &o, sizeof(o),
					  &off, 1));
}

/* A process that is not a party: its own device, maybe another uid. */
static int outsider(void *arg)
{
	struct sipc_channel_setup *s = arg;
	struct sipc_channel_setup t;
	struct st_ctx c;
	void *p;

	if (getuid() == 0 && s->pad)
		CK(!sh_become(65534));
	CK(!st_open(&c, ST_AREA));
	p = st_chan_mmap(c.fd, s->rw_offset, s->rw_size, PROT_READ);
	CK(p == MAP_FAILED && errno == ENOENT);
	p = st_chan_mmap(c.fd, s->ro_offset, s->ro_size, PROT_READ);
	CK(p == MAP_FAILED && errno == ENOENT);
	CK(st_chan_accept(c.fd, s->id, &t) == -ENOENT);
	CK(st_chan_close(c.fd, s->id) == -ENOENT);
	return 0;
}

/* A fork child: the parent's descriptor is not its own. */
static int fork_child(void *arg)
{
	struct sipc_channel_setup *s = arg;
	int fd = (int)s->flags;
	void *p;

	p = st_chan_mmap(fd, s->rw_offset, s->rw_size, PROT_READ);
	CK(p == MAP_FAILED && errno == EXDEV);
	CK(st_chan_kick(fd, s->id) == -EXDEV);
	/* The parent's mappings were not inherited. */
	CK(madvise((void *)(uintptr_t)s->data_size, 4096, MADV_NORMAL) &&
	   errno == ENOMEM);
	return 0;
}

TEST_F(chan, no_one_else_can_map_it)
{
	struct sipc_channel_setup s, arg;
	struct st_chan ch;

	ASSERT_EQ(0, offer(&self->c, C_ECHO, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	arg = s;
	arg.pad = 0;		/* same uid */
	EXPECT_EQ(0, st_reap(st_fork(outsider, &arg)));
	arg.pad = 1;		/* nobody */
	EXPECT_EQ(0, st_reap(st_fork(outsider, &arg)));
	arg.flags = self->c.fd;
	arg.data_size = (uintptr_t)ch.rw;
	EXPECT_EQ(0, st_reap(st_fork(fork_child, &arg)));
	/* Still the parties' own, working. */
	EXPECT_EQ(0, st_chan_send(&ch, 1, 1, "x", 2));
	EXPECT_EQ(0, st_chan_close(self->c.fd, ch.id));
	EXPECT_EQ(1, st_get_ck(&self->cfg.result));
}

TEST_F(chan, the_servers_death_wakes_a_sleeping_client)
{
	struct sipc_channel_setup s;
	struct sipc_channel_slot sl;
	struct st_chan ch;

	ASSERT_EQ(0, offer(&self->c, C_EXIT, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	EXPECT_EQ(-EPIPE, st_chan_recv(&ch, &sl, 10000));
	EXPECT_EQ(SIPC_CHANNEL_DEAD, ch.hdr->state);
	EXPECT_EQ(-EPIPE, st_chan_kick(self->c.fd, ch.id));
	EXPECT_EQ(-EPIPE, st_chan_wait(&ch, 0, 0, 0));
}

/* A client that offers, maps and dies (killed by the test). */
static int doomed_client(void *arg)
{
	struct sipc_channel_setup s;
	struct st_pipe *p = arg;
	struct st_chan ch;
	struct st_ctx c;

	CK(!st_open(&c, ST_AREA));
	CK(!offer(&c, C_SLEEP, &s));
	CK(!st_chan_map(c.fd, 0, &s, &ch));
	CK(!st_put(p, 1));
	pause();
	return 0;
}

TEST_F(chan, the_clients_death_wakes_a_sleeping_server)
{
	struct st_pipe p;
	pid_t pid;

	ASSERT_EQ(0, st_pipe_open(&p));
	pid = st_fork(doomed_client, &p);
	ASSERT_EQ(1, st_get_ck(&p));
	usleep(100000);		/* the server is asleep by now */
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, st_reap(pid));
	EXPECT_EQ(EPIPE, st_get_ck(&self->cfg.result));
}

TEST_F(chan, a_spinning_reader_sees_the_death)
{
	struct sipc_channel_setup s;
	struct st_chan ch;
	double end;

	ASSERT_EQ(0, offer(&self->c, C_EXIT, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	st_store(&ch.mine->pad, 1);	/* spinning now */
	end = st_now() + 10;
	while (st_load(&ch.hdr->state) != SIPC_CHANNEL_DEAD && st_now() < end)
		;
	EXPECT_EQ(SIPC_CHANNEL_DEAD, st_load(&ch.hdr->state));
}

TEST_F(chan, unmapping_a_part_ends_the_channel)
{
	struct sipc_channel_setup s;
	struct st_chan ch;

	ASSERT_EQ(0, offer(&self->c, C_ECHO, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	ASSERT_EQ(0, munmap(ch.rw, s.rw_size));
	/* The server's loop ends with nothing served. */
	EXPECT_EQ(0, st_get_ck(&self->cfg.result));
	EXPECT_EQ(SIPC_CHANNEL_DEAD, st_load(&ch.hdr->state));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
}

TEST_F(chan, garbage_from_the_peer_hurts_only_its_channel)
{
	struct sipc_channel_setup s;
	struct sipc_channel_slot sl;
	struct st_chan ch;

	ASSERT_EQ(0, offer(&self->c, C_GARBAGE, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	ASSERT_EQ(1, st_get_ck(&self->cfg.result));
	/* The reader checks what it takes: no message, no crash. */
	EXPECT_EQ(-EBADMSG, st_chan_recv(&ch, &sl, 1000));
	/* The driver only compares the indices: a wait just returns. */
	EXPECT_EQ(0, st_chan_wait(&ch, 0, 0, 1000));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	/* The server, which wrote it, is still there and well. */
	EXPECT_EQ(0, kill(self->server, 0));
}

TEST_F(chan, a_wait_times_out_and_a_kick_ends_it)
{
	struct sipc_channel_setup s;
	struct st_chan ch;
	double t0;

	ASSERT_EQ(0, st_chan_create(self->c.fd, SLOTS, DATA, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	t0 = st_now();
	EXPECT_EQ(-ETIMEDOUT, st_chan_wait(&ch, 0, 0, 100));
	EXPECT_GE(st_now() - t0, 0.09);
	/* The peer moved since we looked: at once. */
	EXPECT_EQ(0, st_chan_wait(&ch, 5, 0, 100));
}

TEST_F(chan, a_sleeper_kicks_its_peer_in_the_same_call)
{
	struct sipc_channel_wait w = { .flags = SIPC_CHANNEL_WAIT_KICK,
				       .timeout_ms = 100 };
	struct sipc_channel_setup s;
	struct st_chan ch;
	double t0;

	ASSERT_EQ(0, offer(&self->c, C_SLEEP, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	w.id = ch.id;
	w.flags = 1U << 1;
	EXPECT_EQ(-EINVAL, st_err(ioctl(ch.fd, SIPC_IOC_CHANNEL_WAIT, &w)));
	w.flags = SIPC_CHANNEL_WAIT_KICK;
	while (!st_load(&ch.peer->waiting))
		usleep(1000);
	usleep(100000);		/* the server is asleep by now */
	/* A message, unkicked: only the kick can wake a server asleep. */
	st_store(&ch.mine->tail, 1);
	t0 = st_now();
	EXPECT_EQ(-ETIMEDOUT, st_err(ioctl(ch.fd, SIPC_IOC_CHANNEL_WAIT, &w)));
	EXPECT_GE(st_now() - t0, 0.09);
	/* Woken (0), not by the channel's end (EPIPE). */
	EXPECT_EQ(0, st_get_ck(&self->cfg.result));
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
}

TEST_F(chan, proc_sipc_lists_the_channel)
{
	struct sipc_channel_setup s;
	struct sipc_channel_slot sl;
	struct st_chan ch;
	char line[256], want[64];
	bool found = false;
	FILE *f;

	ASSERT_EQ(0, offer(&self->c, C_ECHO, &s));
	ASSERT_EQ(0, st_chan_map(self->c.fd, 0, &s, &ch));
	ASSERT_EQ(0, st_chan_send(&ch, 1, 1, "x", 2));
	ASSERT_EQ(0, st_chan_recv(&ch, &sl, 5000));
	snprintf(want, sizeof(want), "%d %d open %d %d 1 1 ", getpid(),
		 self->server, SLOTS, DATA);
	f = fopen("/proc/sipc/channels", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)))
			found = true;
	fclose(f);
	EXPECT_TRUE(found);
	EXPECT_EQ(0, st_chan_close(self->c.fd, s.id));
	EXPECT_EQ(1, st_get_ck(&self->cfg.result));
}

TEST_HARNESS_MAIN
