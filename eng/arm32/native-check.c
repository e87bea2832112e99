/*
 * The arm32 native check (eng/arm32-stage.sh): every librocksdb and libmosquitto function the module's bindings import
 * (src/EdgeModule.Storage.RocksDb/Native, src/EdgeModule.Transport.Mqtt/Native), called as the bindings call them, from
 * a program cross-compiled for armhf against Debian 12's armhf headers and run with Debian's armhf librocksdb7.8 and
 * libmosquitto1 under qemu-arm. There is no .NET runtime for linux-arm to run the module itself here; this shows the
 * libraries the arm32 image installs do what the bindings rely on, on a 32-bit ABI (size_t and pointers 32 bits,
 * uint64_t values such as sequence numbers and option sizes passed whole). The stage checks that every imported name
 * appears below.
 *
 * Usage: native-check <database folder (on a tmpfs under emulation)> <mosquitto port on 127.0.0.1> <a readable file>
 * Prints "OK <n> checks" and exits 0, or prints each failure and exits 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>
#include <rocksdb/c.h>

static int checks;
static int failures;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    checks++;                                                              \
    if (!(cond)) {                                                         \
      fprintf(stderr, "FAIL line %d: %s: ", __LINE__, #cond);              \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      failures++;                                                          \
    }                                                                      \
  } while (0)

#define NO_ERROR(err, what)                                                \
  do {                                                                     \
    checks++;                                                              \
    if ((err) != NULL) {                                                   \
      fprintf(stderr, "FAIL line %d: %s: %s\n", __LINE__, (what), (err));  \
      rocksdb_free(err);                                                   \
      (err) = NULL;                                                        \
      failures++;                                                          \
    }                                                                      \
  } while (0)

enum { RECORDS = 2000, VALUE_BYTES = 100 };

/* Keys as the store writes them: big-endian, so byte order is numeric order. */
static void key_of(uint32_t n, char key[8]) {
  memset(key, 0, 8);
  key[4] = (char)(n >> 24);
  key[5] = (char)(n >> 16);
  key[6] = (char)(n >> 8);
  key[7] = (char)n;
}

static void value_of(uint32_t n, char value[VALUE_BYTES]) {
  for (int i = 0; i < VALUE_BYTES; i++) value[i] = (char)(n * 31 + i);
}

static uint32_t number_of(const char *key) {
  return ((uint32_t)(unsigned char)key[4] << 24) | ((uint32_t)(unsigned char)key[5] << 16) |
         ((uint32_t)(unsigned char)key[6] << 8) | (uint32_t)(unsigned char)key[7];
}

static rocksdb_options_t *make_options(void) {
  rocksdb_options_t *options = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(options, 1);
  rocksdb_options_set_max_total_wal_size(options, UINT64_C(5) << 32); /* > 4 GiB: a uint64_t passed whole */
  rocksdb_options_set_write_buffer_size(options, (size_t)4 << 20);
  rocksdb_options_set_max_open_files(options, 64);
  rocksdb_options_set_max_write_buffer_number(options, 2);
  rocksdb_options_set_compression(options, rocksdb_no_compression);
  rocksdb_options_set_info_log_level(options, 2);
  rocksdb_options_set_keep_log_file_num(options, 2);
  rocksdb_options_set_max_log_file_size(options, (size_t)1 << 20);
  rocksdb_options_set_stats_dump_period_sec(options, 0);
  return options;
}

