/*
 * Facts images (see facts_image.h), generated from the field lists of facts_fields.h.
 *
 * Every structure of the lists gets, from its list alone:
 *   put_<type>          writes one item: its values, then its strings, then its arrays, each
 *                       field into its place (padding stays zero: equal facts, equal bytes);
 *   put_<type>_array    reserves an array of items and writes each;
 *   bytes_<type>        the bytes its arrays take in the structure area (each 8-aligned);
 *   check_<type>        checks (and moves) its pointers and indexes, then its arrays' items;
 * and a compile-time check that the list lays out exactly as the structure does.
 *
 * The order the writer meets strings and arrays in is the file format: for each item, its
 * strings in list order, then its arrays in list order, each array's items one after the other,
 * depth first.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_fields.h"
#include "core/facts_image.h"
#include "svcscope/util.h"

/* ---- compile-time check: each list names every field of its structure, in order ---------------- */

/* The structure a list describes, rebuilt from the list. */
#define SHADOW_VALUE(type, name) type name;
#define SHADOW_INDEX(name, limit) int name;
#define SHADOW_STR(name) const char *name;
#define SHADOW_NAME(name) const char *name;
#define SHADOW_STRS(name, count) const char *const *name; size_t count;
#define SHADOW_ARRAY(type, name, count) const type *name; size_t count;
#define SHADOW_UNSAVED(type, name) type *name;
#define SHADOW_FIELD(kind, ...) SHADOW_##kind(__VA_ARGS__)
#define SHADOW_STRUCT(T, LIST) struct shadow_##T { LIST(SHADOW_FIELD) };
SVC_FACTS_STRUCTS(SHADOW_STRUCT)

/* Every listed field is where the structure has it, and the rebuilt structure is as large: a
 * field missing from a list moves the ones after it or the size. Expanded at the top of each
 * put_<type> (below), whose block scope lets the typedefs name the structure being checked. */
#define SAME_PLACE(name)                                                                             \
    _Static_assert(offsetof(checked_type, name) == offsetof(shadow_type, name),                      \
                   "a field of a facts structure is missing from its list in facts_fields.h");
#define PLACE_VALUE(type, name) SAME_PLACE(name)
#define PLACE_INDEX(name, limit) SAME_PLACE(name)
#define PLACE_STR(name) SAME_PLACE(name)
#define PLACE_NAME(name) SAME_PLACE(name)
#define PLACE_STRS(name, count) SAME_PLACE(name) SAME_PLACE(count)
#define PLACE_ARRAY(type, name, count) SAME_PLACE(name) SAME_PLACE(count)
#define PLACE_UNSAVED(type, name) SAME_PLACE(name)
#define PLACE_FIELD(kind, ...) PLACE_##kind(__VA_ARGS__)
#define CHECK_LAYOUT(T, LIST)                                                                        \
    typedef T checked_type;                                                                          \
    typedef struct shadow_##T shadow_type;                                                           \
    LIST(PLACE_FIELD)                                                                                \
    _Static_assert(sizeof(checked_type) == sizeof(shadow_type),                                      \
                   "a field of a facts structure is missing from its list in facts_fields.h");

/* ---- writing -------------------------------------------------------------------------------------- */

typedef struct image {
    uintptr_t at;    /* where the image will be (its pointers point there) */
    char *data;      /* zeroed */
    size_t cap;
    size_t pos;      /* next structure byte */
    size_t strings;  /* where the string area starts */
    size_t spos;     /* next string byte */
} image;

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Reserves an array of `n` items in the structure area (zeroed); returns its offset. */
static size_t reserve(image *im, size_t n, size_t size)
{
    size_t off = im->pos;
    im->pos = align8(off + n * size);
    return off;
}

/* Where the image's pointers say the array at `off` is (NULL for an empty one). */
static const void *pointer_to(const image *im, size_t off, size_t n)
{
    return n ? (const void *)(im->at + off) : NULL;
}

static const char *put_str(image *im, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    if (im->spos + n > im->cap) {
        size_t cap = im->cap * 2;
        while (cap < im->spos + n) cap *= 2;
        im->data = svc_xrealloc(im->data, cap);
        im->cap = cap;
    }
    size_t off = im->spos;
    memcpy(im->data + off, s, n);
    im->spos += n;
    return (const char *)(im->at + off);
}

/* An array of strings: the array of pointers, then the strings. */
static const char *const *put_strings(image *im, const char *const *items, size_t n)
{
    size_t off = reserve(im, n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const char *s = put_str(im, items[i]);
        memcpy(im->data + off + i * sizeof(char *), &s, sizeof s);
    }
    return pointer_to(im, off, n);
}

