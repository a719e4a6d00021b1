/*
 * The facts cache (see include/svcscope/cache.h for what it holds and why).
 *
 * File layout, all integers in the writer's byte order (the layout stamp covers it):
 *
 *   cache_header
 *   blobs                        8-aligned; each facts image or token list has its own checksum
 *   cache_entry[nentries]        sorted by path (strcmp)
 *   uint32_t checked[nchecked]
 *   strings                      paths and module names of the entries, NUL-terminated
 *
 * The entries come after the blobs so that a rewrite can keep the blobs of unchanged files where
 * they are: the new file starts with the old one's blob region, copied by the kernel, and appends
 * the new blobs (and compacts everything once more than a third of the region is dead).
 *
 * A facts image (facts_image.c, generated from the field lists of facts_fields.h) is the
 * svc_facts structure and its arrays, laid out as in memory, followed by its strings, with every
 * pointer already pointing where it will be when the file is mapped at `base` (an address chosen
 * from the file's path, in a region programs leave empty). Opening maps the file there
 * (MAP_FIXED_NOREPLACE, read-only): taking facts then writes nothing, and pages come straight
 * from the page cache. When that address is taken, the file is mapped anywhere (private,
 * writable) and the pointers of the images in use are moved by the difference.
 *
 * Taking an image first checks its checksum and every pointer (strings must lie in the image's
 * string area, which ends with a NUL; arrays before it, aligned) and every index a rule follows
 * (call -> ref, ref -> import, assign -> call, scopes and parents -> defs). A damaged image is
 * not used.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/facts_fields.h"
#include "core/facts_image.h"
#include "svcscope/cache.h"
#include "svcscope/util.h"

#define CACHE_MAGIC "SVCFACTS"
#define IMAGE_MAGIC 0x46435653u  /* "SVCF" */
#define TOKENS_MAGIC 0x4B435653u /* "SVCK" */
#define RACY_NS (2 * 1000000000LL)

typedef struct cache_header {
    char magic[8];
    uint32_t version;
    uint32_t layout;       /* layout_stamp() */
    uint64_t file_size;
    uint64_t nentries;
    uint64_t nchecked;
    uint64_t strings_len;
    int64_t written_ns;
    uint64_t fingerprint;
    uint64_t base;         /* where the images' pointers expect the file to be mapped */
    uint64_t meta_off;     /* where the entries start (the blobs end there) */
    uint64_t dead;         /* bytes of the blob region no entry uses */
    uint64_t check;        /* hash of the entries, checked hashes and strings */
} cache_header;

#define BLOBS_START ((sizeof(cache_header) + 7) & ~(size_t)7)

enum { ENTRY_INIT = 1, ENTRY_STAT = 2, ENTRY_NEEDED = 4 };

typedef struct cache_entry {
    uint32_t path;         /* offset into strings */
    uint32_t module;       /* offset into strings, UINT32_MAX for none */
    uint32_t flags;
    uint32_t pad;
    unsigned char id[20];
    uint32_t pad2;
    uint64_t size;
    int64_t mtime_ns, ctime_ns;
    uint64_t ino;
    uint64_t facts_off, facts_len;   /* 0, 0 when none */
    uint64_t tokens_off, tokens_len;
} cache_entry;

typedef struct blob_head {
    uint32_t magic;
    uint32_t strings;      /* facts images: where the string area starts (from the image start) */
    uint64_t check;        /* hash of the rest of the blob */
} blob_head;

/* Whether an entry's facts were taken: 0 not yet, 1 checked (and moved), 2 damaged. */
typedef struct entry_state {
    _Atomic unsigned char taken;
} entry_state;

struct svc_cache {
    int fd;
    char *map;
    size_t map_len;
    intptr_t delta;        /* where it is mapped minus where its pointers expect it (0: zero-copy) */
    const cache_header *header;
    const cache_entry *entries;
    size_t nentries;
    const uint32_t *checked;
    const char *strings;
    size_t strings_len;
    entry_state *state;    /* per entry */
};

