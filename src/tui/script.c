/* Reading key scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/keys.h"
#include "tui/script.h"

struct tui_script {
    FILE *file;
    char *path;
    unsigned line_no;
    char *line;          /* the current line, while its keys are handed out */
    char where[600];     /* tui_script_where */
    size_t line_cap;
    const char *next;    /* next key of the current line, or NULL */
};

tui_script *tui_script_open(const char *path, char *why, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    tui_script *s = svc_xcalloc(1, sizeof *s);
    s->file = f;
    s->path = svc_xstrdup(path);
    return s;
}

void tui_script_free(tui_script *s)
{
    if (!s) return;
    if (s->file) fclose(s->file);
    free(s->path);
    free(s->line);
    free(s);
}

const char *tui_script_where(tui_script *s)
{
    snprintf(s->where, sizeof s->where, "%s:%u", s->path, s->line_no);
    return s->where;
}

bool tui_parse_size(const char *text, int *cols, int *lines)
{
    char *end;
    long c = strtol(text, &end, 10);
    if (end == text || (*end != 'x' && *end != 'X')) return false;
    const char *rest = end + 1;
    long l = strtol(rest, &end, 10);
    if (end == rest || *end != '\0' || c < 1 || l < 1 || c > 1000 || l > 1000) return false;
    *cols = (int)c;
    *lines = (int)l;
    return true;
}

static bool command(tui_script *s, const char *cmd, tui_step *step, char *why, size_t size)
{
    const char *arg = strchr(cmd, ' ');
    size_t name_len = arg ? (size_t)(arg - cmd) : strlen(cmd);
    while (arg && *arg == ' ') arg++;
    bool has_arg = arg && *arg;
#define IS(name) (name_len == strlen(name) && strncmp(cmd, name, name_len) == 0)
    if (IS("save-display") || IS("save-attrs")) {
        if (!has_arg) {
            snprintf(why, size, "%s:%u: :%.*s needs a file name", s->path, s->line_no, (int)name_len, cmd);
            return false;
        }
        step->kind = IS("save-display") ? TUI_STEP_SAVE_DISPLAY : TUI_STEP_SAVE_ATTRS;
        step->arg = arg;
        return true;
    }
    if (IS("exec")) {
        if (!has_arg) {
            snprintf(why, size, "%s:%u: :exec needs a shell command", s->path, s->line_no);
            return false;
        }
        step->kind = TUI_STEP_EXEC;
        step->arg = arg;
        return true;
    }
    if (IS("wait-live")) {
        step->kind = TUI_STEP_WAIT_LIVE;
        return true;
    }
    if (IS("wait-loaded")) {
        step->kind = TUI_STEP_WAIT_LOADED;
        return true;
    }
    if (IS("resize")) {
        if (!has_arg || !tui_parse_size(arg, &step->cols, &step->lines)) {
            snprintf(why, size, "%s:%u: :resize needs COLSxLINES, like 80x24", s->path, s->line_no);
            return false;
        }
        step->kind = TUI_STEP_RESIZE;
        return true;
    }
#undef IS
    snprintf(why, size, "%s:%u: unknown command :%.*s", s->path, s->line_no, (int)name_len, cmd);
    return false;
}

bool tui_script_next(tui_script *s, tui_step *step, char *why, size_t size)
{
    memset(step, 0, sizeof *step);
    for (;;) {
        if (s->next && *s->next) {
            const char *at = s->next;
            int key = tui_key_parse(&s->next);
            if (key < 0) {
                snprintf(why, size, "%s:%u: unknown key at \"%s\" (write < as <LT>)", s->path, s->line_no, at);
                return false;
            }
            step->kind = TUI_STEP_KEY;
            step->key = key;
            return true;
        }
        s->next = NULL;
        ssize_t n = getline(&s->line, &s->line_cap, s->file);
        if (n < 0) {
            step->kind = TUI_STEP_END;
            return true;
        }
        s->line_no++;
        while (n > 0 && (s->line[n - 1] == '\n' || s->line[n - 1] == '\r')) s->line[--n] = '\0';
        if (n == 0 || s->line[0] == '#') continue;
        if (s->line[0] == ':') {
            /* Trailing blanks are noise after a command (not after keys: a space is a key). */
            while (n > 0 && s->line[n - 1] == ' ') s->line[--n] = '\0';
            return command(s, s->line + 1, step, why, size);
        }
        s->next = s->line;
    }
}
