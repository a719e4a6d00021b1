/*
 * Presenters: the diagnostics as text (one line each and a summary), JSON (ruff's shape),
 * SARIF 2.1.0 (code-scanning uploads) and GitHub workflow annotations. Rows and columns
 * are 0-based in diagnostics and 1-based here; findings about a folder are at 1:1.
 */
#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "svcscope/quote.h"
#include "svcscope/report.h"
#include "svcscope/util.h"

#ifndef SVC_DOCS_URL
#define SVC_DOCS_URL "https://github.com/svcscope/svcscope/blob/main/docs/rules.md"
#endif
#define SVC_INFORMATION_URI "https://github.com/svcscope/svcscope"
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

bool svc_format_parse(const char *text, svc_format *out)
{
    static const struct { const char *name; svc_format format; } names[] = {
        { "text", SVC_FORMAT_TEXT },
        { "json", SVC_FORMAT_JSON },
        { "sarif", SVC_FORMAT_SARIF },
        { "github", SVC_FORMAT_GITHUB },
    };
    if (!text) return false;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(text, names[i].name) == 0) {
            *out = names[i].format;
            return true;
        }
    return false;
}

bool svc_format_shows_fixes(svc_format format)
{
    return format != SVC_FORMAT_GITHUB;
}

/*
 * The URL of a rule's documentation: SVC_DOCS_URL + "#" + the code in lower case. The
 * catalogue's URLs are built once (thread-safe) into static storage, so the pointer stays
 * valid for the life of the program; a rule outside the catalogue gets the page itself.
 */
const char *svc_rule_url(const svc_rule *rule)
{
    enum { MAX_RULES = 64, MAX_URL = 512 };
    static char urls[MAX_RULES][MAX_URL];
    static atomic_int state; /* 0 not built, 1 building, 2 built */

    size_t count;
    const svc_rule *rules = svc_rules(&count);
    int expected = 0;
    if (atomic_compare_exchange_strong(&state, &expected, 1)) {
        for (size_t i = 0; i < count && i < MAX_RULES; i++) {
            int n = snprintf(urls[i], MAX_URL, "%s#", SVC_DOCS_URL);
            for (const char *c = rules[i].code; *c && n >= 0 && n < MAX_URL - 1; c++)
                urls[i][n++] = (char)tolower((unsigned char)*c);
            if (n >= 0 && n < MAX_URL) urls[i][n] = '\0';
        }
        atomic_store(&state, 2);
    } else {
        while (atomic_load(&state) != 2) { /* another thread is filling the table */ }
    }
    if (rule && !(rule >= rules && rule < rules + count)) rule = svc_rule_by_code(rule->code);
    if (!rule) return SVC_DOCS_URL;
    size_t i = (size_t)(rule - rules);
    return i < MAX_RULES ? urls[i] : SVC_DOCS_URL;
}

/* ---- shared helpers -------------------------------------------------------------------- */

/* 1-based positions of a diagnostic; folders (and files as a whole) are at 1:1. */
typedef struct position {
    unsigned long row, col, end_row, end_col;
} position;

static position position_of(const svc_diagnostic *d)
{
    position p = { 1, 1, 1, 1 };
    if (d->is_folder) return p;
    p.row = (unsigned long)d->span.row + 1;
    p.col = (unsigned long)d->span.col + 1;
    p.end_row = (unsigned long)d->span.end_row + 1;
    p.end_col = (unsigned long)d->span.end_col + 1;
    if (p.end_row < p.row || (p.end_row == p.row && p.end_col < p.col)) {
        p.end_row = p.row;
        p.end_col = p.col;
    }
    return p;
}

static size_t fixable_count(const svc_diagnostics *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++) n += d->items[i].fix != NULL;
    return n;
}

static const char *tool_version(const svc_report_options *opts)
{
    if (opts && opts->version) return opts->version;
#ifdef PACKAGE_VERSION
    return PACKAGE_VERSION;
#else
    return "0";
#endif
}

/* A JSON string of any bytes: invalid UTF-8 becomes U+FFFD (jansson refuses it). NULL -> null. */
static json_t *jstr(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    char *fixed = svc_utf8_repaired(s);
    j = json_string(fixed);
    free(fixed);
    return j ? j : json_string("");
}

static json_t *jpos(unsigned long row, unsigned long col)
{
    json_t *o = json_object();
    json_object_set_new(o, "row", json_integer((json_int_t)row));
    json_object_set_new(o, "column", json_integer((json_int_t)col));
    return o;
}

/* Pretty JSON, 2-space indent, keys in insertion order, no raw C1 controls (svc_quote_json),
 * trailing newline; consumes `root`. */