/* ---- hashing ------------------------------------------------------------------- */

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* A Fletcher-style 64-bit checksum over 64-bit words, fast enough (two additions per 8 bytes) to
 * verify every blob on every load. It catches damage (flipped, zeroed, moved or swapped words),
 * not forgery; the final mixing makes near-equal sums differ everywhere. Also hashes the layout
 * stamp and paths (where speed does not matter). */
static uint64_t checksum(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t a = 0x9E3779B97F4A7C15ull, b = (uint64_t)len;
    size_t words = len / 8;
    for (size_t i = 0; i < words; i++) {
        a += read64(p + 8 * i);
        b += a;
    }
    uint64_t tail = 0;
    for (size_t i = words * 8; i < len; i++) tail |= (uint64_t)p[i] << (8 * (i - words * 8));
    a += tail;
    b += a;
    uint64_t h = a ^ rotl64(b, 29);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* SHA-1 (FIPS 180-1), for git blob ids of files the source has none for: a few lines here spare
 * initialising libgit2 just for that. */
typedef struct sha1_ctx {
    uint32_t h[5];
    uint64_t len;
    unsigned char block[64];
    size_t used;
} sha1_ctx;

static inline uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static void sha1_block(sha1_ctx *c, const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) f = (b & cc) | (~b & d), k = 0x5A827999;
        else if (i < 40) f = b ^ cc ^ d, k = 0x6ED9EBA1;
        else if (i < 60) f = (b & cc) | (b & d) | (cc & d), k = 0x8F1BBCDC;
        else f = b ^ cc ^ d, k = 0xCA62C1D6;
        uint32_t t = rotl32(a, 5) + f + e + k + w[i];
        e = d;
        d = cc;
        cc = rotl32(b, 30);
        b = a;
        a = t;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
}

static void sha1_update(sha1_ctx *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->len += n;
    while (n) {
        size_t k = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, k);
        c->used += k;
        p += k;
        n -= k;
        if (c->used == 64) {
            sha1_block(c, c->block);
            c->used = 0;
        }
    }
}