/* Counts the entries of a column family forwards and backwards and checks every value. */
static int count_entries(rocksdb_t *db, rocksdb_readoptions_t *read, rocksdb_column_family_handle_t *cf) {
  char *err = NULL;
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, read, cf);
  int forward = 0;
  uint32_t previous = 0;
  for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
    size_t key_length = 0, value_length = 0;
    const char *key = rocksdb_iter_key(it, &key_length);
    const char *value = rocksdb_iter_value(it, &value_length);
    char expected[VALUE_BYTES];
    CHECK(key_length == 8 && value_length == VALUE_BYTES, "key %zu value %zu bytes", key_length, value_length);
    uint32_t n = number_of(key);
    value_of(n, expected);
    CHECK(memcmp(value, expected, VALUE_BYTES) == 0, "value of %" PRIu32, n);
    CHECK(forward == 0 || n > previous, "%" PRIu32 " after %" PRIu32, n, previous);
    previous = n;
    forward++;
  }
  rocksdb_iter_get_error(it, &err);
  NO_ERROR(err, "rocksdb_iter_get_error");
  int backward = 0;
  for (rocksdb_iter_seek_to_last(it); rocksdb_iter_valid(it); rocksdb_iter_prev(it)) backward++;
  CHECK(forward == backward, "forward %d, backward %d", forward, backward);
  rocksdb_iter_destroy(it);
  return forward;
}

