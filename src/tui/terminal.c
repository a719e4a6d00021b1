/* Terminal set-up and restoration. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/terminal.h"
/* After our headers: term.h defines `lines` and `columns` as macros. */
#include <term.h>
#undef lines
#undef columns

static volatile sig_atomic_t active;
static SCREEN *screen;
static FILE *null_out, *null_in;    /* headless: where the virtual screen "draws" */
static bool headless;
static bool atexit_done;

static const int restore_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTERM, SIGHUP, SIGINT, SIGQUIT };
#define NSIGNALS (sizeof restore_signals / sizeof *restore_signals)
static struct sigaction previous[NSIGNALS];

/*
 * A fatal or terminating signal: give the terminal back, then die of the same signal so the
 * exit status (and a core dump) stays what it would have been. endwin() is not async-signal-safe,
 * but the process is going away and a wrecked terminal is worse.
 */
static void on_signal(int sig)
{
    if (active) {
        active = 0;
        endwin();
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < NSIGNALS; i++) sigaction(restore_signals[i], &sa, &previous[i]);
}

static void remove_handlers(void)
{
    for (size_t i = 0; i < NSIGNALS; i++) sigaction(restore_signals[i], &previous[i], NULL);
}

static void at_exit(void)
{
    tui_term_close();
}

static bool open_headless(const tui_term_options *opts, char *why, size_t size)
{
    null_out = fopen("/dev/null", "w");
    null_in = fopen("/dev/null", "r");
    if (!null_out || !null_in) {
        snprintf(why, size, "cannot open /dev/null");
        return false;
    }
    /* A known terminal type, whatever TERM says, so screens are the same everywhere. */
    static const char *const types[] = { "xterm-256color", "xterm", "vt100" };
    use_env(FALSE);
    for (size_t i = 0; i < sizeof types / sizeof *types && !screen; i++) screen = newterm(types[i], null_out, null_in);
    if (!screen) {
        snprintf(why, size, "no terminfo entry for xterm-256color, xterm or vt100");
        return false;
    }
    resize_term(opts->lines, opts->cols);
    return true;
}

/*
 * Whether TERM names a terminal the explorer can draw on: known to terminfo, and able to put the
 * cursor anywhere and clear the screen (TERM=dumb, an editor's shell buffer, cannot: curses would
 * draw a blank or garbled screen there).
 */
static bool terminal_usable(void)
{
    int err = 0;
    if (setupterm(NULL, fileno(stdout), &err) != OK) return false;
    const char *move = tigetstr("cup"), *clear = tigetstr("clear");
    bool usable = move && move != (char *)-1 && clear && clear != (char *)-1;
    del_curterm(cur_term);
    return usable;
}

/* newterm rather than initscr: initscr exits the process when TERM is unusable. */
static bool open_terminal(char *why, size_t size)
{
    const char *term = getenv("TERM");
    if (terminal_usable()) screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        snprintf(why, size,
                 "this terminal (%s%s) cannot show the explorer: it cannot move the cursor or clear the "
                 "screen. `svcscope check` lists the findings and `svcscope tree` prints the tree; or run the "
                 "explorer in a terminal such as TERM=xterm-256color",
                 term && *term ? "TERM=" : "TERM is not set", term && *term ? term : "");
        return false;
    }
    return true;
}

bool tui_term_open(const tui_term_options *opts, char *why, size_t size)
{
    headless = opts->headless;
    if (!(headless ? open_headless(opts, why, size) : open_terminal(why, size))) {
        tui_term_close();
        return false;
    }
    set_term(screen);
    active = 1;
    if (!atexit_done) {
        atexit(at_exit);
        atexit_done = true;
    }
    install_handlers();
    raw();  /* Ctrl-C and Ctrl-Z arrive as keys: quit and suspend cleanly */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    if (!headless) {
        mousemask(ALL_MOUSE_EVENTS, NULL);
        mouseinterval(0);
    }
    return true;
}

void tui_term_close(void)
{
    if (active) {
        active = 0;
        curs_set(1);
        endwin();
        remove_handlers();
    }
    if (screen) {
        delscreen(screen);
        screen = NULL;
    }
    if (null_out) fclose(null_out);
    if (null_in) fclose(null_in);
    null_out = null_in = NULL;
}

void tui_term_resize(int cols, int lines)
{
    resize_term(lines, cols);
}

void tui_term_leave(void)
{
    def_prog_mode();
    active = 0;
    endwin();
}

void tui_term_return(void)
{
    reset_prog_mode();
    active = 1;
    clearok(curscr, TRUE);
    refresh();
}

void tui_term_suspend(void)
{
    if (headless) return;
    tui_term_leave();
    raise(SIGTSTP);
    tui_term_return();
}
