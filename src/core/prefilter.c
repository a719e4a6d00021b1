/* The identifier hashes of a file's bytes (see prefilter.h). */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/prefilter.h"
#include "svcscope/cache.h"
#include "svcscope/util.h"

/* 1 for the bytes an identifier is made of. Non-ASCII bytes count (UTF-8 identifiers). */
static const unsigned char ident_byte[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    [0x80] = 1, [0x81] = 1, [0x82] = 1, [0x83] = 1, [0x84] = 1, [0x85] = 1, [0x86] = 1, [0x87] = 1,
    [0x88] = 1, [0x89] = 1, [0x8a] = 1, [0x8b] = 1, [0x8c] = 1, [0x8d] = 1, [0x8e] = 1, [0x8f] = 1,
    [0x90] = 1, [0x91] = 1, [0x92] = 1, [0x93] = 1, [0x94] = 1, [0x95] = 1, [0x96] = 1, [0x97] = 1,
    [0x98] = 1, [0x99] = 1, [0x9a] = 1, [0x9b] = 1, [0x9c] = 1, [0x9d] = 1, [0x9e] = 1, [0x9f] = 1,
    [0xa0] = 1, [0xa1] = 1, [0xa2] = 1, [0xa3] = 1, [0xa4] = 1, [0xa5] = 1, [0xa6] = 1, [0xa7] = 1,
    [0xa8] = 1, [0xa9] = 1, [0xaa] = 1, [0xab] = 1, [0xac] = 1, [0xad] = 1, [0xae] = 1, [0xaf] = 1,
    [0xb0] = 1, [0xb1] = 1, [0xb2] = 1, [0xb3] = 1, [0xb4] = 1, [0xb5] = 1, [0xb6] = 1, [0xb7] = 1,
    [0xb8] = 1, [0xb9] = 1, [0xba] = 1, [0xbb] = 1, [0xbc] = 1, [0xbd] = 1, [0xbe] = 1, [0xbf] = 1,
    [0xc0] = 1, [0xc1] = 1, [0xc2] = 1, [0xc3] = 1, [0xc4] = 1, [0xc5] = 1, [0xc6] = 1, [0xc7] = 1,
    [0xc8] = 1, [0xc9] = 1, [0xca] = 1, [0xcb] = 1, [0xcc] = 1, [0xcd] = 1, [0xce] = 1, [0xcf] = 1,
    [0xd0] = 1, [0xd1] = 1, [0xd2] = 1, [0xd3] = 1, [0xd4] = 1, [0xd5] = 1, [0xd6] = 1, [0xd7] = 1,
    [0xd8] = 1, [0xd9] = 1, [0xda] = 1, [0xdb] = 1, [0xdc] = 1, [0xdd] = 1, [0xde] = 1, [0xdf] = 1,
    [0xe0] = 1, [0xe1] = 1, [0xe2] = 1, [0xe3] = 1, [0xe4] = 1, [0xe5] = 1, [0xe6] = 1, [0xe7] = 1,
    [0xe8] = 1, [0xe9] = 1, [0xea] = 1, [0xeb] = 1, [0xec] = 1, [0xed] = 1, [0xee] = 1, [0xef] = 1,
    [0xf0] = 1, [0xf1] = 1, [0xf2] = 1, [0xf3] = 1, [0xf4] = 1, [0xf5] = 1, [0xf6] = 1, [0xf7] = 1,
    [0xf8] = 1, [0xf9] = 1, [0xfa] = 1, [0xfb] = 1, [0xfc] = 1, [0xfd] = 1, [0xfe] = 1, [0xff] = 1,
};