static void sha1_final(sha1_ctx *c, unsigned char out[20])
{
    uint64_t bits = c->len * 8;
    unsigned char pad = 0x80;
    sha1_update(c, &pad, 1);
    pad = 0;
    while (c->used != 56) sha1_update(c, &pad, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(c, len, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

void svc_cache_blob_id(const char *bytes, size_t len, unsigned char id[20])
{
    sha1_ctx c = { { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 }, 0, { 0 }, 0 };
    char head[32];
    int n = snprintf(head, sizeof head, "blob %zu", len);
    sha1_update(&c, head, (size_t)n + 1); /* with its NUL */
    if (len) sha1_update(&c, bytes, len);
    sha1_final(&c, id);
}

int64_t svc_cache_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* What a file must have been written by: this version, these structures, this machine. */
static uint32_t layout_stamp(void)
{
#define SIZE_OF(type, list) sizeof(type),
    const uint64_t parts[] = {
        SVC_CACHE_VERSION, sizeof(void *), sizeof(size_t), SVC_FACTS_STRUCTS(SIZE_OF) sizeof(cache_entry),
        sizeof(cache_header), 0x0102030405060708ull, /* byte order */
    };
#undef SIZE_OF
    return (uint32_t)checksum(parts, sizeof parts);
}

/* ---- paths --------------------------------------------------------------------- */

char *svc_cache_default_path(const svc_source *src, const svc_user_dirs *dirs)
{
    const char *git_dir = svc_source_git_dir(src);
    if (git_dir) {
        size_t n = strlen(git_dir);
        return svc_xasprintf("%s%ssvcscope/facts-cache", git_dir, n && git_dir[n - 1] == '/' ? "" : "/");
    }
    const char *root = svc_source_root(src);
    char key[17];
    snprintf(key, sizeof key, "%016llx", (unsigned long long)checksum(root, strlen(root)));
    const char *xdg = dirs ? dirs->cache_home : NULL;
    if (xdg && xdg[0] == '/') return svc_xasprintf("%s/svcscope/%s/facts-cache", xdg, key);
    const char *home = dirs ? dirs->home : NULL;
    if (home && home[0] == '/') return svc_xasprintf("%s/.cache/svcscope/%s/facts-cache", home, key);
    return NULL;
}

/* Where a cache file's images expect to be mapped: one of 4096 slots of 4 GiB from 32 TiB up,
 * far from where Linux puts programs, libraries, heaps and stacks. */
static uint64_t base_for(const char *path)
{
    return 0x200000000000ull + (checksum(path, strlen(path)) % 4096) * 0x100000000ull;
}

/* ---- opening --------------------------------------------------------------------- */

static svc_cache *empty_cache(void)
{
    svc_cache *c = svc_xcalloc(1, sizeof *c);
    c->fd = -1;
    return c;
}

static bool valid_offsets(const svc_cache *c)
{
    /* entries' strings and blobs must lie inside the file */
    for (size_t i = 0; i < c->nentries; i++) {
        const cache_entry *e = &c->entries[i];
        if (e->path >= c->strings_len || (e->module != UINT32_MAX && e->module >= c->strings_len)) return false;
        uint64_t end = c->header->meta_off;
        if (e->facts_len && (e->facts_off < BLOBS_START || e->facts_off > end || e->facts_len > end - e->facts_off ||
                             e->facts_off % 8 || e->facts_len < sizeof(blob_head) + sizeof(svc_facts)))
            return false;
        if (e->tokens_len && (e->tokens_off < BLOBS_START || e->tokens_off > end ||
                              e->tokens_len > end - e->tokens_off || e->tokens_off % 8 ||
                              e->tokens_len < sizeof(blob_head) || (e->tokens_len - sizeof(blob_head)) % 4))
            return false;
        if (i > 0 && strcmp(c->strings + c->entries[i - 1].path, c->strings + e->path) >= 0) return false;
    }
    return true;
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

svc_cache *svc_cache_open(const char *path)
{
    if (!path) return empty_cache();
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return empty_cache();
    struct stat st;
    cache_header h;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(cache_header) ||
        (uint64_t)st.st_size > 0xffffffffull || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
        h.file_size != (uint64_t)st.st_size || h.base % 4096 || h.base > 0x7fff00000000ull) {
        close(fd);
        return empty_cache();
    }
    size_t len = (size_t)st.st_size;
    /* at the address its pointers expect, read-only; else anywhere, to be relocated */
    intptr_t delta = 0;
    void *map = mmap((void *)(uintptr_t)h.base, len, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (map != MAP_FAILED && (uintptr_t)map != h.base) {
        munmap(map, len); /* a kernel that took the address as a mere hint */
        map = MAP_FAILED;
    }
    if (map == MAP_FAILED) {
        map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            return empty_cache();
        }
        delta = (intptr_t)((uintptr_t)map - (uintptr_t)h.base);
    }
    svc_cache *c = empty_cache();
    c->fd = fd;
    c->map = map;
    c->map_len = len;
    c->delta = delta;
    const cache_header *hp = map;
    size_t need;
    if (memcmp(hp->magic, CACHE_MAGIC, 8) != 0 || hp->version != SVC_CACHE_VERSION || hp->layout != layout_stamp() ||
        hp->file_size != len || hp->nentries > len / sizeof(cache_entry) || hp->nchecked > len / 4 ||
        hp->strings_len > len)
        goto bad;
    if (hp->meta_off < BLOBS_START || hp->meta_off % 8 || hp->meta_off > len) goto bad;
    need = (size_t)hp->meta_off + (size_t)hp->nentries * sizeof(cache_entry) + (size_t)hp->nchecked * 4;
    if (need > len || hp->strings_len != len - need) goto bad;
    if (hp->strings_len == 0 || ((const char *)map)[len - 1] != '\0') goto bad;
    if (checksum((const char *)map + hp->meta_off, len - (size_t)hp->meta_off) != hp->check) goto bad;
    c->header = hp;
    c->entries = (const cache_entry *)((const char *)map + hp->meta_off);
    c->nentries = (size_t)hp->nentries;
    c->checked = (const uint32_t *)(c->entries + c->nentries);
    c->strings = (const char *)map + need;
    c->strings_len = (size_t)hp->strings_len;
    if (!valid_offsets(c)) goto bad;
    c->state = svc_xcalloc(c->nentries ? c->nentries : 1, sizeof *c->state);
    return c;
bad:
    munmap(map, len);
    close(fd);
    c->fd = -1;
    c->map = NULL;
    c->map_len = 0;
    c->header = NULL;
    c->entries = NULL;
    c->nentries = 0;
    return c;
}

void svc_cache_close(svc_cache *c)
{
    if (!c) return;
    if (c->map) munmap(c->map, c->map_len);
    if (c->fd >= 0) close(c->fd);
    free(c->state);
    free(c);
}

size_t svc_cache_count(const svc_cache *c)
{
    return c ? c->nentries : 0;
}

int64_t svc_cache_written_ns(const svc_cache *c)
{
    return c && c->header ? c->header->written_ns : 0;
}

uint64_t svc_cache_fingerprint(const svc_cache *c)
{
    return c && c->header ? c->header->fingerprint : 0;
}

bool svc_cache_needed(const svc_cache *c, long entry)
{
    return c && entry >= 0 && (size_t)entry < c->nentries && (c->entries[entry].flags & ENTRY_NEEDED);
}

const uint32_t *svc_cache_checked(const svc_cache *c, size_t *n)
{
    *n = c && c->header ? (size_t)c->header->nchecked : 0;
    return *n ? c->checked : NULL;
}

long svc_cache_find(const svc_cache *c, const char *path)
{
    if (!c || !path) return -1;
    size_t lo = 0, hi = c->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->strings + c->entries[mid].path, path);
        if (cmp == 0) return (long)mid;
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static bool same_module(const svc_cache *c, const cache_entry *e, const char *module, bool is_init)
{
    if (((e->flags & ENTRY_INIT) != 0) != is_init) return false;
    if (e->module == UINT32_MAX) return module == NULL;
    return module && strcmp(c->strings + e->module, module) == 0;
}

svc_cache_match svc_cache_match_file(const svc_cache *c, long entry, const char *module, bool is_init,
                                     const svc_source_file *f)
{
    if (!c || entry < 0 || (size_t)entry >= c->nentries) return SVC_CACHE_MISMATCH;
    const cache_entry *e = &c->entries[entry];
    if (!same_module(c, e, module, is_init)) return SVC_CACHE_MISMATCH;
    if (f->has_oid) return memcmp(e->id, f->oid, 20) == 0 ? SVC_CACHE_MATCH : SVC_CACHE_MISMATCH;
    /* By stat, as git does, unless the file changed less than RACY_NS before the run that recorded
     * it began: then a later edit within the same clock tick could leave the stat unchanged. */
    if (f->has_stat && (e->flags & ENTRY_STAT) && e->size == f->size && e->mtime_ns == f->mtime_ns &&
        e->ctime_ns == f->ctime_ns && e->ino == f->ino && e->mtime_ns < c->header->written_ns - RACY_NS &&
        e->ctime_ns < c->header->written_ns - RACY_NS)
        return SVC_CACHE_MATCH;
    return SVC_CACHE_NEEDS_ID;
}

bool svc_cache_match_id(const svc_cache *c, long entry, const char *module, bool is_init, const unsigned char id[20])
{
    if (!c || entry < 0 || (size_t)entry >= c->nentries) return false;
    const cache_entry *e = &c->entries[entry];
    return same_module(c, e, module, is_init) && memcmp(e->id, id, 20) == 0;
}

const unsigned char *svc_cache_id(const svc_cache *c, long entry)
{
    return c->entries[entry].id;
}

bool svc_cache_has_facts(const svc_cache *c, long entry)
{
    return c && entry >= 0 && (size_t)entry < c->nentries && c->entries[entry].facts_len > 0;
}

const uint32_t *svc_cache_tokens(const svc_cache *c, long entry, size_t *n)
{
    *n = 0;
    if (!c || entry < 0 || (size_t)entry >= c->nentries) return NULL;
    const cache_entry *e = &c->entries[entry];
    if (!e->tokens_len) return NULL;
    const char *blob = c->map + e->tokens_off;
    blob_head head;
    memcpy(&head, blob, sizeof head);
    size_t body = (size_t)e->tokens_len - sizeof head;
    if (head.magic != TOKENS_MAGIC || checksum(blob + sizeof head, body) != head.check) return NULL;
    *n = body / 4;
    return (const uint32_t *)(blob + sizeof head);
}

/* ---- facts images (facts_image.c) -------------------------------------------------- */

/* The address an image's pointers expect it at. */
static uintptr_t image_want(const svc_cache *c, const cache_entry *e)
{
    return (uintptr_t)c->header->base + (uintptr_t)e->facts_off + sizeof(blob_head);
}

const svc_facts *svc_cache_facts(svc_cache *c, long entry)
{
    if (!c || entry < 0 || (size_t)entry >= c->nentries) return NULL;
    const cache_entry *e = &c->entries[entry];
    if (!e->facts_len) return NULL;
    char *blob = c->map + e->facts_off;
    svc_facts *f = (svc_facts *)(blob + sizeof(blob_head));
    unsigned char st = atomic_load(&c->state[entry].taken);
    if (st == 1) return f;
    if (st == 2) return NULL;
    blob_head head;
    memcpy(&head, blob, sizeof head);
    size_t len = (size_t)e->facts_len - sizeof head;
    bool ok = head.magic == IMAGE_MAGIC && checksum(blob + sizeof head, len) == head.check &&
              svc_facts_image_check(blob + sizeof head, len, head.strings, image_want(c, e), c->delta, c->delta != 0);
    atomic_store(&c->state[entry].taken, ok ? 1 : 2);
    return ok ? f : NULL;
}

/* ---- writing --------------------------------------------------------------------- */

typedef struct out_file {
    int fd;
    uint64_t pos;
    bool ok;
    char *buf;      /* write buffer */
    size_t blen;
} out_file;

#define OUT_BUF (1u << 20)

static void out_flush(out_file *o)
{
    size_t done = 0;
    while (o->ok && done < o->blen) {
        ssize_t w = write(o->fd, o->buf + done, o->blen - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            o->ok = false;
        } else {
            done += (size_t)w;
        }
    }
    o->blen = 0;
}

static void out_write(out_file *o, const void *data, size_t n)
{
    const char *p = data;
    o->pos += n;
    while (n) {
        if (o->blen == OUT_BUF) out_flush(o);
        size_t k = OUT_BUF - o->blen < n ? OUT_BUF - o->blen : n;
        memcpy(o->buf + o->blen, p, k);
        o->blen += k;
        p += k;
        n -= k;
    }
}

static void out_pad8(out_file *o)
{
    static const char zeros[8];
    if (o->pos % 8) out_write(o, zeros, 8 - o->pos % 8);
}

/* A blob of another cache file, as it is on disk (not as relocated in memory); malloc'd. */
static char *read_blob(const svc_cache *from, uint64_t off, uint64_t len)
{
    char *buf = svc_xmalloc((size_t)len);
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(from->fd, buf + done, (size_t)len - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            free(buf);
            return NULL;
        }
        done += (size_t)r;
    }
    return buf;
}

static int mkdirs(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int rc = mkdir(dir, 0777);
        *p = '/';
        if (rc < 0 && errno != EEXIST) return -1;
    }
    return mkdir(dir, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* Removes temporary files other writers left behind when they died (older than an hour). */
static void remove_stale_temps(const char *path)
{
    char *dir = svc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        free(dir);
        return;
    }
    const char *base = slash + 1;
    *slash = '\0';
    char *prefix = svc_xasprintf("%s.tmp.", path + (base - dir));
    DIR *d = opendir(dir);
    if (d) {
        int64_t now = svc_cache_now_ns();
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!svc_str_starts_with(e->d_name, prefix)) continue;
            char *full = svc_xasprintf("%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
                (int64_t)st.st_mtime * 1000000000 < now - 3600LL * 1000000000)
                unlink(full);
            free(full);
        }
        closedir(d);
    }
    free(prefix);
    free(dir);
}

