/*
 * Text from a repository on its way to a terminal. Paths, names, code and config values are
 * whatever bytes the repository holds: written as they are, an escape sequence in one could
 * retitle the terminal, write to the clipboard (OSC 52) or hide the output around it. Every
 * output for people passes them through here and shows them the way git shows paths
 * (core.quotePath): C0 controls, DEL, C1 controls and bytes that are not UTF-8 become C escapes
 * (\t, \n, \033, \302\233, \377); printable UTF-8 passes unchanged. Machine formats (JSON,
 * SARIF, GitHub annotations) escape by their own syntax instead.
 */
#ifndef SVCSCOPE_QUOTE_H
#define SVCSCOPE_QUOTE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "svcscope/util.h"

/* The longest escape and its NUL: a C1 control is two octal bytes, "\302\233". */
enum { SVC_QUOTE_ESCAPE_MAX = 9 };

/*
 * The escape that stands for a code point as svc_utf8_decode gives it (bad bytes included),
 * NUL-terminated in `out`; returns its length, or 0 when the code point is shown as itself.
 */
size_t svc_quote_escape(uint32_t cp, char out[SVC_QUOTE_ESCAPE_MAX]);

/*
 * Appends text (a message, a line of code) with every unsafe character escaped. Tabs are kept:
 * code and diffs hold them, and a tab only moves the cursor right. `"` and `\` are kept too,
 * so quoting twice changes nothing more.
 */
void svc_quote_text_append(svc_buf *b, const char *s, size_t n);
/*
 * Appends a path as git shows it: as it is when nothing in it needs escaping, else in double
 * quotes, with tabs, `"` and `\` escaped as well (git apply reads this form back).
 */
void svc_quote_path_append(svc_buf *b, const char *path);

/*
 * The same for the arguments of a printf: s itself when nothing needs escaping, else an escaped
 * copy that stays valid until SVC_QUOTED_SLOTS more calls on the same thread (more than one
 * printf has arguments), and is freed by a later call.
 */
enum { SVC_QUOTED_SLOTS = 16 };
const char *svc_quoted_text(const char *s);
const char *svc_quoted_path(const char *path);

/*
 * JSON text (as jansson writes it, which escapes only what JSON requires) with DEL and the C1
 * controls also written as \u escapes: the document reads back the same, and a terminal it is
 * printed on never receives them raw. Malloc'd.
 */
char *svc_quote_json(const char *json);


#endif
