/*
 * Positions: the protocol counts a line's characters in the encoding agreed at initialize (UTF-16
 * code units unless the client offers another), the core in code points and bytes. These convert
 * over the text of the file.
 */
#ifndef SVCSCOPE_LSP_POSITION_H
#define SVCSCOPE_LSP_POSITION_H

#include <stddef.h>
#include <stdint.h>

typedef enum lsp_encoding {
    LSP_ENCODING_UTF16,
    LSP_ENCODING_UTF32,   /* code points: the core's columns */
    LSP_ENCODING_UTF8,    /* bytes */
} lsp_encoding;

/* "utf-16", "utf-32", "utf-8" */
const char *lsp_encoding_name(lsp_encoding e);

/* The byte offset of an LSP position (clamped to the line's end, and to the text's end). */
size_t lsp_position_to_byte(const char *text, size_t len, lsp_encoding e, uint32_t line, uint32_t character);
/* The 0-based code point column of an LSP position (what the core's queries take). */
uint32_t lsp_position_to_column(const char *text, size_t len, lsp_encoding e, uint32_t line, uint32_t character);
/* The LSP character of a 0-based row and code point column (clamped to the line's end). */
uint32_t lsp_column_to_character(const char *text, size_t len, lsp_encoding e, uint32_t row, uint32_t column);
/* The LSP line and character of a byte offset. */
void lsp_byte_to_position(const char *text, size_t len, lsp_encoding e, size_t byte, uint32_t *line,
                          uint32_t *character);

#endif
