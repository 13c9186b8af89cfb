/*
 * The C peer of bench/netfilter.sh: a minimal libnetfilter_queue program that accepts every
 * packet of one queue, as a hand-written C NFQUEUE daemon would. With "batch N" it gives one
 * verdict for every N packets (nfq_set_verdict_batch), and for what is left when the queue is
 * momentarily empty. Fail-open, as our hooks' queues.
 *   usage: nfq_accept <queue> [batch N]     (runs until killed)
 * Built by bench/netfilter.sh against Debian's libnetfilter-queue-dev.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int batch = 1;
static int pending;
static uint32_t last_id;

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ntohl(ph->packet_id);
	(void) msg;
	(void) data;
	if (batch <= 1)
		return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	last_id = id;
	if (++pending >= batch) {
		pending = 0;
		return nfq_set_verdict_batch(qh, id, NF_ACCEPT);
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s <queue> [batch N]\n", argv[0]);
		return 2;
	}
	int num = atoi(argv[1]);
	if (argc >= 4 && strcmp(argv[2], "batch") == 0)
		batch = atoi(argv[3]);
	struct nfq_handle *h = nfq_open();
	if (!h) {
		perror("nfq_open");
		return 1;
	}
	struct nfq_q_handle *qh = nfq_create_queue(h, num, &on_packet, NULL);
	if (!qh) {
		perror("nfq_create_queue");
		return 1;
	}
	nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff);
	nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
	int fd = nfq_fd(h);
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
	char buf[65536 + 4096] __attribute__((aligned));
	for (;;) {
		int rv = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (rv < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (pending > 0) { /* the queue is empty for now: answer what is left */
				pending = 0;
				nfq_set_verdict_batch(qh, last_id, NF_ACCEPT);
			}
			struct pollfd p = {.fd = fd, .events = POLLIN};
			poll(&p, 1, -1);
			continue;
		}
		if (rv < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			perror("recv");
			return 1;
		}
		nfq_handle_packet(h, buf, rv);
	}
}
