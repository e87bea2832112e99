/*
 * C-API baseline for the storage benchmark: the same writes RocksDbStore makes, without .NET in between, so the
 * benchmark can print the binding's overhead beside its own numbers.
 *
 * Build: gcc -O2 -o rocksdb_baseline rocksdb_baseline.c -lrocksdb
 * Run:   ./rocksdb_baseline [work-dir] [puts]       (defaults: a new folder under /tmp, 1000000 puts per case)
 *
 * Output (stdout), one line per case, "baseline <case> <ops/s>":
 *   baseline put-single 312345
 *   baseline put-batch1000 1234567
 *   baseline put-single-nowal 456789
 *   baseline put-batch1000-nowal 2345678
 * Lines starting with '#' are comments (settings). Errors go to stderr with exit code 1.
 *
 * Every case writes into a fresh database (a column family "bench", like a store partition) with RocksDbStore's
 * default options: write buffer 16 MiB, max total WAL 64 MiB, max open files 256, LZ4, info log at header level,
 * no sync. Keys are 16-byte big-endian sequence numbers (so inserts are in key order, as the message store's are),
 * values 256 bytes.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEY_BYTES 16
#define VALUE_BYTES 256
#define BATCH_SIZE 1000

static void check(char *err, const char *what) {
    if (err != NULL) {
        fprintf(stderr, "rocksdb_baseline: %s: %s\n", what, err);
        rocksdb_free(err);
        exit(1);
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_key(unsigned char *key, uint64_t seq) {
    memset(key, 0, KEY_BYTES);
    for (int i = 0; i < 8; i++) {
        key[KEY_BYTES - 1 - i] = (unsigned char)(seq >> (8 * i));
    }
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftwbuf) {
    (void)sb; (void)flag; (void)ftwbuf;
    return remove(path);
}

static void remove_tree(const char *path) {
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Opens a fresh database with one column family, as RocksDbStore does for a new store and partition. */
static rocksdb_t *open_fresh(const char *dir, rocksdb_options_t **options, rocksdb_column_family_handle_t **cf) {
    remove_tree(dir);
    char *err = NULL;
    /* allow_fallocate has no setter in the 7.8 C API: RocksDbStore sets it from an options string, as here. */
    rocksdb_options_t *base = rocksdb_options_create();
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_get_options_from_string(base, "allow_fallocate=false", o, &err);
    check(err, "options string");
    rocksdb_options_destroy(base);
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_write_buffer_size(o, 16u << 20);
    rocksdb_options_set_max_write_buffer_number(o, 3);
    rocksdb_options_set_max_total_wal_size(o, 64u << 20);
    rocksdb_options_set_max_open_files(o, 256);
    rocksdb_options_set_compression(o, rocksdb_lz4_compression);
    rocksdb_options_set_info_log_level(o, 5); /* HEADER_LEVEL */
    rocksdb_options_set_keep_log_file_num(o, 1);
    rocksdb_options_set_stats_dump_period_sec(o, 0);
    rocksdb_t *db = rocksdb_open(o, dir, &err);
    check(err, "open");
    *cf = rocksdb_create_column_family(db, o, "bench", &err);
    check(err, "create column family");
    *options = o;
    return db;
}

static void close_db(rocksdb_t *db, rocksdb_options_t *o, rocksdb_column_family_handle_t *cf, const char *dir) {
    rocksdb_column_family_handle_destroy(cf);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    remove_tree(dir);
}

static double run_single(const char *dir, long puts, int disable_wal) {
    rocksdb_options_t *o;
    rocksdb_column_family_handle_t *cf;
    rocksdb_t *db = open_fresh(dir, &o, &cf);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_writeoptions_disable_WAL(wo, disable_wal);
    unsigned char key[KEY_BYTES], value[VALUE_BYTES];
    memset(value, 0x5a, sizeof value);
    char *err = NULL;
    double start = now_seconds();
    for (long i = 0; i < puts; i++) {
        make_key(key, (uint64_t)i);
        rocksdb_put_cf(db, wo, cf, (const char *)key, KEY_BYTES, (const char *)value, VALUE_BYTES, &err);
        check(err, "put");
    }
    double elapsed = now_seconds() - start;
    rocksdb_writeoptions_destroy(wo);
    close_db(db, o, cf, dir);
    return (double)puts / elapsed;
}

static double run_batches(const char *dir, long puts, int disable_wal) {
    rocksdb_options_t *o;
    rocksdb_column_family_handle_t *cf;
    rocksdb_t *db = open_fresh(dir, &o, &cf);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_writeoptions_disable_WAL(wo, disable_wal);
    rocksdb_writebatch_t *batch = rocksdb_writebatch_create();
    unsigned char key[KEY_BYTES], value[VALUE_BYTES];
    memset(value, 0x5a, sizeof value);
    char *err = NULL;
    long batches = puts / BATCH_SIZE;
    double start = now_seconds();
    for (long b = 0; b < batches; b++) {
        rocksdb_writebatch_clear(batch);
        for (long i = 0; i < BATCH_SIZE; i++) {
            make_key(key, (uint64_t)(b * BATCH_SIZE + i));
            rocksdb_writebatch_put_cf(batch, cf, (const char *)key, KEY_BYTES, (const char *)value, VALUE_BYTES);
        }
        rocksdb_write(db, wo, batch, &err);
        check(err, "write batch");
    }
    double elapsed = now_seconds() - start;
    rocksdb_writebatch_destroy(batch);
    rocksdb_writeoptions_destroy(wo);
    close_db(db, o, cf, dir);
    return (double)(batches * BATCH_SIZE) / elapsed;
}

int main(int argc, char **argv) {
    char dir[4096];
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s/rocksdb-baseline-db", argv[1]);
    } else {
        char tmpl[] = "/tmp/rocksdb-baseline-XXXXXX";
        if (mkdtemp(tmpl) == NULL) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(dir, sizeof dir, "%s/db", tmpl);
    }

    long puts = argc > 2 ? atol(argv[2]) : 1000000;
    if (puts < BATCH_SIZE) {
        fprintf(stderr, "rocksdb_baseline: puts must be at least %d\n", BATCH_SIZE);
        return 1;
    }

    printf("# rocksdb_baseline puts=%ld key=%d value=%d batch=%d dir=%s\n", puts, KEY_BYTES, VALUE_BYTES, BATCH_SIZE, dir);
    printf("baseline put-single %.0f\n", run_single(dir, puts, 0));
    fflush(stdout);
    printf("baseline put-batch1000 %.0f\n", run_batches(dir, puts, 0));
    fflush(stdout);
    printf("baseline put-single-nowal %.0f\n", run_single(dir, puts, 1));
    fflush(stdout);
    printf("baseline put-batch1000-nowal %.0f\n", run_batches(dir, puts, 1));
    if (argc <= 1) {
        char *slash = strrchr(dir, '/');
        *slash = '\0';
        rmdir(dir);
    }

    return 0;
}
