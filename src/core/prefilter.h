/*
 * The words of a file, for the model's pre-filter (docs/performance.md): which identifiers
 * appear anywhere in its bytes, code, strings and comments alike, as 32-bit hashes
 * (svc_ident_hash). A superset of the names its code can use, so "this name does not appear"
 * is a fact and "it appears" only a maybe.
 */
#ifndef SVCSCOPE_PREFILTER_H
#define SVCSCOPE_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sorted, unique hashes of every maximal run of [A-Za-z0-9_] or non-ASCII bytes. malloc'd
 * (never NULL); *n how many. */
uint32_t *svc_tokens_of(const char *bytes, size_t len, size_t *n);
bool svc_tokens_has(const uint32_t *tokens, size_t n, uint32_t hash);

#endif