/* The three passes over an item's list: its values, its strings, its arrays. Each field is stored
 * straight into its place in the zeroed image (never the whole structure, whose padding bytes a
 * copy may carry): padding stays zero, and equal facts give equal bytes. `checked_type` is the
 * item's structure (CHECK_LAYOUT); the image may move while strings are added, so a field's place
 * is found after its value is made. */
#define FIELD_AT(name) (im->data + off + offsetof(checked_type, name))
#define STORE(name, value) memcpy(FIELD_AT(name), &(value), sizeof(value));

#define PUT_VALUE_VALUE(type, name) STORE(name, x->name)
#define PUT_VALUE_INDEX(name, limit) STORE(name, x->name)
#define PUT_VALUE_STR(name)
#define PUT_VALUE_NAME(name)
#define PUT_VALUE_STRS(name, count) STORE(count, x->count)
#define PUT_VALUE_ARRAY(type, name, count) STORE(count, x->count)
#define PUT_VALUE_UNSAVED(type, name)
#define PUT_VALUE_FIELD(kind, ...) PUT_VALUE_##kind(__VA_ARGS__)

#define PUT_STRING_VALUE(type, name)
#define PUT_STRING_INDEX(name, limit)
#define PUT_STRING_STR(name) { const char *s = put_str(im, x->name); STORE(name, s) }
#define PUT_STRING_NAME(name) { const char *s = put_str(im, x->name); STORE(name, s) }
#define PUT_STRING_STRS(name, count)
#define PUT_STRING_ARRAY(type, name, count)
#define PUT_STRING_UNSAVED(type, name)
#define PUT_STRING_FIELD(kind, ...) PUT_STRING_##kind(__VA_ARGS__)

#define PUT_ARRAY_VALUE(type, name)
#define PUT_ARRAY_INDEX(name, limit)
#define PUT_ARRAY_STR(name)
#define PUT_ARRAY_NAME(name)
#define PUT_ARRAY_STRS(name, count) { const char *const *a = put_strings(im, x->name, x->count); STORE(name, a) }
#define PUT_ARRAY_ARRAY(type, name, count) { const type *a = put_##type##_array(im, x->name, x->count); STORE(name, a) }
#define PUT_ARRAY_UNSAVED(type, name)
#define PUT_ARRAY_FIELD(kind, ...) PUT_ARRAY_##kind(__VA_ARGS__)

/* The bytes of an item's arrays in the structure area. */
#define BYTES_VALUE(type, name)
#define BYTES_INDEX(name, limit)
#define BYTES_STR(name)
#define BYTES_NAME(name)
#define BYTES_STRS(name, count) n += align8(x->count * sizeof(char *));
#define BYTES_ARRAY(type, name, count)                                                               \
    n += align8(x->count * sizeof(type));                                                            \
    for (size_t k = 0; k < x->count; k++) n += bytes_##type(&x->name[k]);
#define BYTES_UNSAVED(type, name)
#define BYTES_FIELD(kind, ...) BYTES_##kind(__VA_ARGS__)

#define DEFINE_WRITER(T, LIST)                                                                       \
    static size_t bytes_##T(const T *x)                                                              \
    {                                                                                                \
        size_t n = 0;                                                                                \
        (void)x;                                                                                     \
        LIST(BYTES_FIELD)                                                                            \
        return n;                                                                                    \
    }                                                                                                \
                                                                                                     \
    static void put_##T(image *im, size_t off, const T *x)                                           \
    {                                                                                                \
        CHECK_LAYOUT(T, LIST)                                                                        \
        LIST(PUT_VALUE_FIELD)                                                                        \
        LIST(PUT_STRING_FIELD)                                                                       \
        LIST(PUT_ARRAY_FIELD)                                                                        \
    }                                                                                                \
                                                                                                     \
    __attribute__((unused)) /* svc_facts is never in an array */                                    \
    static const T *put_##T##_array(image *im, const T *items, size_t n)                             \
    {                                                                                                \
        size_t off = reserve(im, n, sizeof(T));                                                      \
        for (size_t i = 0; i < n; i++) put_##T(im, off + i * sizeof(T), &items[i]);                  \
        return pointer_to(im, off, n);                                                               \
    }
SVC_FACTS_STRUCTS(DEFINE_WRITER)

/* Bytes the structures and arrays of `f` take: where the string area starts. */
static size_t structure_bytes(const svc_facts *f)
{
    return align8(sizeof(svc_facts)) + bytes_svc_facts(f);
}

