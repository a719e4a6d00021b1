/*
 * The facts cache: what svc_facts_extract said about each file, kept between runs so that a
 * run where little changed parses little. One file per repository (<git dir>/svcscope/facts-cache,
 * or $XDG_CACHE_HOME/svcscope/<root hash>/facts-cache outside git), mapped into memory:
 *
 *   header | blobs | entries (fixed size, sorted by path) | checked names | their strings
 *
 * An entry is keyed by path, module name and the file's git blob id (for a tracked file whose
 * stat matches the index the id comes from the index, so the file is not even read; other files
 * are matched by their stat, and when that differs or is too recent to trust, by hashing their
 * bytes). It holds the facts as an image whose pointers already point where the file is mapped
 * (at an address chosen from its path; moved in place when that address is taken) and/or the
 * hashes of the identifiers the file contains (what the model's pre-filter needs to decide,
 * without reading the file, that it cannot matter). docs/performance.md tells the whole story.
 *
 * Readers never see half a file: writers write a temporary file next to it and rename it. A
 * missing, truncated or corrupt file, or one written by another version or build of svcscope
 * (SVC_CACHE_VERSION, the sizes of the facts structures, the pointer size, the byte order), is
 * ignored and replaced by the next write.
 */
#ifndef SVCSCOPE_CACHE_H
#define SVCSCOPE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/facts.h"
#include "svcscope/source.h"
#include "svcscope/user_dirs.h"

/* Bump when the extractor's output or the file layout changes (the struct sizes are checked too). */
#define SVC_CACHE_VERSION 10

typedef struct svc_cache svc_cache;

/* The cache file of a source: <git dir>/svcscope/facts-cache in a git repository, else
 * <dirs' XDG_CACHE_HOME (or HOME/.cache)>/svcscope/<hash of the root path>/facts-cache (absolute
 * paths only). malloc'd; NULL when no place can be named. */
char *svc_cache_default_path(const svc_source *src, const svc_user_dirs *dirs);

/* Maps a cache file. Never fails: an unusable file (or none) gives an empty cache. */
svc_cache *svc_cache_open(const char *path);
/* Unmaps it: facts taken from it are gone. */
void svc_cache_close(svc_cache *cache);

size_t svc_cache_count(const svc_cache *cache);
/* When the run that wrote the file started (ns since the epoch; 0 for an empty cache). */
int64_t svc_cache_written_ns(const svc_cache *cache);
/* What the model's pre-filter recorded (svc_cache_meta). */
uint64_t svc_cache_fingerprint(const svc_cache *cache);
const uint32_t *svc_cache_checked(const svc_cache *cache, size_t *n);
bool svc_cache_needed(const svc_cache *cache, long entry);

/* Index of the entry for a path, or -1. */
long svc_cache_find(const svc_cache *cache, const char *path);

typedef enum svc_cache_match {
    SVC_CACHE_MISMATCH,     /* another module name, package-ness or content */
    SVC_CACHE_MATCH,        /* same content */
    SVC_CACHE_NEEDS_ID,     /* cannot tell without the file's blob id: hash the bytes, then svc_cache_match_id */
} svc_cache_match;

/* Whether an entry describes this file: by blob id when the source knows it, else by stat. */
svc_cache_match svc_cache_match_file(const svc_cache *cache, long entry, const char *module, bool is_init,
                                     const svc_source_file *file);
/* Whether the entry's content has this blob id (module and package-ness as above). */
bool svc_cache_match_id(const svc_cache *cache, long entry, const char *module, bool is_init,
                        const unsigned char id[20]);
/* The entry's blob id. */
const unsigned char *svc_cache_id(const svc_cache *cache, long entry);

bool svc_cache_has_facts(const svc_cache *cache, long entry);
/* The entry's facts, fixed up in place on first use (thread-safe for distinct entries; one thread
 * per entry). NULL when the image is damaged. Owned by the cache: never svc_facts_free them. */
const svc_facts *svc_cache_facts(svc_cache *cache, long entry);
/* The sorted identifier hashes of an entry (svc_ident_hash), or NULL (*n = 0) when it has none
 * or they are damaged. */
const uint32_t *svc_cache_tokens(const svc_cache *cache, long entry, size_t *n);

/* The git blob id of some bytes (what `git hash-object` prints). */
void svc_cache_blob_id(const char *bytes, size_t len, unsigned char id[20]);
/* The hash the token lists use for an identifier (32 bits; src/core/prefilter.c). */
uint32_t svc_ident_hash(const char *s, size_t n);

/* One file of a new cache. */
typedef struct svc_cache_record {
    const char *path;
    const char *module;          /* NULL when not importable */
    bool is_init;
    unsigned char id[20];        /* git blob id of the content */
    bool has_stat;               /* stat of the file when it was read (worktree files) */
    uint64_t size;
    int64_t mtime_ns, ctime_ns;
    uint64_t ino;
    const svc_facts *facts;      /* serialized; or NULL */
    const uint32_t *tokens;      /* sorted, unique; or NULL */
    size_t ntokens;
    const svc_cache *from;       /* when set, what facts or tokens are NULL is this cache entry's */
    long from_entry;             /* (facts taken from a cache cannot be serialized again) */
    bool needed;                 /* the pre-filter's verdict in the run that wrote it */
} svc_cache_record;

/* About the whole file. */
typedef struct svc_cache_meta {
    int64_t started_ns;          /* when the run began reading files (svc_cache_now_ns) */
    uint64_t fingerprint;        /* the pre-filter's: what its verdicts depended on, 0 for none */
    const uint32_t *checked;     /* identifier hashes the files not `needed` were checked against */
    size_t nchecked;
    const svc_cache *old;        /* the cache the records' `from` is, when it is this file's: its
                                    blobs are kept in place (no record may come from another one) */
} svc_cache_meta;

/*
 * Writes a cache file holding these records (sorted by path, as svc_source lists them)
 * atomically (temporary file + rename; the folder is created). Returns 0, or -1 (nothing replaced).
 */
int svc_cache_write(const char *path, const svc_cache_record *records, size_t n, const svc_cache_meta *meta);

/* Nanoseconds since the epoch (CLOCK_REALTIME, comparable to file times). */
int64_t svc_cache_now_ns(void);

#endif
