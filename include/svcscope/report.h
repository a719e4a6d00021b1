/* Presenting diagnostics: text, JSON, SARIF 2.1.0, GitHub annotations; and baselines. */
#ifndef SVCSCOPE_REPORT_H
#define SVCSCOPE_REPORT_H

#include <stdbool.h>
#include "svcscope/error.h"
#include "svcscope/model.h"
#include "svcscope/rules.h"

typedef enum svc_format {
    SVC_FORMAT_TEXT,
    SVC_FORMAT_JSON,
    SVC_FORMAT_SARIF,
    SVC_FORMAT_GITHUB,
} svc_format;

bool svc_format_parse(const char *text, svc_format *out);
/* True when the format shows fixes (text: the fixable count; JSON and SARIF: the fixes), so the
 * caller computes them first (svc_diagnostics_compute_fixes); false for GitHub annotations. */
bool svc_format_shows_fixes(svc_format format);

typedef struct svc_report_options {
    bool color;               /* ANSI colour in text output (caller decides: tty and no NO_COLOR) */
    const char *version;      /* tool version for SARIF */
} svc_report_options;

/* Documentation URL of a rule (the "url" field of JSON and SARIF). */
const char *svc_rule_url(const svc_rule *rule);
/* A rule explained as `svcscope rules CODE` prints it and the explorer's `i` shows it: code,
 * name, severity, summary, why, the flagged and the good example (indented four spaces), the fix,
 * how to suppress it and its docs. Malloc'd. */
char *svc_rule_explanation(const svc_rule *rule);

/* Renders diagnostics; malloc'd text. Shows the fixes computed so far (see svc_format_shows_fixes). */
char *svc_report_render(const svc_model *m, const svc_diagnostics *d, svc_format format,
                        const svc_report_options *opts);

/* ---- baselines: today's violations, so only new ones are reported ---- */

typedef struct svc_baseline svc_baseline;

/* Writes a baseline of `d` to `path` atomically (JSON). */
int svc_baseline_write(const char *path, const svc_model *m, const svc_diagnostics *d, svc_error *err);
int svc_baseline_load(svc_baseline **out, const char *path, svc_error *err);
/* Removes from `d` every finding the baseline records, matching on (code, path, enclosing
 * definition, normalised source line) so that findings on shifted lines still match. Each
 * baseline entry absorbs at most as many findings as it recorded. */
void svc_baseline_filter(const svc_baseline *b, const svc_model *m, svc_diagnostics *d);
void svc_baseline_free(svc_baseline *b);

#endif
