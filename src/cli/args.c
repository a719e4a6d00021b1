/*
 * The option parser every command shares (see args.h for the spellings and the messages).
 * One pass over argv: each word is an option (and maybe its value), `--`, or an operand;
 * values go where the command's table says as they are read, so a bad value is reported in
 * command-line order; conflicts and requirements are checked once everything is read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "svcscope/util.h"

/* One parse: the spec, how often each option was given, and argv in its new order. */
typedef struct args_state {
    const cli_args_spec *spec;
    size_t *given;        /* per option of spec->options */
    SVC_VEC(char *) words; /* options, their values and `--`, in order */
    SVC_VEC(char *) operands;
    bool stopped, help;
} args_state;

static size_t option_count(const cli_option *options)
{
    size_t n = 0;
    while (options[n].name) n++;
    return n;
}

static bool takes_value(const cli_option *o)
{
    return o->metavar != NULL;
}

/* The entry named `name` (a long name, as tables write it); a table that names an option it
 * does not have is a mistake in the program, caught by any run of the command. */
static size_t option_named(const cli_args_spec *spec, const char *name)
{
    for (size_t i = 0; spec->options[i].name; i++)
        if (strcmp(spec->options[i].name, name) == 0) return i;
    fprintf(stderr, "svcscope: %s: the option table has no --%s\n", spec->command ? spec->command : "svcscope", name);
    abort();
}

static bool long_name_is(const char *candidate, const char *typed, size_t len, bool exact)
{
    if (!candidate || strncmp(candidate, typed, len) != 0) return false;
    return !exact || candidate[len] == '\0';
}

/* "a, b or c" */
static void put_alternatives(svc_buf *b, const char *const *words, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        svc_buf_printf(b, "%s%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", prefix, words[i]);
}

/*
 * The option a long word names (the part before any '='): an exact name or alias, else the
 * one option whose name or alias starts with it. Says why not and returns -1.
 */
static long find_long(const args_state *st, const char *typed, size_t len)
{
    const cli_option *options = st->spec->options;
    for (size_t i = 0; options[i].name; i++)
        if (long_name_is(options[i].name, typed, len, true) || long_name_is(options[i].alias, typed, len, true))
            return (long)i;
    SVC_VEC(const char *) matches = { 0 };
    long found = -1;
    for (size_t i = 0; len > 0 && options[i].name; i++)
        if (long_name_is(options[i].name, typed, len, false) || long_name_is(options[i].alias, typed, len, false)) {
            svc_vec_push(&matches, options[i].name);
            found = (long)i;
        }
    if (matches.len == 0) {
        cli_usage_error(st->spec->command, "unknown option '--%.*s'", (int)len, typed);
    } else if (matches.len > 1) {
        svc_buf names = { 0 };
        put_alternatives(&names, matches.items, matches.len, "--");
        cli_usage_error(st->spec->command, "option '--%.*s' is ambiguous: %s", (int)len, typed, names.data);
        svc_buf_free(&names);
        found = -1;
    }
    svc_vec_free(&matches);
    return found;
}

static long find_short(const args_state *st, char c)
{
    for (size_t i = 0; st->spec->options[i].name; i++)
        if (st->spec->options[i].short_name == c) return (long)i;
    cli_usage_error(st->spec->command, "unknown option '-%c'", c);
    return -1;
}

/* A value that must be one of the option's words: "unknown format 'xml' (text or json)". */
static bool store_choice(const args_state *st, const cli_option *o, const char *value)
{
    size_t n = 0;
    for (; o->choices[n].word; n++)
        if (strcmp(o->choices[n].word, value) == 0) {
            *o->choice = o->choices[n].value;
            return true;
        }
    SVC_VEC(const char *) words = { 0 };
    for (size_t i = 0; i < n; i++) svc_vec_push(&words, o->choices[i].word);
    svc_buf what = { 0 }, alternatives = { 0 };
    for (const char *p = o->metavar; *p; p++) svc_buf_putc(&what, (char)tolower((unsigned char)*p));
    put_alternatives(&alternatives, words.items, words.len, "");
    cli_command_error(st->spec->command, "unknown %s '%s' (%s)", what.data, value, alternatives.data);
    svc_buf_free(&what);
    svc_buf_free(&alternatives);
    svc_vec_free(&words);
    return false;
}

/* Puts the option's value (NULL for a flag) where its entry says. */
static bool store(args_state *st, size_t index, const char *value)
{
    const cli_option *o = &st->spec->options[index];
    const char *command = st->spec->command;
    if (st->given[index]++ && takes_value(o) && !o->list) {
        cli_usage_error(command, "option '--%s' given twice", o->name);
        return false;
    }
    if (o->flag) *o->flag = true;
    if (o->stop || o->shows_help) st->stopped = true;
    if (o->shows_help) st->help = true;
    if (o->text) *o->text = value;
    if (o->list) cli_split_list(value, o->list, o->count);
    if (o->choices) return store_choice(st, o, value);
    if (o->parse) return o->parse(command, value, o->target);
    return true;
}

