/* The message log and its overlay (message_log.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/message_log.h"

void tui_message_log_add(tui_message_log *log, bool is_error, const char *text)
{
    if (!text || !*text) return;
    /* The same message again (a key pressed twice) is not news. */
    if (log->len && strcmp(log->items[log->len - 1].text, text) == 0) {
        log->items[log->len - 1].at = time(NULL);
        return;
    }
    if (log->len == TUI_MESSAGE_LOG_MAX) {
        free(log->items[0].text);
        memmove(log->items, log->items + 1, (log->len - 1) * sizeof *log->items);
        log->len--;
    }
    if (log->len == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 32;
        log->items = svc_xrealloc(log->items, log->cap * sizeof *log->items);
    }
    log->items[log->len++] = (tui_logged_message){ time(NULL), is_error, svc_xstrdup(text) };
}

void tui_message_log_free(tui_message_log *log)
{
    for (size_t i = 0; i < log->len; i++) free(log->items[i].text);
    free(log->items);
    *log = (tui_message_log){ 0 };
}
