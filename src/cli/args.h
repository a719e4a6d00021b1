/*
 * The one option parser of the command line. Each command declares a table of its options
 * (where each value goes, its --help line) and the options that cannot go together; every
 * command then accepts the same spellings and answers a mistake with the same words.
 *
 * Spellings: --name VALUE, --name=VALUE, a prefix of a long name that fits only one option
 * (--form json), -x (-xVALUE or -x VALUE when it takes a value), and `--`, after which every
 * word is an operand. Options and operands may come in any order.
 *
 * Usage errors (exit status 2), as "svcscope: COMMAND: ... (see svcscope COMMAND --help)":
 *   unknown option '--frmat'
 *   option '--format' needs a value
 *   option '--staged' takes no value
 *   option '--s' is ambiguous: --select, --staged, --statistics or --show-settings
 *   option '--format' given twice          a value option: only the lists (--select, --ignore,
 *                                          --exclude) add up; a flag may be repeated
 *   --staged and --rev cannot be used together (WHY)
 *   --list goes with --undo (WHY)
 * and a value the option refuses, in the option's own words ("unknown format 'xml' (text or
 * json)").
 */
#ifndef SVCSCOPE_CLI_ARGS_H
#define SVCSCOPE_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A word an option takes and the value it stands for; a table of them ends with { NULL }. */
typedef struct cli_choice {
    const char *word;
    int value;
} cli_choice;

/* Parses an option's value into target; says why not (cli_error, "COMMAND: ...") and returns false. */
typedef bool (*cli_value_parser)(const char *command, const char *value, void *target);

/* One option; a table of them ends with { NULL }. Exactly one of the "where it goes" fields is set. */
typedef struct cli_option {
    const char *name;    /* the long name, without "--" */
    char short_name;     /* 'h' for -h, or 0 */
    const char *metavar; /* the value's name in --help ("FORMAT"): the option takes a value; NULL: a flag */
    const char *help;    /* the --help text (a '\n' starts a continuation line); NULL: not listed */
    const char *alias;   /* another long name for the same option (--output-format), not listed */
    bool stop;           /* --version: the rest of the command line is not read */
    bool shows_help;     /* -h, --help: prints the command's --help and stops (the command returns 0) */
    /* where it goes */
    bool *flag;                    /* a flag: set to true */
    const char **text;             /* a value, as given */
    char ***list;                  /* a comma-separated list (cli_split_list), added to list/count: */
    size_t *count;                 /*   the only kind of value that may be given more than once */
    const cli_choice *choices;     /* one of these words ("unknown format 'xml' (text or json)"), */
    int *choice;                   /*   its value stored here */
    cli_value_parser parse;        /* a value parsed by a function */
    void *target;
} cli_option;

/* Two options that cannot be given together; a table of them ends with { NULL }. */
typedef struct cli_conflict {
    const char *option, *other; /* long names */
    const char *why;            /* said in parentheses after the message */
} cli_conflict;

/* An option that means something only with another one; a table of them ends with { NULL }. */
typedef struct cli_requirement {
    const char *option, *needs; /* long names */
    const char *why;            /* said in parentheses after the message */
} cli_requirement;

/* What a command accepts, and its --help. */
typedef struct cli_args_spec {
    const char *command;                  /* "tree"; NULL for svcscope without a command */
    const cli_option *options;
    const cli_conflict *conflicts;        /* or NULL */
    const cli_requirement *requirements;  /* or NULL */
    const char *synopsis;                 /* --help before the options: usage line(s), description */
    const char *epilogue;                 /* --help after the options, or NULL */
    int help_column;                      /* where the options' help text starts in --help */
} cli_args_spec;

/*
 * Reads argv[1..argc) against spec, storing each option's value where its table entry says.
 * The operands are moved after the options, in their order (as GNU getopt does), and
 * *first_operand is the index of the first one; after an option marked `stop` nothing more is
 * read (*first_operand is argc). Returns true when the command goes on (*status untouched);
 * false when it is done and returns *status: EXIT_CLEAN once --help is printed, EXIT_ERROR once
 * a usage error is said.
 */
bool cli_args_parse(const cli_args_spec *spec, int argc, char **argv, int *first_operand, int *status);

/* --help: the synopsis, the option lines, the epilogue. */
void cli_args_print_help(FILE *out, const cli_args_spec *spec);
/* The option lines alone: "  -h, --help   show this help", the text at spec->help_column. */
void cli_args_print_options(FILE *out, const cli_args_spec *spec);

#endif