/* Copies [off, off + len) of another file to the end of the one being written (in the kernel
 * when it can). */
static void copy_range(out_file *o, int in, uint64_t off, uint64_t len)
{
    out_flush(o);
    if (!o->ok) return;
    loff_t in_off = (loff_t)off, out_off = (loff_t)o->pos;
    uint64_t left = len;
    while (left) {
        ssize_t r = copy_file_range(in, &in_off, o->fd, &out_off, (size_t)left, 0);
        if (r <= 0) break;
        left -= (uint64_t)r;
    }
    if (left) {
        /* no copy_file_range here (another file system, an old kernel): read and write */
        char *buf = svc_xmalloc(1u << 20);
        while (left && o->ok) {
            size_t k = left < (1u << 20) ? (size_t)left : (1u << 20);
            ssize_t r = pread(in, buf, k, in_off);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0 || pwrite(o->fd, buf, (size_t)r, out_off) != r) o->ok = false;
            in_off += r;
            out_off += r;
            left -= (uint64_t)r;
        }
        free(buf);
    }
    o->pos += len;
    if (lseek(o->fd, (off_t)o->pos, SEEK_SET) < 0) o->ok = false;
}

/* Writes an image of another cache file, its pointers moved for where it will be now. */
static bool write_moved_image(out_file *o, const svc_cache *from, const cache_entry *old, uintptr_t at)
{
    char *blob = read_blob(from, old->facts_off, old->facts_len);
    if (!blob) return false;
    blob_head head;
    memcpy(&head, blob, sizeof head);
    size_t len = (size_t)old->facts_len - sizeof head;
    uintptr_t want = image_want(from, old);
    bool ok = head.magic == IMAGE_MAGIC && checksum(blob + sizeof head, len) == head.check &&
              svc_facts_image_check(blob + sizeof head, len, head.strings, want, (intptr_t)(at - want), true);
    if (ok) {
        head.check = checksum(blob + sizeof head, len);
        memcpy(blob, &head, sizeof head);
        out_write(o, blob, (size_t)old->facts_len);
    }
    free(blob);
    return ok;
}

