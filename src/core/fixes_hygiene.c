/*
 * Hygiene fixes: SVC900 removes the unused svcscope codes of a `# noqa` comment.
 *
 * Decisions (SAFE: a comment changes, no code):
 *  - Only the directive is edited (d->span, from its `#` to its last code): the code before it,
 *    other comments on the line and the codes that stay are kept byte for byte.
 *  - The codes to remove are the ones the finding names in backticks (rules_hygiene.c).
 *  - Codes left: the list is rewritten with the separator the comment used (", " by default).
 *  - Nothing left: the directive goes with the blanks before it; a comment after it stays
 *    (`x  # noqa: SVC201  # type: ignore` becomes `x  # type: ignore`); a line that held only the
 *    directive goes whole. Prose after the codes, or several directives, get no fix.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixes_internal.h"

typedef struct token {
    uint32_t start, end;
} token;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True when the message names the code in backticks ("`SVC201`"). */
static bool named_unused(const char *message, const char *s, uint32_t n)
{
    for (const char *p = strchr(message, '`'); p; p = strchr(p + 1, '`')) {
        const char *close = strchr(p + 1, '`');
        if (!close) break;
        if ((uint32_t)(close - p - 1) == n && strncasecmp(p + 1, s, n) == 0) return true;
        p = close;
    }
    return false;
}

/* Reads `# noqa: CODE, CODE` over [start, end): the codes, and false when it is anything else. */
static bool read_directive(const char *b, uint32_t start, uint32_t end, token *codes, size_t max, size_t *ncodes)
{
    uint32_t i = start;
    if (i >= end || b[i++] != '#') return false;
    while (i < end && is_blank(b[i])) i++;
    if (end - i < 4 || strncasecmp(b + i, "noqa", 4) != 0) return false;
    i += 4;
    while (i < end && is_blank(b[i])) i++;
    if (i >= end || b[i++] != ':') return false;
    *ncodes = 0;
    while (i < end) {
        while (i < end && (is_blank(b[i]) || b[i] == ',')) i++;
        uint32_t s = i;
        while (i < end && is_letter(b[i])) i++;
        uint32_t letters = i;
        while (i < end && is_digit(b[i])) i++;
        if (letters == s || i == letters || *ncodes == max) return false;
        codes[(*ncodes)++] = (token){ s, i };
    }
    return *ncodes > 0;
}

const svc_fix *fx_hygiene_900(fx_ctx *ctx, const svc_diagnostic *d)
{
    if (d->file < 0) return NULL;
    const fx_text *t = fx_text_of(ctx, (size_t)d->file);
    if (!t || d->span.end_byte > t->len || d->span.byte >= d->span.end_byte) return NULL;
    const char *b = t->bytes;
    token codes[64];
    size_t ncodes = 0;
    if (!read_directive(b, d->span.byte, d->span.end_byte, codes, 64, &ncodes)) return NULL;

    fx_fix fix;
    fx_init(&fix, ctx);
    svc_buf kept = { 0 };
    size_t nkept = 0;
    const char *sep = ", ";
    size_t sep_len = 2;
    if (ncodes > 1) {
        sep = b + codes[0].end;
        sep_len = codes[1].start - codes[0].end;
    }
    for (size_t i = 0; i < ncodes; i++) {
        uint32_t n = codes[i].end - codes[i].start;
        if (named_unused(d->message, b + codes[i].start, n)) continue;
        if (nkept++) svc_buf_append(&kept, sep, sep_len);
        svc_buf_append(&kept, b + codes[i].start, n);
    }
    if (nkept == ncodes) {
        svc_buf_free(&kept);
        fx_fail(&fix);
        return fx_finish(&fix, SVC_FIX_SAFE, "nothing to remove");
    }
    if (nkept) {
        fx_edit(&fix, (size_t)d->file, codes[0].start, codes[ncodes - 1].end, kept.data);
    } else {
        uint32_t from = d->span.byte, line_end = fx_line_end(t, d->span.end_byte);
        uint32_t after = d->span.end_byte;
        while (after < line_end && is_blank(b[after])) after++;
        if (after < line_end && b[after] != '#') {
            fx_fail(&fix); /* prose after the codes: not ours to drop */
        } else if (fx_only_space_before(t, from) && after == line_end) {
            fx_edit(&fix, (size_t)d->file, fx_line_start(t, from), fx_next_line(t, from), "");
        } else if (after < line_end) {
            fx_edit(&fix, (size_t)d->file, from, after, ""); /* the next comment takes its place */
        } else {
            while (from > fx_line_start(t, from) && is_blank(b[from - 1])) from--;
            fx_edit(&fix, (size_t)d->file, from, line_end, "");
        }
    }
    svc_buf_free(&kept);
    return fx_finish(&fix, SVC_FIX_SAFE, nkept ? "Remove the unused svcscope codes from the `# noqa` comment"
                                               : "Remove the unused `# noqa` comment");
}
