/*
 * Facts as an image (for the facts cache, cache.c): the svc_facts structure and its arrays laid
 * out as in memory, followed by its strings, every pointer already pointing where the image will
 * be, so that a mapped file is used in place. Generated from the field lists of facts_fields.h.
 * Internal to the core.
 *
 *   structures   the svc_facts, then each array (8-aligned) in the order the writer meets them
 *   strings      NUL-terminated; the area ends with a NUL even when it is empty
 */
#ifndef SVCSCOPE_FACTS_IMAGE_H
#define SVCSCOPE_FACTS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/facts.h"

/*
 * The image of `facts` for the address `at` (malloc'd): *len its size, *strings where its string
 * area starts. The same facts always give the same bytes (padding is zero).
 */
char *svc_facts_image_new(const svc_facts *facts, uintptr_t at, size_t *len, size_t *strings);

/*
 * Checks an image of `len` bytes at `img` whose pointers were written for it being at `want`
 * and whose string area starts at `strings`: every pointer must point into the image (a string
 * into the string area, an array before it, 8-aligned, whole) and every index to an item that
 * exists (facts_fields.h INDEX). With `write`, also moves every pointer by `delta`; without, the
 * image is only read (it may be mapped read-only). False when anything is wrong: the image must
 * then not be used, whatever it was partly moved to.
 */
bool svc_facts_image_check(char *img, size_t len, size_t strings, uintptr_t want, intptr_t delta, bool write);

#endif