static size_t align8u(uint64_t n)
{
    return (size_t)((n + 7) & ~(uint64_t)7);
}

int svc_cache_write(const char *path, const svc_cache_record *records, size_t n, const svc_cache_meta *m)
{
    if (!path) return -1;
    const uint32_t *checked = m->checked;
    size_t nchecked = m->checked ? m->nchecked : 0;
    char *dir = svc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdirs(dir) < 0) {
            free(dir);
            return -1;
        }
    }
    free(dir);
    remove_stale_temps(path);
    char *tmp = svc_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    uint64_t base = base_for(path);

    /* Keep the old file's blob region as it is (its images' pointers stay right) and append, unless
     * it is another file's (another base) or more than a third of it would be dead. */
    const svc_cache *old = m->old && m->old->header && m->old->fd >= 0 ? m->old : NULL;
    bool append = old && old->header->base == base;
    uint64_t old_region = old ? old->header->meta_off - BLOBS_START : 0, kept = 0;
    for (size_t i = 0; append && i < n; i++) {
        const svc_cache_record *r = &records[i];
        if (r->from != old) continue;
        const cache_entry *e = &old->entries[r->from_entry];
        if (!r->facts && e->facts_len) kept += align8u(e->facts_len);
        if (!r->tokens && e->tokens_len) kept += align8u(e->tokens_len);
    }
    if (append && (old_region - kept) * 3 > old_region) append = false;

    cache_entry *entries = svc_xcalloc(n ? n : 1, sizeof *entries);
    svc_buf strings = { 0 };
    for (size_t i = 0; i < n; i++) {
        const svc_cache_record *r = &records[i];
        cache_entry *e = &entries[i];
        e->path = (uint32_t)strings.len;
        svc_buf_append(&strings, r->path, strlen(r->path) + 1);
        e->module = UINT32_MAX;
        if (r->module) {
            e->module = (uint32_t)strings.len;
            svc_buf_append(&strings, r->module, strlen(r->module) + 1);
        }
        e->flags = (r->is_init ? ENTRY_INIT : 0) | (r->has_stat ? ENTRY_STAT : 0) | (r->needed ? ENTRY_NEEDED : 0);
        memcpy(e->id, r->id, 20);
        if (r->has_stat) {
            e->size = r->size;
            e->mtime_ns = r->mtime_ns;
            e->ctime_ns = r->ctime_ns;
            e->ino = r->ino;
        }
    }
    if (strings.len == 0) svc_buf_append(&strings, "", 1);

    out_file o = { .fd = fd, .ok = true, .buf = svc_xmalloc(OUT_BUF) };
    if (lseek(fd, (off_t)BLOBS_START, SEEK_SET) < 0) o.ok = false;
    o.pos = BLOBS_START;
    if (append) copy_range(&o, old->fd, BLOBS_START, old_region);
    uint64_t live = 0;
    for (size_t i = 0; i < n && o.ok; i++) {
        const svc_cache_record *r = &records[i];
        cache_entry *e = &entries[i];
        const cache_entry *prev = r->from ? &r->from->entries[r->from_entry] : NULL;
        uintptr_t at = (uintptr_t)base + (uintptr_t)o.pos + sizeof(blob_head);
        if (r->facts) {
            size_t len, strings_at;
            char *img = svc_facts_image_new(r->facts, at, &len, &strings_at);
            blob_head head = { IMAGE_MAGIC, (uint32_t)strings_at, checksum(img, len) };
            e->facts_off = o.pos;
            e->facts_len = sizeof head + len;
            out_write(&o, &head, sizeof head);
            out_write(&o, img, len);
            out_pad8(&o);
            free(img);
        } else if (prev && prev->facts_len) {
            if (append && r->from == old) {
                e->facts_off = prev->facts_off; /* where it already is */
                e->facts_len = prev->facts_len;
            } else {
                uint64_t at_pos = o.pos;
                if (write_moved_image(&o, r->from, prev, at)) {
                    e->facts_off = at_pos;
                    e->facts_len = prev->facts_len;
                    out_pad8(&o);
                }
            }
        }
        live += align8u(e->facts_len);
        const uint32_t *tokens = r->tokens;
        size_t ntokens = r->ntokens;
        if (!tokens && prev && prev->tokens_len) {
            if (append && r->from == old) {
                e->tokens_off = prev->tokens_off;
                e->tokens_len = prev->tokens_len;
            } else {
                tokens = svc_cache_tokens(r->from, r->from_entry, &ntokens); /* read-only data, mapped */
            }
        }
        if (tokens) {
            blob_head head = { TOKENS_MAGIC, 0, checksum(tokens, ntokens * 4) };
            e->tokens_off = o.pos;
            e->tokens_len = sizeof head + ntokens * 4;
            out_write(&o, &head, sizeof head);
            out_write(&o, tokens, ntokens * 4);
            out_pad8(&o);
        }
        live += align8u(e->tokens_len);
    }
    out_pad8(&o);
    uint64_t meta_off = o.pos;

    cache_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CACHE_MAGIC, 8);
    h.version = SVC_CACHE_VERSION;
    h.layout = layout_stamp();
    h.nentries = n;
    h.nchecked = nchecked;
    h.strings_len = strings.len;
    h.written_ns = m->started_ns;
    h.fingerprint = m->fingerprint;
    h.base = base;
    h.meta_off = meta_off;
    h.dead = meta_off - BLOBS_START - live;
    /* the checksum covers entries, checked and strings: the end of the file */
    size_t meta_len = n * sizeof(cache_entry) + nchecked * 4 + strings.len;
    char *meta = svc_xmalloc(meta_len);
    memcpy(meta, entries, n * sizeof(cache_entry));
    if (nchecked) memcpy(meta + n * sizeof(cache_entry), checked, nchecked * 4);
    memcpy(meta + n * sizeof(cache_entry) + nchecked * 4, strings.data, strings.len);
    h.check = checksum(meta, meta_len);
    h.file_size = meta_off + meta_len;
    out_write(&o, meta, meta_len);
    out_flush(&o);
    if (o.ok && pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) o.ok = false;
    free(meta);
    free(o.buf);
    free(entries);
    svc_buf_free(&strings);
    bool ok = o.ok && close(fd) == 0;
    if (ok && rename(tmp, path) < 0) ok = false;
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}