static char *dump_json(json_t *root)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) svc_out_of_memory(0);
    char *safe = svc_quote_json(text);
    char *out = svc_xasprintf("%s\n", safe);
    free(safe);
    free(text);
    return out;
}

/* ---- text ---------------------------------------------------------------------------- */

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"

static const char *severity_color(svc_severity s)
{
    switch (s) {
    case SVC_SEVERITY_ERROR: return "\033[1;31m";
    case SVC_SEVERITY_WARNING: return "\033[1;33m";
    case SVC_SEVERITY_INFO: return "\033[1;36m";
    }
    return "\033[1;31m";
}

static char *render_text(const svc_diagnostics *d, bool color)
{
    svc_buf b = { 0 };
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        position p = position_of(x);
        const char *msg = x->message ? x->message : "";
        size_t mlen = strlen(msg);
        while (mlen > 0 && isspace((unsigned char)msg[mlen - 1])) mlen--;
        /* The path and the message come from the repository: escaped, never raw on a terminal. */
        const char *path = svc_quoted_path(x->path);
        if (color) {
            svc_buf_printf(&b, ANSI_BOLD "%s" ANSI_RESET ANSI_DIM ":%lu:%lu:" ANSI_RESET " %s%s" ANSI_RESET
                               " " ANSI_DIM "[%s]" ANSI_RESET,
                           path, p.row, p.col, severity_color(x->severity), x->rule->code, x->rule->name);
        } else {
            svc_buf_printf(&b, "%s:%lu:%lu: %s [%s]", path, p.row, p.col, x->rule->code, x->rule->name);
        }
        if (mlen) {
            svc_buf_putc(&b, ' ');
            svc_quote_text_append(&b, msg, mlen);
        }
        svc_buf_putc(&b, '\n');
    }
    svc_buf_printf(&b, "Found %zu violation%s (%zu fixable).\n", d->len, d->len == 1 ? "" : "s", fixable_count(d));
    return svc_buf_detach(&b);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *json_fix(const svc_fix *fix)
{
    json_t *o = json_object();
    json_object_set_new(o, "applicability", json_string(fix->applicability == SVC_FIX_SAFE ? "safe" : "unsafe"));
    json_object_set_new(o, "message", jstr(fix->message));
    json_t *edits = json_array();
    for (size_t i = 0; i < fix->nedits; i++) {
        const svc_edit *e = &fix->edits[i];
        json_t *je = json_object();
        json_object_set_new(je, "filename", jstr(e->path));
        json_object_set_new(je, "content", jstr(e->text ? e->text : ""));
        json_object_set_new(je, "location", jpos((unsigned long)e->span.row + 1, (unsigned long)e->span.col + 1));
        json_object_set_new(je, "end_location",
                            jpos((unsigned long)e->span.end_row + 1, (unsigned long)e->span.end_col + 1));
        json_array_append_new(edits, je);
    }
    json_object_set_new(o, "edits", edits);
    /* File operations (create, move) have no place in an edit; they follow, when there are any. */
    if (fix->nops) {
        json_t *ops = json_array();
        for (size_t i = 0; i < fix->nops; i++) {
            const svc_file_op *op = &fix->ops[i];
            json_t *jo = json_object();
            if (op->kind == SVC_FILE_CREATE) {
                json_object_set_new(jo, "kind", json_string("create"));
                json_object_set_new(jo, "filename", jstr(op->path));
                json_object_set_new(jo, "content", jstr(op->content ? op->content : ""));
            } else {
                json_object_set_new(jo, "kind", json_string("move"));
                json_object_set_new(jo, "filename", jstr(op->path));
                json_object_set_new(jo, "to", jstr(op->to));
            }
            json_array_append_new(ops, jo);
        }
        json_object_set_new(o, "operations", ops);
    }
    return o;
}

static char *render_json(const svc_diagnostics *d)
{
    json_t *root = json_array();
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        position p = position_of(x);
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(x->rule->code));
        json_object_set_new(o, "name", json_string(x->rule->name));
        json_object_set_new(o, "severity", json_string(svc_severity_name(x->severity)));
        json_object_set_new(o, "message", jstr(x->message ? x->message : ""));
        json_object_set_new(o, "filename", jstr(x->path));
        json_object_set_new(o, "location", jpos(p.row, p.col));
        json_object_set_new(o, "end_location", jpos(p.end_row, p.end_col));
        json_object_set_new(o, "fix", x->fix ? json_fix(x->fix) : json_null());
        json_object_set_new(o, "url", json_string(svc_rule_url(x->rule)));
        json_array_append_new(root, o);
    }
    return dump_json(root);
}

/* ---- one rule explained --------------------------------------------------------------- */

static void put_indented(svc_buf *b, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        svc_buf_puts(b, "    ");
        svc_buf_append(b, p, n);
        svc_buf_putc(b, '\n');
        p += n + (p[n] == '\n');
    }
}