/* "--name", "--name=value" or "--name value" at argv[*i] (*i moves past a separate value). */
static bool read_long(args_state *st, int argc, char **argv, int *i)
{
    const char *typed = argv[*i] + 2;
    const char *equals = strchr(typed, '=');
    size_t len = equals ? (size_t)(equals - typed) : strlen(typed);
    long index = find_long(st, typed, len);
    if (index < 0) return false;
    const cli_option *o = &st->spec->options[index];
    svc_vec_push(&st->words, argv[*i]);
    const char *value = NULL;
    if (takes_value(o) && equals) {
        value = equals + 1;
    } else if (takes_value(o)) {
        if (*i + 1 >= argc) {
            cli_usage_error(st->spec->command, "option '--%.*s' needs a value", (int)len, typed);
            return false;
        }
        value = argv[++*i];
        svc_vec_push(&st->words, argv[*i]);
    } else if (equals) {
        cli_usage_error(st->spec->command, "option '--%.*s' takes no value", (int)len, typed);
        return false;
    }
    return store(st, (size_t)index, value);
}

/* "-x", "-xy", "-xVALUE" or "-x VALUE" at argv[*i]. */
static bool read_short(args_state *st, int argc, char **argv, int *i)
{
    char *word = argv[*i];
    svc_vec_push(&st->words, word);
    for (const char *p = word + 1; *p && !st->stopped; p++) {
        long index = find_short(st, *p);
        if (index < 0) return false;
        const cli_option *o = &st->spec->options[index];
        if (!takes_value(o)) {
            if (!store(st, (size_t)index, NULL)) return false;
            continue;
        }
        const char *value = p[1] ? p + 1 : NULL;
        if (!value) {
            if (*i + 1 >= argc) {
                cli_usage_error(st->spec->command, "option '-%c' needs a value", *p);
                return false;
            }
            value = argv[++*i];
            svc_vec_push(&st->words, argv[*i]);
        }
        return store(st, (size_t)index, value);
    }
    return true;
}

/* Options given together that cannot be, and options given without the one they need. */
static bool check_combinations(const args_state *st)
{
    const cli_args_spec *spec = st->spec;
    for (const cli_conflict *c = spec->conflicts; c && c->option; c++)
        if (st->given[option_named(spec, c->option)] && st->given[option_named(spec, c->other)]) {
            cli_command_error(spec->command, "--%s and --%s cannot be used together (%s)", c->option, c->other, c->why);
            return false;
        }
    for (const cli_requirement *r = spec->requirements; r && r->option; r++)
        if (st->given[option_named(spec, r->option)] && !st->given[option_named(spec, r->needs)]) {
            cli_command_error(spec->command, "--%s goes with --%s (%s)", r->option, r->needs, r->why);
            return false;
        }
    return true;
}

/* The tables name only options they have: checked on every run, so a typo cannot hide. */
static void check_tables(const cli_args_spec *spec)
{
    for (const cli_conflict *c = spec->conflicts; c && c->option; c++) {
        (void)option_named(spec, c->option);
        (void)option_named(spec, c->other);
    }
    for (const cli_requirement *r = spec->requirements; r && r->option; r++) {
        (void)option_named(spec, r->option);
        (void)option_named(spec, r->needs);
    }
}

bool cli_args_parse(const cli_args_spec *spec, int argc, char **argv, int *first_operand, int *status)
{
    check_tables(spec);
    args_state st = { .spec = spec, .given = svc_xcalloc(option_count(spec->options) + 1, sizeof(size_t)) };
    bool ok = true, only_operands = false;
    int i = 1;
    for (; i < argc && ok && !st.stopped; i++) {
        char *word = argv[i];
        if (only_operands || word[0] != '-' || word[1] == '\0') {
            svc_vec_push(&st.operands, word);
        } else if (strcmp(word, "--") == 0) {
            svc_vec_push(&st.words, word);
            only_operands = true;
        } else if (word[1] == '-') {
            ok = read_long(&st, argc, argv, &i);
        } else {
            ok = read_short(&st, argc, argv, &i);
        }
    }
    if (ok && st.stopped) {
        *first_operand = argc;
    } else if (ok) {
        ok = check_combinations(&st);
        /* options first, then the operands: argv[*first_operand..argc) are the operands */
        size_t k = 1;
        for (size_t w = 0; w < st.words.len; w++) argv[k++] = st.words.items[w];
        *first_operand = (int)k;
        for (size_t w = 0; w < st.operands.len; w++) argv[k++] = st.operands.items[w];
    }
    if (ok && st.help) cli_args_print_help(stdout, spec);
    if (!ok || st.help) *status = ok ? EXIT_CLEAN : EXIT_ERROR;
    free(st.given);
    svc_vec_free(&st.words);
    svc_vec_free(&st.operands);
    return ok && !st.help;
}

void cli_args_print_options(FILE *out, const cli_args_spec *spec)
{
    for (const cli_option *o = spec->options; o->name; o++) {
        if (!o->help) continue;
        svc_buf line = { 0 };
        svc_buf_puts(&line, "  ");
        if (o->short_name) svc_buf_printf(&line, "-%c, ", o->short_name);
        svc_buf_printf(&line, "--%s", o->name);
        if (o->metavar) svc_buf_printf(&line, " %s", o->metavar);
        /* the text at the help column, or two spaces after a label that reaches it */
        size_t column = (size_t)spec->help_column;
        size_t pad = line.len + 2 <= column ? column - line.len : 2;
        svc_buf_printf(&line, "%*s", (int)pad, "");
        for (const char *p = o->help; *p; p++) {
            svc_buf_putc(&line, *p);
            if (*p == '\n') svc_buf_printf(&line, "%*s", (int)column, "");
        }
        fprintf(out, "%s\n", line.data);
        svc_buf_free(&line);
    }
}

void cli_args_print_help(FILE *out, const cli_args_spec *spec)
{
    fputs(spec->synopsis, out);
    cli_args_print_options(out, spec);
    if (spec->epilogue) fputs(spec->epilogue, out);
}