static void check_rocksdb(const char *folder) {
  char *err = NULL;
  char key[8], value[VALUE_BYTES];
  rocksdb_options_t *options = make_options();

  rocksdb_options_t *parsed = rocksdb_options_create();
  rocksdb_get_options_from_string(options, "write_buffer_size=8388608;max_write_buffer_number=3", parsed, &err);
  NO_ERROR(err, "rocksdb_get_options_from_string");
  rocksdb_get_options_from_string(options, "no_such_option=1", parsed, &err);
  CHECK(err != NULL && strstr(err, "no_such_option") != NULL, "an unknown option is an error naming it: %s", err ? err : "(none)");
  rocksdb_free(err);
  err = NULL;
  rocksdb_options_destroy(parsed);

  /* A new database: the default family, then a partition's family, as the store creates them. */
  const char *default_only[] = {"default"};
  const rocksdb_options_t *default_options[] = {options};
  rocksdb_column_family_handle_t *handles[2] = {NULL, NULL};
  rocksdb_t *db = rocksdb_open_column_families(options, folder, 1, default_only, default_options, handles, &err);
  NO_ERROR(err, "rocksdb_open_column_families (new)");
  if (db == NULL) return;
  rocksdb_column_family_handle_t *cf = rocksdb_create_column_family(db, options, "p0", &err);
  NO_ERROR(err, "rocksdb_create_column_family");
  rocksdb_column_family_handle_t *dropped = rocksdb_create_column_family(db, options, "dropped", &err);
  NO_ERROR(err, "rocksdb_create_column_family (dropped)");
  rocksdb_drop_column_family(db, dropped, &err);
  NO_ERROR(err, "rocksdb_drop_column_family");
  rocksdb_column_family_handle_destroy(dropped);

  rocksdb_writeoptions_t *write = rocksdb_writeoptions_create();
  rocksdb_writeoptions_set_sync(write, 0);
  rocksdb_writeoptions_disable_WAL(write, 0);
  uint64_t before = rocksdb_get_latest_sequence_number(db);

  /* Half through single puts, half through batches, then a delete of each kind. */
  for (uint32_t n = 0; n < RECORDS / 2; n++) {
    key_of(n, key);
    value_of(n, value);
    rocksdb_put_cf(db, write, cf, key, sizeof key, value, sizeof value, &err);
    NO_ERROR(err, "rocksdb_put_cf");
  }
  rocksdb_writebatch_t *batch = rocksdb_writebatch_create();
  for (uint32_t n = RECORDS / 2; n < RECORDS; n++) {
    key_of(n, key);
    value_of(n, value);
    rocksdb_writebatch_put_cf(batch, cf, key, sizeof key, value, sizeof value);
    if ((n + 1) % 250 == 0) {
      rocksdb_write(db, write, batch, &err);
      NO_ERROR(err, "rocksdb_write");
      rocksdb_writebatch_clear(batch);
    }
  }
  key_of(7, key);
  rocksdb_writebatch_delete_cf(batch, cf, key, sizeof key);
  rocksdb_write(db, write, batch, &err);
  NO_ERROR(err, "rocksdb_write (delete)");
  rocksdb_writebatch_destroy(batch);
  key_of(8, key);
  rocksdb_delete_cf(db, write, cf, key, sizeof key, &err);
  NO_ERROR(err, "rocksdb_delete_cf");
  uint64_t after = rocksdb_get_latest_sequence_number(db);
  CHECK(after - before == RECORDS + 2, "sequence moved by %" PRIu64 ", not %d", after - before, RECORDS + 2);

  /* Point reads through pinned slices. */
  rocksdb_readoptions_t *read = rocksdb_readoptions_create();
  rocksdb_readoptions_set_fill_cache(read, 0);
  rocksdb_readoptions_set_readahead_size(read, (size_t)2 << 20);
  key_of(1234, key);
  rocksdb_pinnableslice_t *slice = rocksdb_get_pinned_cf(db, read, cf, key, sizeof key, &err);
  NO_ERROR(err, "rocksdb_get_pinned_cf");
  CHECK(slice != NULL, "record 1234 is there");
  if (slice != NULL) {
    size_t length = 0;
    const char *found = rocksdb_pinnableslice_value(slice, &length);
    value_of(1234, value);
    CHECK(length == VALUE_BYTES && memcmp(found, value, VALUE_BYTES) == 0, "value of 1234 (%zu bytes)", length);
    rocksdb_pinnableslice_destroy(slice);
  }
  key_of(7, key);
  slice = rocksdb_get_pinned_cf(db, read, cf, key, sizeof key, &err);
  NO_ERROR(err, "rocksdb_get_pinned_cf (deleted)");
  CHECK(slice == NULL, "record 7 was deleted");

  /* A snapshot does not see what is written after it. */
  const rocksdb_snapshot_t *snapshot = rocksdb_create_snapshot(db);
  key_of(RECORDS + 5, key);
  value_of(RECORDS + 5, value);
  rocksdb_put_cf(db, write, cf, key, sizeof key, value, sizeof value, &err);
  NO_ERROR(err, "rocksdb_put_cf (after the snapshot)");
  rocksdb_readoptions_t *at_snapshot = rocksdb_readoptions_create();
  rocksdb_readoptions_set_snapshot(at_snapshot, snapshot);
  CHECK(count_entries(db, at_snapshot, cf) == RECORDS - 2, "entries at the snapshot");
  CHECK(count_entries(db, read, cf) == RECORDS - 1, "entries now");
  rocksdb_readoptions_destroy(at_snapshot);
  /* A database-wide property (rocksdb_property_value reads the default family's otherwise). */
  char *property = rocksdb_property_value(db, "rocksdb.num-snapshots");
  CHECK(property != NULL && strcmp(property, "1") == 0, "rocksdb.num-snapshots = %s", property ? property : "(null)");
  rocksdb_free(property);
  rocksdb_release_snapshot(db, snapshot);

  /* Seeks. */
  rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, read, cf);
  key_of(7, key);
  rocksdb_iter_seek(it, key, sizeof key);
  size_t length = 0;
  CHECK(rocksdb_iter_valid(it) && number_of(rocksdb_iter_key(it, &length)) == 9, "seek(7) lands on 9");
  rocksdb_iter_seek_for_prev(it, key, sizeof key);
  CHECK(rocksdb_iter_valid(it) && number_of(rocksdb_iter_key(it, &length)) == 6, "seek_for_prev(7) lands on 6");
  rocksdb_iter_destroy(it);

  rocksdb_readoptions_destroy(read);
  rocksdb_column_family_handle_destroy(cf);
  rocksdb_column_family_handle_destroy(handles[0]);
  rocksdb_close(db);

  /* Reopen as the store does: list the families, open them all, find the data. */
  size_t count = 0;
  char **names = rocksdb_list_column_families(options, folder, &count, &err);
  NO_ERROR(err, "rocksdb_list_column_families");
  CHECK(count == 2, "%zu column families, not 2", count);
  if (count == 2) {
    const rocksdb_options_t *family_options[] = {options, options};
    db = rocksdb_open_column_families(options, folder, 2, (const char *const *)names, family_options, handles, &err);
    NO_ERROR(err, "rocksdb_open_column_families (existing)");
    if (db != NULL) {
      int p0 = strcmp(names[0], "p0") == 0 ? 0 : 1;
      read = rocksdb_readoptions_create();
      CHECK(count_entries(db, read, handles[p0]) == RECORDS - 1, "entries after reopening");
      rocksdb_readoptions_destroy(read);
      rocksdb_column_family_handle_destroy(handles[0]);
      rocksdb_column_family_handle_destroy(handles[1]);
      rocksdb_close(db);
    }
  }
  rocksdb_list_column_families_destroy(names, count);
  rocksdb_writeoptions_destroy(write);
  rocksdb_options_destroy(options);
}

