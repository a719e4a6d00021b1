/* Conversions between the protocol's positions and the core's rows, code point columns and bytes. */
#include "lsp/position.h"
#include "svcscope/utf8.h"

const char *lsp_encoding_name(lsp_encoding e)
{
    return e == LSP_ENCODING_UTF32 ? "utf-32" : e == LSP_ENCODING_UTF8 ? "utf-8" : "utf-16";
}

/* Byte offset where 0-based `line` starts (the text's end when it has fewer lines). */
static size_t line_start(const char *text, size_t len, uint32_t line)
{
    size_t at = 0;
    for (uint32_t l = 0; l < line && at < len; at++)
        if (text[at] == '\n') l++;
    return at;
}

/* How many units of the encoding a code point takes. */
static uint32_t units(lsp_encoding e, uint32_t cp, size_t bytes)
{
    if (e == LSP_ENCODING_UTF8) return (uint32_t)bytes;
    if (e == LSP_ENCODING_UTF16) return cp >= 0x10000 && cp < SVC_UTF8_BAD_BYTE ? 2 : 1;
    return 1;
}

size_t lsp_position_to_byte(const char *text, size_t len, lsp_encoding e, uint32_t line, uint32_t character)
{
    size_t at = line_start(text, len, line);
    uint32_t counted = 0;
    while (at < len && text[at] != '\n' && counted < character) {
        uint32_t cp;
        size_t n = svc_utf8_decode(text + at, len - at, &cp);
        counted += units(e, cp, n);
        at += n;
    }
    return at;
}

uint32_t lsp_position_to_column(const char *text, size_t len, lsp_encoding e, uint32_t line, uint32_t character)
{
    size_t start = line_start(text, len, line);
    size_t at = lsp_position_to_byte(text, len, e, line, character);
    return (uint32_t)svc_utf8_codepoints(text + start, at - start);
}

uint32_t lsp_column_to_character(const char *text, size_t len, lsp_encoding e, uint32_t row, uint32_t column)
{
    size_t at = line_start(text, len, row);
    uint32_t character = 0;
    for (uint32_t c = 0; c < column && at < len && text[at] != '\n'; c++) {
        uint32_t cp;
        size_t n = svc_utf8_decode(text + at, len - at, &cp);
        character += units(e, cp, n);
        at += n;
    }
    return character;
}

void lsp_byte_to_position(const char *text, size_t len, lsp_encoding e, size_t byte, uint32_t *line,
                          uint32_t *character)
{
    if (byte > len) byte = len;
    uint32_t l = 0;
    size_t start = 0;
    for (size_t i = 0; i < byte; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    uint32_t c = 0;
    for (size_t at = start; at < byte;) {
        uint32_t cp;
        size_t n = svc_utf8_decode(text + at, byte - at, &cp);
        c += units(e, cp, n);
        at += n;
    }
    *line = l;
    *character = c;
}
