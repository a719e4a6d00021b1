/*
 * The core's TOML reader, for pyproject.toml (config.c) and the explorer's config.toml
 * (user_config.c), which are schemas over it.
 *
 * The whole file is parsed once with tree-sitter-toml into a small document model (tables,
 * arrays, strings, integers, booleans), checking the TOML rules the grammar cannot see: UTF-8,
 * duplicate keys, tables defined twice, dotted keys reopening tables, escapes, integer range.
 * Every value keeps its line and column, for messages and for saying where a setting came from.
 *
 * Messages are "PATH:LINE: reason", in the svc_error the document was parsed with. A schema
 * words its own complaints through svc_toml_fail and may word the reader's again from the
 * svc_toml_problem, which says what went wrong and where.
 */
#ifndef SVCSCOPE_CORE_TOML_H
#define SVCSCOPE_CORE_TOML_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcscope/error.h"
#include "svcscope/util.h"

typedef enum svc_toml_kind {
    SVC_TOML_TABLE,
    SVC_TOML_ARRAY,
    SVC_TOML_STRING,
    SVC_TOML_INTEGER,
    SVC_TOML_BOOLEAN,
    SVC_TOML_OTHER, /* floats, dates and times: valid TOML that no svcscope setting takes */
} svc_toml_kind;

/* How a value came to be. */
typedef enum svc_toml_origin {
    SVC_TOML_WRITTEN,  /* written after `=` or in an array: every value but the tables below */
    SVC_TOML_DOCUMENT, /* the top-level table */
    SVC_TOML_HEADER,   /* a table named by its own header, [a.b]; [[a.b]] and its elements */
    SVC_TOML_IMPLICIT, /* a table named on the way to a header: a, for [a.b] */
    SVC_TOML_DOTTED,   /* a table named on the way to a dotted key: a, for a.b = 1 */
} svc_toml_origin;

typedef struct svc_toml_value svc_toml_value;
typedef struct svc_toml_entry svc_toml_entry;

/* A key of a table with its value, or an item of an array (key NULL). */
struct svc_toml_entry {
    const char *key; /* decoded and NUL-terminated; it may hold "\u0000" too, hence klen */
    size_t klen;
    svc_toml_value *value;
    svc_toml_entry *next;
};

struct svc_toml_value {
    svc_toml_kind kind;
    uint32_t line;   /* 1-based: where the value is written; a table: its header, or the key */
    uint32_t column; /* that made it; the column counts bytes from 1 */
    const char *str; /* SVC_TOML_STRING, decoded and NUL-terminated; */
    size_t slen;     /* it may hold "\u0000" too, hence slen */
    long long integer; /* SVC_TOML_INTEGER */
    bool boolean;      /* SVC_TOML_BOOLEAN */
    svc_toml_entry *head; /* tables: their keys in the order written; arrays: their items */
    svc_toml_origin origin;
    /*
     * Refused by the reader (a bad escape, an integer past 64 bits, too deep): only in a
     * document read up to an error, as the last value read. Its kind is what it is written as,
     * so a schema that checks types first still words that complaint before the reader's.
     */
    bool refused;
    /* Tables and arrays of tables. */
    const char *path;       /* dotted, keys quoted where TOML needs it: "tool.svcscope"; "" the top */
    bool aot;               /* an array of tables, made by [[header]] */
    const char *header;     /* SVC_TOML_HEADER, SVC_TOML_IMPLICIT: the header that first named it, */
    uint32_t header_line;   /* as written between its brackets (cut to 40 bytes), its line, */
    bool header_array;      /* and whether it was a [[header]] */
    /* The reader's bookkeeping. */
    svc_toml_entry *tail;
    uint32_t src_start, src_end; /* the value's text; both 0 for tables made by headers or keys */
    bool defined;                /* a table defined by a [header] of its own */
    bool frozen;                 /* an inline table or a static array: closed to later additions */
    int dotted_section;          /* the section whose dotted keys made or extended it; -1 none */
};

typedef enum svc_toml_error {
    SVC_TOML_ESYNTAX = 1, /* the grammar's own error, or a token the reader cannot use */
    SVC_TOML_EENCODING,   /* not UTF-8, or a NUL byte */
    SVC_TOML_EESCAPE,     /* a bad escape in a string, or one that is not a Unicode scalar value */
    SVC_TOML_ERANGE,      /* an integer past 64 bits */
    SVC_TOML_EDEPTH,      /* values nested too deep */
    SVC_TOML_EDUPLICATE,  /* a key defined twice in one table */
    SVC_TOML_ETABLE,      /* a [table] defined twice */
    SVC_TOML_ECONFLICT,   /* a key or header that reopens a value, an inline table or a [table] */
} svc_toml_error;

/* What the reader refused, and where. */
typedef struct svc_toml_problem {
    svc_toml_error kind;
    uint32_t line;
    const char *table;   /* EDUPLICATE: the path of the table that has the key; a refused header: its */
    const char *key;     /* EDUPLICATE: the key, decoded */
    uint32_t first_line; /* EDUPLICATE and ETABLE: where it was defined first */
    const char *header;  /* a header refused (ETABLE, ECONFLICT): as written between its brackets, */
    bool header_array;   /* and whether it was a [[header]]; NULL for other problems */
} svc_toml_problem;

typedef struct svc_toml svc_toml;

/*
 * Reads a TOML document of `len` bytes (below 4 GiB; a leading byte order mark is skipped). `path`
 * starts every message. Returns SVC_OK, or SVC_ECONFIG with the message in `err`; `*out` is then
 * the document as far as it was read before the error (svc_toml_problem_of says what the error
 * was; a refused value is marked `refused`), or NULL when the parser could not run at all.
 * Free it with svc_toml_free.
 */
int svc_toml_parse(svc_toml **out, const char *path, const char *text, size_t len, svc_error *err);
void svc_toml_free(svc_toml *doc);

/* The top-level table. */
const svc_toml_value *svc_toml_root(const svc_toml *doc);
/* What the reader refused, or NULL when it read the whole document. */
const svc_toml_problem *svc_toml_problem_of(const svc_toml *doc);
/* The value of `key` in a table, or NULL. */
const svc_toml_value *svc_toml_get(const svc_toml_value *table, const char *key, size_t klen);

/*
 * Records "PATH:LINE: reason" in the document's error and returns SVC_ECONFIG. A reason longer
 * than 900 bytes is cut.
 */
int svc_toml_fail(svc_toml *doc, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int svc_toml_vfail(svc_toml *doc, uint32_t line, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Text for messages, allocated with the document. */
svc_arena *svc_toml_arena(svc_toml *doc);
/* A user's string in double quotes, escaped so that a message stays on one line; a long one is
 * cut with "...". */
const char *svc_toml_quote(svc_toml *doc, const char *s, size_t n);
/* How a value reads after "got": its text (one line, 40 bytes at most), or "a table" or "an
 * array of tables" for those made by headers and keys. */
const char *svc_toml_describe(svc_toml *doc, const svc_toml_value *v);

#endif
