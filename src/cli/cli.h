/* Subcommands of the svcscope binary; main.c only picks one. */
#ifndef SVCSCOPE_CLI_H
#define SVCSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/args.h"
#include "cli/error.h"

/* Exit statuses (the output contract). A usage error (cli_args_parse) is EXIT_ERROR. */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_tree(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_callers(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_init(int argc, char **argv);

/* Copies the bundled demo into a fresh temporary git repo; prints and returns its path (malloc'd),
 * and whether it is removed on exit (!keep). */
char *demo_create(bool keep);
/* After the demo: removes the copy, or with `keep` says where it stays. */
void demo_finish(const char *dir, bool keep);

/* Splits "a,b , c" into a NULL-terminated list (appending to *list); cli_free_list frees it. */
void cli_split_list(const char *text, char ***list, size_t *n);
void cli_free_list(char **list, size_t n);
/* True when every selector selects a rule; else says which does not (for `option`). */
bool cli_valid_selectors(char **list, size_t n, const char *option);
/* --max-file-size's value (svc_config_parse_size) into the uint64_t at `size`; a cli_value_parser. */
bool cli_parse_max_file_size(const char *command, const char *text, void *size);

/* Options several commands share, with the same spelling and help everywhere (args.h). */
#define CLI_HELP_OPTION { "help", 'h', .help = "show this help", .shows_help = true }
#define CLI_STAGED_OPTION(staged_flag) \
    { "staged", .help = "read the staged content (the git index) instead of the work tree", .flag = (staged_flag) }
#define CLI_REV_OPTION(rev_text) \
    { "rev", .metavar = "REV", .help = "read a commit (any git revision) instead of the work tree", .text = (rev_text) }
#define CLI_NO_CACHE_OPTION(no_cache_flag) \
    { "no-cache", .help = "neither read nor update the facts cache (also SVCSCOPE_NO_CACHE=1)", \
      .flag = (no_cache_flag) }
#define CLI_EXCLUDE_OPTION(globs, nglobs) \
    { "exclude", .metavar = "GLOBS", .help = "also leave out these paths (comma-separated globs)", .list = (globs), \
      .count = (nglobs) }
#define CLI_MAX_FILE_SIZE_OPTION(max_size) \
    { "max-file-size", .metavar = "SIZE", \
      .help = "skip larger files with a warning (default: the config's, else 10MiB)", \
      .parse = cli_parse_max_file_size, .target = (max_size) }

/*
 * Text that a program reads back (a patch for `git apply`, a hook script) on stdout: as it is
 * when piped; on a terminal, each line escaped as text (svc_quote_text_append).
 */
void cli_print_machine_text(const char *text);

#include "svcscope/config.h"
#include "svcscope/quote.h"
#include "svcscope/model.h"
#include "svcscope/source.h"

/* A repository opened for a command: source, config and model. */
typedef struct cli_repo {
    svc_source *source;
    svc_config config;
    svc_model *model;
} cli_repo;

typedef struct cli_repo_options {
    const char *path;       /* NULL = "." */
    svc_source_kind kind;
    const char *rev;
    const char *const *extra_exclude; /* --exclude globs, added to the config's */
    size_t nextra_exclude;
    bool no_cache;          /* --no-cache: neither read nor update the facts cache */
    bool check_only;        /* the model is only checked: the pre-filter may leave files unparsed */
    uint64_t max_file_size; /* --max-file-size; 0 = the config's `max-file-size`, else 10 MiB */
} cli_repo_options;

/*
 * The project root for a PATH: the nearest folder at or above it whose pyproject.toml has a
 * [tool.svcscope] table, else the top of the git work tree, else the folder itself (or the
 * file's folder). The search never goes above the top of a work tree (a submodule is a project
 * of its own). Malloc'd absolute path; NULL (and a message) when PATH does not exist.
 */
char *cli_find_root(const char *path);
/* PATH relative to root ("" for the root itself); NULL (and a message) when outside it. */
char *cli_relative_to(const char *root, const char *path);

/* The conflicts of a command whose options are CLI_STAGED_OPTION and CLI_REV_OPTION, and what
 * they choose to read (at most one of them is given). */
extern const cli_conflict cli_staged_rev_conflicts[];
svc_source_kind cli_source_kind(bool staged, const char *rev);

/* --exclude: adds the globs to the excludes in force, as `extend-exclude` does. */
void cli_add_excludes(svc_config *cfg, const char *const *globs, size_t n);

/* What the command line says about settings, for --show-settings. */
typedef struct cli_settings_flags {
    const char *const *select; /* --select: replaces `select` */
    size_t nselect;
    const char *const *ignore; /* --ignore: adds to `ignore` */
    size_t nignore;
    const char *const *exclude; /* --exclude: adds to `extend-exclude` */
    size_t nexclude;
    uint64_t max_file_size;    /* --max-file-size, 0 = none */
} cli_settings_flags;

/* Prints the settings in force at the project root and where each came from (the default, a
 * line of pyproject.toml, a flag), then the virtualenvs found. EXIT_CLEAN, or EXIT_ERROR on a
 * bad config. */
int cli_show_settings(const char *root, const cli_settings_flags *flags);

/* Opens, reads config, builds the model. On failure prints the error and returns EXIT_ERROR. */
int cli_repo_open(cli_repo *repo, const cli_repo_options *opts);
void cli_repo_close(cli_repo *repo);
/* Warns on stderr about everything the model could not read whole: folders the listing skipped
 * and conflicted index entries (svc_source_skipped_at), files unreadable or too large (read_error),
 * binary, or with syntax errors (the first one's place). Never silent. Returns how many were I/O
 * errors (a file or folder that could not be read; not one over max-file-size). */
size_t cli_warn_unread(const svc_model *model);
#endif
