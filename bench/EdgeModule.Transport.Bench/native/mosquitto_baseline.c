/*
 * Raw libmosquitto baseline for the transport benchmark: the same work as ModuleClient in the same library mode
 * (threaded: mosquitto_loop_start, so an inbound PUBACK is written after on_message returns), with nothing managed.
 *
 *   mosquitto_baseline pub HOST PORT CAFILE TOPIC COUNT SIZE INFLIGHT WINDOW NODELAY
 *     QoS 1 publishes of SIZE bytes, at most WINDOW awaiting PUBACK on the caller's side (INFLIGHT on the wire,
 *     MOSQ_OPT_SEND_MAXIMUM, the rest in libmosquitto's queue), from the main thread while the library's thread runs
 *     the network loop.
 *   mosquitto_baseline sub HOST PORT CAFILE TOPIC CLIENTID COUNT NODELAY
 *     Persistent session (clean session off): subscribes TOPIC at QoS 1 and receives COUNT messages; each payload is
 *     copied out of the library's buffer (a store would keep it).
 *   NODELAY is 0 or 1 (MOSQ_OPT_TCP_NODELAY), as ModuleClient's TcpNoDelay.
 *
 * Prints "seconds S" measured from before the TCP/TLS connect to the last PUBACK (pub) or message (sub), then a
 * clean DISCONNECT; process start is excluded (ModuleClient's measure includes its own connect and close).
 */
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long sent, acked, received, target;
static long refill_at = -1; /* the publisher sleeps until acked reaches this */
static int connack = -1;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	(void)mosq; (void)obj;
	pthread_mutex_lock(&lock);
	connack = rc;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	(void)mosq; (void)obj; (void)mid;
	pthread_mutex_lock(&lock);
	if(__atomic_add_fetch(&acked, 1, __ATOMIC_RELAXED) == refill_at){
		pthread_cond_broadcast(&changed);
	}
	pthread_mutex_unlock(&lock);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	(void)mosq; (void)obj;
	void *copy = malloc((size_t)msg->payloadlen + 1);
	memcpy(copy, msg->payload, (size_t)msg->payloadlen);
	free(copy);
	pthread_mutex_lock(&lock);
	if(++received == target){
		pthread_cond_broadcast(&changed);
	}
	pthread_mutex_unlock(&lock);
}

static void check(int rc, const char *what)
{
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "%s: %s\n", what, mosquitto_strerror(rc));
		exit(1);
	}
}

static struct mosquitto *open_client(const char *id, int clean, char **argv, int inflight, int nodelay)
{
	struct mosquitto *mosq = mosquitto_new(id, clean, NULL);
	if(!mosq){
		fprintf(stderr, "mosquitto_new failed\n");
		exit(1);
	}
	check(mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, inflight), "send_maximum");
	check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, nodelay), "tcp_nodelay");
	check(mosquitto_tls_set(mosq, argv[3], NULL, NULL, NULL, NULL), "tls_set");
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_message_callback_set(mosq, on_message);
	check(mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60), "connect");
	check(mosquitto_loop_start(mosq), "loop_start");
	pthread_mutex_lock(&lock);
	while(connack < 0){
		pthread_cond_wait(&changed, &lock);
	}
	pthread_mutex_unlock(&lock);
	if(connack != 0){
		fprintf(stderr, "refused: %s\n", mosquitto_connack_string(connack));
		exit(1);
	}
	return mosq;
}

static void close_client(struct mosquitto *mosq)
{
	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
}

/* argv: pub HOST PORT CAFILE TOPIC COUNT SIZE INFLIGHT WINDOW NODELAY */
static int publish(char **argv)
{
	long count = atol(argv[5]), window = atol(argv[8]);
	int size = atoi(argv[6]);
	char *body = calloc(1, (size_t)size);
	double start = now();
	struct mosquitto *mosq = open_client(NULL, 1, argv, atoi(argv[7]), atoi(argv[9]));

	/* A full window makes the publisher sleep until half of it is acknowledged, then refill it in one go: one
	 * wake-up per half window, not one per PUBACK (the cheapest way for a caller to keep WINDOW outstanding). */
	for(sent = 0; sent < count; sent++){
		if(sent - __atomic_load_n(&acked, __ATOMIC_RELAXED) >= window){
			pthread_mutex_lock(&lock);
			refill_at = sent - window / 2;
			while(acked < refill_at){
				pthread_cond_wait(&changed, &lock);
			}
			pthread_mutex_unlock(&lock);
		}
		check(mosquitto_publish(mosq, NULL, argv[4], size, body, 1, false), "publish");
	}
	pthread_mutex_lock(&lock);
	refill_at = count;
	while(acked < count){
		pthread_cond_wait(&changed, &lock);
	}
	pthread_mutex_unlock(&lock);
	close_client(mosq);
	printf("seconds %.6f\n", now() - start);
	free(body);
	return 0;
}

/* argv: sub HOST PORT CAFILE TOPIC CLIENTID COUNT NODELAY */
static int subscribe(char **argv)
{
	double start = now();
	struct mosquitto *mosq;

	target = atol(argv[6]);
	mosq = open_client(argv[5], 0, argv, 20, atoi(argv[7]));
	check(mosquitto_subscribe(mosq, NULL, argv[4], 1), "subscribe");
	pthread_mutex_lock(&lock);
	while(received < target){
		pthread_cond_wait(&changed, &lock);
	}
	pthread_mutex_unlock(&lock);
	close_client(mosq);
	printf("seconds %.6f\n", now() - start);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;
	mosquitto_lib_init();
	if(argc == 11 && strcmp(argv[1], "pub") == 0){
		rc = publish(argv + 1);
	}else if(argc == 9 && strcmp(argv[1], "sub") == 0){
		rc = subscribe(argv + 1);
	}else{
		fprintf(stderr, "usage: %s pub HOST PORT CAFILE TOPIC COUNT SIZE INFLIGHT WINDOW NODELAY | sub HOST PORT CAFILE TOPIC CLIENTID COUNT NODELAY\n", argv[0]);
		rc = 2;
	}
	mosquitto_lib_cleanup();
	return rc;
}