/* libmosquitto as MosquittoConnection drives it: threaded_set, its own poll loop on mosquitto_socket. */
enum { MESSAGES = 200 };

struct client_state {
  int connected;
  int connect_rc;
  int disconnected;
  int subscribed;
  int granted_qos;
  int acked;
  int received;
  int bad;
};

static void on_connect(struct mosquitto *m, void *user, int rc) {
  (void)m;
  struct client_state *s = user;
  s->connected = 1;
  s->connect_rc = rc;
}

static void on_disconnect(struct mosquitto *m, void *user, int rc) {
  (void)m;
  (void)rc;
  ((struct client_state *)user)->disconnected = 1;
}

static void on_publish(struct mosquitto *m, void *user, int mid) {
  (void)m;
  (void)mid;
  ((struct client_state *)user)->acked++;
}

static void on_subscribe(struct mosquitto *m, void *user, int mid, int count, const int *granted) {
  (void)m;
  (void)mid;
  struct client_state *s = user;
  s->subscribed = count;
  s->granted_qos = count > 0 ? granted[0] : -1;
}

static void on_message(struct mosquitto *m, void *user, const struct mosquitto_message *message) {
  (void)m;
  struct client_state *s = user;
  char expected[64];
  int n = s->received;
  int length = snprintf(expected, sizeof expected, "{\"n\":%d}", n);
  if (message->payloadlen != length || memcmp(message->payload, expected, (size_t)length) != 0 ||
      strcmp(message->topic, "arm32/check/\xc3\xa9") != 0 || message->qos != 1) {
    s->bad++;
  }
  s->received++;
}

/* Runs the loop the way the binding does (poll on the socket and an eventfd, then read/write/misc) until done() or 30 s. */
static int run_until(struct mosquitto *m, int wake, struct client_state *s, int (*done)(const struct client_state *)) {
  time_t deadline = time(NULL) + 30;
  while (!done(s)) {
    if (time(NULL) > deadline) return 0;
    int fd = mosquitto_socket(m);
    if (fd < 0) return 0;
    struct pollfd fds[2] = {{fd, POLLIN | (mosquitto_want_write(m) ? POLLOUT : 0), 0}, {wake, POLLIN, 0}};
    if (poll(fds, 2, 100) < 0 && errno != EINTR) return 0;
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      CHECK(read(wake, &count, sizeof count) == sizeof count, "read of the eventfd");
    }
    if (fds[0].revents & POLLIN) CHECK(mosquitto_loop_read(m, 1) == MOSQ_ERR_SUCCESS || s->disconnected, "loop_read");
    if (fds[0].revents & POLLOUT) CHECK(mosquitto_loop_write(m, 1) == MOSQ_ERR_SUCCESS || s->disconnected, "loop_write");
    mosquitto_loop_misc(m);
  }
  return 1;
}

static int is_connected(const struct client_state *s) { return s->connected; }
static int is_subscribed(const struct client_state *s) { return s->subscribed > 0; }
static int all_through(const struct client_state *s) { return s->acked == MESSAGES && s->received == MESSAGES; }
static int is_disconnected(const struct client_state *s) { return s->disconnected; }

