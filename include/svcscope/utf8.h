/*
 * UTF-8, once: encoding and decoding code points, checking text, finding character boundaries,
 * display widths, and the bytes Python identifiers are made of. Repository text is whatever
 * bytes a file holds, so every function here takes malformed input and says what it did with it
 * rather than assuming it is valid.
 */
#ifndef SVCSCOPE_UTF8_H
#define SVCSCOPE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest encoding of a code point, in bytes. */
enum { SVC_UTF8_MAX = 4 };

/*
 * Writes the UTF-8 encoding of a Unicode scalar value (U+0000..U+10FFFF without the surrogates
 * U+D800..U+DFFF) to `out` and returns its length, 1 to 4. Anything else writes nothing and
 * returns 0. `out` is not NUL-terminated.
 */
size_t svc_utf8_encode(uint32_t cp, char out[SVC_UTF8_MAX]);

/*
 * Decodes the code point at the start of UTF-8 text (n bytes available) and returns the bytes it
 * takes (0 only when n is 0). A byte that does not start a well-formed sequence (a stray or
 * truncated sequence, an overlong form, a surrogate, past U+10FFFF) takes one byte and decodes
 * to SVC_UTF8_BAD_BYTE + the byte, outside Unicode, so that callers can still show the byte.
 */
#define SVC_UTF8_BAD_BYTE 0x110000u
size_t svc_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* How many bytes at the start of s[0..n) are well-formed UTF-8: n when all of it is. */
size_t svc_utf8_valid_prefix(const char *s, size_t n);
/* A copy that is valid UTF-8 (malloc'd): every byte svc_utf8_decode calls bad becomes U+FFFD. */
char *svc_utf8_repaired(const char *s);
/* Count of code points in UTF-8 text (invalid bytes count 1 each). */
size_t svc_utf8_codepoints(const char *s, size_t n);

/*
 * Character boundaries, for cutting text without splitting a character: `at` moved back over
 * continuation bytes (never below 0), and moved forward over them (never past n). Invalid text
 * is cut anywhere that is not a continuation byte.
 */
size_t svc_utf8_floor(const char *s, size_t at);
size_t svc_utf8_ceil(const char *s, size_t at, size_t n);

/*
 * Terminal columns a code point takes, as wcwidth(3) says in the current locale (the caller sets
 * it; in the C locale only ASCII is printable): 1 or 2, 0 for combining and zero-width
 * characters, -1 for what cannot be printed as it is (C0 and C1 controls, DEL, bad bytes from
 * svc_utf8_decode, code points the locale does not know).
 */
int svc_utf8_cp_width(uint32_t cp);
/* Columns of UTF-8 text; each code point that cannot be printed counts 1, as the U+FFFD or '?'
 * shown in its place. */
size_t svc_utf8_width(const char *s, size_t n);

/*
 * Bytes of a Python identifier in UTF-8 source: ASCII letters and '_' (and digits after the
 * first), or any byte of a non-ASCII character, whose exact class is left to Python.
 */
bool svc_ident_start_byte(unsigned char c);
bool svc_ident_byte(unsigned char c);
/* Whether s[0..n) is made like a Python identifier: a start byte, then identifier bytes.
 * Keywords are identifiers here; callers that must refuse them keep their own lists. */
bool svc_ident_name(const char *s, size_t n);

#endif