char *svc_rule_explanation(const svc_rule *r)
{
    svc_buf b = { 0 };
    svc_buf_printf(&b, "%s [%s]  (%s%s)\n\n", r->code, r->name, svc_severity_name(r->severity),
                   r->fix ? ", fixable" : "");
    svc_buf_printf(&b, "%s\n\nWhy: %s\n\nFlagged:\n", r->summary, r->why);
    put_indented(&b, r->bad);
    svc_buf_puts(&b, "\nInstead:\n");
    put_indented(&b, r->good);
    svc_buf_printf(&b, "\nFix: %s\n", r->fix ? r->fix : "none (the change needs a person's judgement)");
    if (svc_rule_precedence(r->code)) svc_buf_printf(&b, "One finding per root cause: %s\n", svc_rule_precedence(r->code));
    svc_buf_printf(&b, "Suppress on one line with `# noqa: %s`. Docs: %s\n", r->code, svc_rule_url(r));
    return svc_buf_detach(&b);
}

/* ---- SARIF 2.1.0 --------------------------------------------------------------------- */

static const char *sarif_level(svc_severity s)
{
    switch (s) {
    case SVC_SEVERITY_ERROR: return "error";
    case SVC_SEVERITY_WARNING: return "warning";
    case SVC_SEVERITY_INFO: return "note";
    }
    return "error";
}

/* A repo-relative path as a relative URI reference: RFC 3986 unreserved characters and '/'
 * stay, every other byte is percent-encoded. */
static char *uri_encode(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    svc_buf b = { 0 };
    for (const unsigned char *p = (const unsigned char *)(path ? path : ""); *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
            svc_buf_putc(&b, (char)*p);
        } else {
            svc_buf_putc(&b, '%');
            svc_buf_putc(&b, hex[*p >> 4]);
            svc_buf_putc(&b, hex[*p & 15]);
        }
    }
    return svc_buf_detach(&b);
}

static json_t *sarif_text(const char *text)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", jstr(text ? text : ""));
    return o;
}

static json_t *sarif_artifact(const char *path)
{
    char *uri = uri_encode(path);
    json_t *o = json_object();
    json_object_set_new(o, "uri", json_string(uri));
    json_object_set_new(o, "uriBaseId", json_string("%SRCROOT%"));
    free(uri);
    return o;
}

static json_t *sarif_rule(const svc_rule *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->code));
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "shortDescription", sarif_text(r->summary));
    json_object_set_new(o, "fullDescription", sarif_text(r->why));
    json_object_set_new(o, "helpUri", json_string(svc_rule_url(r)));
    svc_buf help = { 0 };
    svc_buf_printf(&help, "%s\n\nThe convention: %s\n\nFlagged:\n%s\n\nInstead:\n%s\n", r->summary, r->why,
                   r->bad ? r->bad : "", r->good ? r->good : "");
    if (r->fix) svc_buf_printf(&help, "\nFix: %s\n", r->fix);
    char *help_text = svc_buf_detach(&help);
    json_object_set_new(o, "help", sarif_text(help_text));
    free(help_text);
    json_t *config = json_object();
    json_object_set_new(config, "level", json_string(sarif_level(r->severity)));
    json_object_set_new(o, "defaultConfiguration", config);
    return o;
}

/* A fix as SARIF: byte-offset replacements per file. Only fixes made of edits alone:
 * SARIF cannot say "move this file", and half a fix would mislead. */
static json_t *sarif_fixes(const svc_fix *fix)
{
    if (!fix || fix->nops || !fix->nedits) return NULL;
    json_t *changes = json_array();
    json_t *replacements = NULL;
    const char *current = NULL;
    for (size_t i = 0; i < fix->nedits; i++) {
        const svc_edit *e = &fix->edits[i];
        if (!current || strcmp(current, e->path) != 0) {
            json_t *change = json_object();
            json_object_set_new(change, "artifactLocation", sarif_artifact(e->path));
            replacements = json_array();
            json_object_set_new(change, "replacements", replacements);
            json_array_append_new(changes, change);
            current = e->path;
        }
        json_t *deleted = json_object();
        json_object_set_new(deleted, "byteOffset", json_integer(e->start));
        json_object_set_new(deleted, "byteLength", json_integer(e->end >= e->start ? e->end - e->start : 0));
        json_t *rep = json_object();
        json_object_set_new(rep, "deletedRegion", deleted);
        json_object_set_new(rep, "insertedContent", sarif_text(e->text ? e->text : ""));
        json_array_append_new(replacements, rep);
    }
    json_t *f = json_object();
    json_object_set_new(f, "description", sarif_text(fix->message));
    json_object_set_new(f, "artifactChanges", changes);
    json_t *fixes = json_array();
    json_array_append_new(fixes, f);
    return fixes;
}