static void check_mosquitto(int port, const char *readable_file) {
  CHECK(mosquitto_lib_init() == MOSQ_ERR_SUCCESS, "mosquitto_lib_init");
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  CHECK(major == 2, "libmosquitto %d.%d.%d", major, minor, revision);
  CHECK(strlen(mosquitto_strerror(MOSQ_ERR_NO_CONN)) > 0, "mosquitto_strerror");
  CHECK(strlen(mosquitto_connack_string(5)) > 0, "mosquitto_connack_string");

  /* TLS settings are checked when set: a readable CA file is accepted. */
  struct mosquitto *tls = mosquitto_new("arm32-tls", true, NULL);
  CHECK(mosquitto_tls_set(tls, readable_file, NULL, NULL, NULL, NULL) == MOSQ_ERR_SUCCESS, "mosquitto_tls_set");
  mosquitto_destroy(tls);

  struct client_state state = {0};
  struct mosquitto *m = mosquitto_new("arm32-check", true, &state);
  CHECK(m != NULL, "mosquitto_new");
  if (m == NULL) return;
  CHECK(mosquitto_threaded_set(m, true) == MOSQ_ERR_SUCCESS, "mosquitto_threaded_set");
  CHECK(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311) == MOSQ_ERR_SUCCESS, "mosquitto_int_option");
  CHECK(mosquitto_username_pw_set(m, "arm32", "secret") == MOSQ_ERR_SUCCESS, "mosquitto_username_pw_set");
  mosquitto_connect_callback_set(m, on_connect);
  mosquitto_disconnect_callback_set(m, on_disconnect);
  mosquitto_publish_callback_set(m, on_publish);
  mosquitto_subscribe_callback_set(m, on_subscribe);
  mosquitto_message_callback_set(m, on_message);
  int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  CHECK(wake >= 0, "eventfd");
  uint64_t one = 1;
  CHECK(write(wake, &one, sizeof one) == sizeof one, "write to the eventfd");

  CHECK(mosquitto_connect(m, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS, "mosquitto_connect to port %d", port);
  CHECK(run_until(m, wake, &state, is_connected) && state.connect_rc == 0, "CONNACK (rc %d)", state.connect_rc);
  int mid = 0;
  CHECK(mosquitto_subscribe(m, &mid, "arm32/check/#", 1) == MOSQ_ERR_SUCCESS && mid > 0, "mosquitto_subscribe");
  CHECK(run_until(m, wake, &state, is_subscribed) && state.granted_qos == 1, "SUBACK (granted %d)", state.granted_qos);
  for (int n = 0; n < MESSAGES; n++) {
    char payload[64];
    int length = snprintf(payload, sizeof payload, "{\"n\":%d}", n);
    CHECK(mosquitto_publish(m, &mid, "arm32/check/\xc3\xa9", length, payload, 1, false) == MOSQ_ERR_SUCCESS && mid > 0,
          "mosquitto_publish %d", n);
  }
  CHECK(mosquitto_loop(m, 100, 1) == MOSQ_ERR_SUCCESS, "mosquitto_loop");
  CHECK(run_until(m, wake, &state, all_through), "%d of %d PUBACKs, %d of %d messages back", state.acked, MESSAGES,
        state.received, MESSAGES);
  CHECK(state.bad == 0, "%d messages came back changed", state.bad);
  CHECK(mosquitto_disconnect(m) == MOSQ_ERR_SUCCESS, "mosquitto_disconnect");
  CHECK(run_until(m, wake, &state, is_disconnected), "disconnect callback");
  close(wake);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <database folder> <mosquitto port> <readable file>\n", argv[0]);
    return 2;
  }
  CHECK(sizeof(void *) == 4 && sizeof(size_t) == 4, "a 32-bit build (pointer %zu bytes)", sizeof(void *));
  check_rocksdb(argv[1]);
  check_mosquitto(atoi(argv[2]), argv[3]);
  if (failures > 0) {
    fprintf(stderr, "%d of %d checks failed\n", failures, checks);
    return 1;
  }
  printf("OK %d checks\n", checks);
  return 0;
}