char *svc_facts_image_new(const svc_facts *f, uintptr_t at, size_t *len, size_t *strings)
{
    image im = { 0 };
    im.at = at;
    im.strings = structure_bytes(f);
    im.cap = im.strings + 4096;
    im.data = svc_xcalloc(1, im.cap);
    im.spos = im.strings;
    put_svc_facts(&im, reserve(&im, 1, sizeof(svc_facts)), f);
    /* the string area ends with a NUL even when it is empty */
    if (im.spos == im.strings || im.data[im.spos - 1] != '\0') {
        if (im.spos + 1 > im.cap) im.data = svc_xrealloc(im.data, im.cap = im.spos + 1);
        im.data[im.spos++] = '\0';
    }
    *len = im.spos;
    *strings = im.strings;
    return im.data;
}

/* ---- checking and moving ---------------------------------------------------------------------- */

typedef struct checker {
    char *img;
    uintptr_t want;
    intptr_t delta;
    bool write;
    size_t strings; /* the string area: [strings, len) */
    size_t len;
    bool ok;
} checker;

/* Pointers are read and written through memcpy: the fields they sit in may be const. */
static uintptr_t load_pointer(const void *slot)
{
    uintptr_t v;
    memcpy(&v, slot, sizeof v);
    return v;
}

static void move_pointer(checker *x, void *slot, uintptr_t v)
{
    if (!x->write) return;
    v += (uintptr_t)x->delta;
    memcpy(slot, &v, sizeof v);
}

/* A string field (`slot` is its address): NULL, or a string of the string area. */
static void check_str(checker *x, void *slot)
{
    uintptr_t v = load_pointer(slot);
    if (!v) return;
    uintptr_t off = v - x->want;
    if (v < x->want || off < x->strings || off >= x->len) {
        x->ok = false;
        return;
    }
    move_pointer(x, slot, v);
}

/* An array field of `n` items of `size` bytes: NULL when empty, else whole in the structure area,
 * 8-aligned. Returns where its items are in the image (NULL when none or bad). */
static char *check_array(checker *x, void *slot, size_t n, size_t size)
{
    uintptr_t v = load_pointer(slot);
    if (!v) {
        if (n) x->ok = false;
        return NULL;
    }
    uintptr_t off = v - x->want;
    if (v < x->want || off % 8 || off > x->strings || n > (x->strings - off) / size) {
        x->ok = false;
        return NULL;
    }
    move_pointer(x, slot, v);
    return x->img + off;
}

static void check_strings(checker *x, void *slot, size_t n)
{
    char *items = check_array(x, slot, n, sizeof(char *));
    for (size_t i = 0; items && i < n; i++) check_str(x, items + i * sizeof(char *));
}

/* -1 (none) or an item below `limit`. */
static bool index_ok(int index, size_t limit)
{
    return index >= -1 && (index < 0 || (size_t)index < limit);
}

#define CHECK_VALUE(type, name)
#define CHECK_INDEX(name, limit)                                                                     \
    if (!index_ok(item->name, (limit))) x->ok = false;
#define CHECK_STR(name) check_str(x, &item->name);
#define CHECK_NAME(name)                                                                             \
    check_str(x, &item->name);                                                                       \
    if (!item->name) x->ok = false;
#define CHECK_STRS(name, count) check_strings(x, &item->name, item->count);
#define CHECK_ARRAY(type, name, count) check_##type##_array(x, &item->name, item->count, facts);
#define CHECK_UNSAVED(type, name)                                                                    \
    if (item->name) x->ok = false;
#define CHECK_FIELD(kind, ...) CHECK_##kind(__VA_ARGS__)

/* check_<type>(x, item, facts, i): `item` is item `i` of its array in the image of `facts`. */
#define DEFINE_CHECKER(T, LIST)                                                                      \
    static void check_##T(checker *x, T *item, const svc_facts *facts, size_t i)                     \
    {                                                                                                \
        (void)x;                                                                                     \
        (void)item;                                                                                  \
        (void)facts;                                                                                 \
        (void)i;                                                                                     \
        LIST(CHECK_FIELD)                                                                            \
    }                                                                                                \
                                                                                                     \
    __attribute__((unused)) /* svc_facts is never in an array */                                    \
    static void check_##T##_array(checker *x, void *slot, size_t n, const svc_facts *facts)          \
    {                                                                                                \
        char *items = check_array(x, slot, n, sizeof(T));                                            \
        for (size_t i = 0; items && i < n; i++)                                                      \
            check_##T(x, (T *)(void *)(items + i * sizeof(T)), facts, i);                            \
    }
SVC_FACTS_STRUCTS(DEFINE_CHECKER)

bool svc_facts_image_check(char *img, size_t len, size_t strings, uintptr_t want, intptr_t delta, bool write)
{
    if (strings < sizeof(svc_facts) || strings >= len || img[len - 1] != '\0') return false;
    checker x = { img, want, delta, write, strings, len, true };
    svc_facts *f = (svc_facts *)(void *)img;
    check_svc_facts(&x, f, f, 0);
    return x.ok;
}