static char *render_sarif(const svc_diagnostics *d, const svc_report_options *opts)
{
    size_t nrules;
    const svc_rule *rules = svc_rules(&nrules);

    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("svcscope"));
    json_object_set_new(driver, "version", jstr(tool_version(opts)));
    json_object_set_new(driver, "informationUri", json_string(SVC_INFORMATION_URI));
    json_t *jrules = json_array();
    for (size_t i = 0; i < nrules; i++) json_array_append_new(jrules, sarif_rule(&rules[i]));
    json_object_set_new(driver, "rules", jrules);
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", driver);

    json_t *results = json_array();
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        const svc_rule *r = x->rule;
        if (!(r >= rules && r < rules + nrules)) r = svc_rule_by_code(x->rule->code);
        position p = position_of(x);
        json_t *o = json_object();
        json_object_set_new(o, "ruleId", json_string(x->rule->code));
        if (r) json_object_set_new(o, "ruleIndex", json_integer((json_int_t)(r - rules)));
        json_object_set_new(o, "level", json_string(sarif_level(x->severity)));
        json_object_set_new(o, "message", sarif_text(x->message));
        json_t *region = json_object();
        json_object_set_new(region, "startLine", json_integer((json_int_t)p.row));
        json_object_set_new(region, "startColumn", json_integer((json_int_t)p.col));
        json_object_set_new(region, "endLine", json_integer((json_int_t)p.end_row));
        json_object_set_new(region, "endColumn", json_integer((json_int_t)p.end_col));
        json_t *physical = json_object();
        json_object_set_new(physical, "artifactLocation", sarif_artifact(x->path));
        json_object_set_new(physical, "region", region);
        json_t *location = json_object();
        json_object_set_new(location, "physicalLocation", physical);
        json_t *locations = json_array();
        json_array_append_new(locations, location);
        json_object_set_new(o, "locations", locations);
        json_t *fixes = sarif_fixes(x->fix);
        if (fixes) json_object_set_new(o, "fixes", fixes);
        json_array_append_new(results, o);
    }

    json_t *run = json_object();
    json_object_set_new(run, "tool", tool);
    /* Our columns count code points, not SARIF's default UTF-16 code units. */
    json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
    json_object_set_new(run, "results", results);
    json_t *runs = json_array();
    json_array_append_new(runs, run);

    json_t *root = json_object();
    json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
    json_object_set_new(root, "version", json_string("2.1.0"));
    json_object_set_new(root, "runs", runs);
    return dump_json(root);
}

/* ---- GitHub workflow annotations ----------------------------------------------------- */

/* GitHub's escaping: data escapes %, CR, LF; property values also ':' and ','. */
static void github_escape(svc_buf *b, const char *s, bool property)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '%': svc_buf_puts(b, "%25"); break;
        case '\r': svc_buf_puts(b, "%0D"); break;
        case '\n': svc_buf_puts(b, "%0A"); break;
        case ':':
            if (property) svc_buf_puts(b, "%3A");
            else svc_buf_putc(b, ':');
            break;
        case ',':
            if (property) svc_buf_puts(b, "%2C");
            else svc_buf_putc(b, ',');
            break;
        default: svc_buf_putc(b, *s);
        }
    }
}

static char *render_github(const svc_diagnostics *d)
{
    svc_buf b = { 0 };
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        position p = position_of(x);
        const char *command = x->severity == SVC_SEVERITY_ERROR     ? "error"
                              : x->severity == SVC_SEVERITY_WARNING ? "warning"
                                                                    : "notice";
        svc_buf_printf(&b, "::%s file=", command);
        github_escape(&b, x->path, true);
        svc_buf_printf(&b, ",line=%lu,col=%lu,endLine=%lu,endColumn=%lu,title=", p.row, p.col, p.end_row, p.end_col);
        char *title = svc_xasprintf("%s [%s]", x->rule->code, x->rule->name);
        github_escape(&b, title, true);
        free(title);
        svc_buf_puts(&b, "::");
        github_escape(&b, x->message, false);
        svc_buf_putc(&b, '\n');
    }
    return svc_buf_detach(&b);
}

char *svc_report_render(const svc_model *m, const svc_diagnostics *d, svc_format format,
                        const svc_report_options *opts)
{
    (void)m;
    static const svc_diagnostics none = { 0 };
    if (!d) d = &none;
    switch (format) {
    case SVC_FORMAT_TEXT: return render_text(d, opts && opts->color);
    case SVC_FORMAT_JSON: return render_json(d);
    case SVC_FORMAT_SARIF: return render_sarif(d, opts);
    case SVC_FORMAT_GITHUB: return render_github(d);
    }
    return render_text(d, false);
}
