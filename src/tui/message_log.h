/*
 * The message log (`M`): every status message since the explorer started, with its time, so
 * that a message the status line had to cut, or one replaced by the next, can be read whole.
 * Shown in an overlay like the rule explanation's, newest last (rule_view.h).
 */
#ifndef SVCSCOPE_TUI_MESSAGE_LOG_H
#define SVCSCOPE_TUI_MESSAGE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TUI_MESSAGE_LOG_MAX 1000   /* the oldest go first beyond this */

typedef struct tui_logged_message {
    time_t at;
    bool is_error;
    char *text;
} tui_logged_message;

typedef struct tui_message_log {
    tui_logged_message *items;    /* oldest first */
    size_t len, cap;
} tui_message_log;

void tui_message_log_add(tui_message_log *log, bool is_error, const char *text);
void tui_message_log_free(tui_message_log *log);

#endif
