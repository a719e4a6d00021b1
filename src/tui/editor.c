/* $EDITOR. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svcscope/util.h"
#include "tui/editor.h"
#include "tui/terminal.h"

int tui_editor_run(const char *root, const char *path, uint32_t line, char *message, size_t size)
{
    const char *editor = getenv("EDITOR");
    if (!editor || !*editor) editor = getenv("VISUAL");
    if (!editor || !*editor) editor = "vi";
    char *file = svc_xasprintf("%s/%s", root, path);
    char line_arg[32];
    snprintf(line_arg, sizeof line_arg, "+%u", line ? line : 1);

    tui_term_leave();
    /* The editor gets Ctrl-C; we only wait for it. */
    struct sigaction ignore, old_int, old_quit;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGQUIT, &ignore, &old_quit);
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        /* Through the shell, so EDITOR may carry arguments ("code -w"), as git allows. */
        execl("/bin/sh", "sh", "-c", "$0 \"$@\"", editor, line_arg, file, (char *)NULL);
        _exit(127);
    }
    int err = errno;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    tui_term_return();
    free(file);

    if (pid < 0) {
        snprintf(message, size, "cannot start %s: %s", editor, strerror(err));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(message, size, "%s exited with status %d", editor, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    snprintf(message, size, "edited %s:%u; reloading", path, line ? line : 1);
    return 0;
}