/* LSD radix sort of 32-bit values (tmp: scratch of the same size). */
static void radix_sort(uint32_t *v, uint32_t *tmp, size_t n)
{
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++) count[((v[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) tmp[count[(v[i] >> shift) & 0xff]++] = v[i];
        memcpy(v, tmp, n * sizeof *v);
    }
}

static void set_grow(uint32_t **set, size_t *cap)
{
    size_t ncap = *cap * 2;
    uint32_t *nset = svc_xcalloc(ncap, sizeof *nset);
    for (size_t k = 0; k < *cap; k++) {
        uint32_t h = (*set)[k];
        if (!h) continue;
        size_t j = h & (ncap - 1);
        while (nset[j]) j = (j + 1) & (ncap - 1);
        nset[j] = h;
    }
    free(*set);
    *set = nset;
    *cap = ncap;
}

/* The identifier hash (svc_ident_hash): the bytes 8 at a time (little-endian), multiplied and
 * folded. `safe_end`: up to there 8-byte loads may overrun the identifier. */
static inline uint32_t ident_hash(const unsigned char *p, size_t n, const unsigned char *safe_end)
{
    const uint64_t K = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)n * K;
    while (n > 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        h = (h ^ v) * K;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    uint64_t v = 0;
    if (p + 8 <= safe_end) {
        memcpy(&v, p, 8);
        if (n < 8) v &= (1ull << (8 * n)) - 1;
    } else {
        for (size_t i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    }
    h = (h ^ v) * K;
    h ^= h >> 32;
    return (uint32_t)h;
}

uint32_t svc_ident_hash(const char *s, size_t n)
{
    return ident_hash((const unsigned char *)s, n, (const unsigned char *)s + n);
}

/* Adds a hash to the open-addressing set (0 marks a free slot). */
static inline void set_add(uint32_t **set, size_t *cap, size_t *used, uint32_t h)
{
    size_t i = h & (*cap - 1);
    for (;;) {
        uint32_t v = (*set)[i];
        if (v == h) return;
        if (!v) break;
        i = (i + 1) & (*cap - 1);
    }
    (*set)[i] = h;
    if (++*used > *cap / 2) set_grow(set, cap);
}

#if defined(__SSE2__)
/* Bit i set when byte i of the 16 at p is an identifier byte. */
static inline unsigned ident_mask16(const unsigned char *p)
{
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i high = _mm_cmplt_epi8(c, _mm_setzero_si128()); /* >= 0x80 */
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
    __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i under = _mm_cmpeq_epi8(c, _mm_set1_epi8('_'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(high, digit), _mm_or_si128(alpha, under)));
}
#endif

uint32_t *svc_tokens_of(const char *bytes, size_t len, size_t *n)
{
    size_t cap = 512;
    while (cap < len / 8) cap *= 2;
    uint32_t *set = svc_xcalloc(cap, sizeof *set);
    size_t used = 0;
    bool zero = false;
    const unsigned char *p = (const unsigned char *)bytes, *end = p + len;
    const unsigned char *start = NULL; /* the identifier being read, if any */
#if defined(__SSE2__)
    /* 16 bytes at a time: the identifier bytes' mask gives where runs start and end */
    while (p + 16 <= end) {
        unsigned mask = ident_mask16(p);
        unsigned pos = 0;
        while (pos < 16) {
            if (!start) {
                unsigned rest = mask >> pos;
                if (!rest) break;
                pos += (unsigned)__builtin_ctz(rest);
                start = p + pos;
            }
            unsigned rest = ~mask >> pos & (0xffffu >> pos);
            if (!rest) break; /* runs on into the next 16 bytes */
            pos += (unsigned)__builtin_ctz(rest);
            uint32_t h = ident_hash(start, (size_t)(p + pos - start), end);
            if (h) set_add(&set, &cap, &used, h);
            else zero = true;
            start = NULL;
        }
        p += 16;
    }
#endif
    for (; p <= end; p++) {
        bool in = p < end && ident_byte[*p];
        if (in && !start) start = p;
        if (!in && start) {
            uint32_t h = ident_hash(start, (size_t)(p - start), end);
            if (h) set_add(&set, &cap, &used, h);
            else zero = true;
            start = NULL;
        }
    }
    uint32_t *out = svc_xmalloc((used + 1) * sizeof *out);
    size_t k = 0;
    if (zero) out[k++] = 0;
    for (size_t i = 0; i < cap; i++)
        if (set[i]) out[k++] = set[i];
    /* the set's memory is big enough to serve as the sort's scratch */
    radix_sort(out, set, k);
    free(set);
    *n = k;
    return out;
}

bool svc_tokens_has(const uint32_t *tokens, size_t n, uint32_t hash)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tokens[mid] < hash) lo = mid + 1;
        else if (tokens[mid] > hash) hi = mid;
        else return true;
    }
    return false;
}
