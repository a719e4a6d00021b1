/*
 * textDocument/codeAction: for each finding in the range asked about, its fix as a quick fix (the
 * core's fixes, as `svcscope fix` applies them; safe ones preferred, unsafe ones say so),
 * "add `# noqa: CODE`" on its line, and when the file has other findings of its rule with safe
 * fixes, "fix all CODE in this file". Edits become a WorkspaceEdit: `changes` for text edits
 * alone, `documentChanges` when the fix also creates or moves files (edits first, as the core
 * names files before its own moves).
 */
#include <stdlib.h>
#include <string.h>

#include "lsp/diagnostics.h"
#include "lsp/server.h"
#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

/* The text of a repo-relative path as the model read it ("" for a file the model does not have). */
static char *text_of_path(lsp_server *s, const char *path, size_t *len)
{
    long file = svc_model_file(s->ws.model, path);
    if (file >= 0) return lsp_workspace_text(&s->ws, (size_t)file, len);
    *len = 0;
    return svc_xstrdup("");
}

static json_t *text_edit(lsp_server *s, const char *text, size_t len, uint32_t start, uint32_t end, const char *with)
{
    uint32_t line, character, end_line, end_character;
    lsp_byte_to_position(text, len, s->encoding, start, &line, &character);
    lsp_byte_to_position(text, len, s->encoding, end, &end_line, &end_character);
    return json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", (json_int_t)line, "character",
                     (json_int_t)character, "end", "line", (json_int_t)end_line, "character", (json_int_t)end_character,
                     "newText", with);
}

/* uri -> [TextEdit] of a fix's edits (sorted by path, so each file's text is read once). */
static json_t *edits_by_uri(lsp_server *s, const svc_fix *fix)
{
    json_t *changes = json_object();
    for (size_t i = 0; i < fix->nedits;) {
        const char *path = fix->edits[i].path;
        size_t len;
        char *text = text_of_path(s, path, &len);
        char *uri = lsp_workspace_uri(&s->ws, path);
        json_t *list = json_array();
        for (; i < fix->nedits && strcmp(fix->edits[i].path, path) == 0; i++)
            json_array_append_new(list, text_edit(s, text, len, fix->edits[i].start, fix->edits[i].end,
                                                  fix->edits[i].text));
        json_object_set_new(changes, uri, list);
        free(uri);
        free(text);
    }
    return changes;
}

static json_t *workspace_edit(lsp_server *s, const svc_fix *fix)
{
    json_t *changes = edits_by_uri(s, fix);
    if (!fix->nops) return json_pack("{s:o}", "changes", changes);
    json_t *document_changes = json_array();
    const char *uri;
    json_t *list;
    json_object_foreach(changes, uri, list)
        json_array_append_new(document_changes, json_pack("{s:{s:s, s:n}, s:O}", "textDocument", "uri", uri, "version",
                                                          "edits", list));
    json_decref(changes);
    for (size_t i = 0; i < fix->nops; i++) {
        const svc_file_op *op = &fix->ops[i];
        char *from = lsp_workspace_uri(&s->ws, op->path);
        if (op->kind == SVC_FILE_MOVE) {
            char *to = lsp_workspace_uri(&s->ws, op->to);
            json_array_append_new(document_changes, json_pack("{s:s, s:s, s:s}", "kind", "rename", "oldUri", from, "newUri", to));
            free(to);
        } else {
            json_array_append_new(document_changes, json_pack("{s:s, s:s, s:{s:b}}", "kind", "create", "uri", from,
                                                              "options", "ignoreIfExists", 1));
            if (op->content && *op->content)
                json_array_append_new(document_changes,
                                      json_pack("{s:{s:s, s:n}, s:[o]}", "textDocument", "uri", from, "version", "edits",
                                                text_edit(s, "", 0, 0, 0, op->content)));
        }
        free(from);
    }
    return json_pack("{s:o}", "documentChanges", document_changes);
}

/* `# noqa: CODE` at the end of the finding's first line, or `, CODE` after the codes of one there. */
static json_t *noqa_edit(lsp_server *s, const svc_diagnostic *d, const char *text, size_t len)
{
    const svc_noqa *noqa = svc_facts_noqa_at(s->ws.model->files[d->file].facts, d->span.row);
    uint32_t at;
    char *insert;
    if (noqa && !noqa->all && noqa->ncodes) {
        at = noqa->span.end_byte;
        insert = svc_xasprintf(", %s", d->rule->code);
    } else {
        size_t start = lsp_position_to_byte(text, len, LSP_ENCODING_UTF8, d->span.row, 0);
        size_t end = start;
        while (end < len && text[end] != '\n' && text[end] != '\r') end++;
        at = (uint32_t)end;
        insert = svc_xasprintf("  # noqa: %s", d->rule->code);
    }
    char *uri = lsp_workspace_uri(&s->ws, d->path);
    json_t *edit = json_pack("{s:{s:[o]}}", "changes", uri, text_edit(s, text, len, at, at, insert));
    free(uri);
    free(insert);
    return edit;
}

static int compare_edits(const void *a, const void *b)
{
    const svc_edit *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c) return c;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static bool same_edit(const svc_edit *a, const svc_edit *b)
{
    return strcmp(a->path, b->path) == 0 && a->start == b->start && a->end == b->end && strcmp(a->text, b->text) == 0;
}

/* Two different edits that touch the same bytes (or insert at the same place). */
static bool clash(const svc_edit *a, const svc_edit *b)
{
    if (strcmp(a->path, b->path) != 0 || same_edit(a, b)) return false;
    if (a->start == a->end && b->start == b->end) return a->start == b->start;
    return a->start < b->end && b->start < a->end;
}

/*
 * The safe fixes of `rule`'s findings in the file that edit text only, as one action: a fix whose
 * edits clash with those of a fix taken before is left out whole and identical edits are made
 * once, as `svcscope fix` merges a batch. NULL when fewer than two fixes are taken.
 */
static json_t *fix_all_action(lsp_server *s, const lsp_target *t, const svc_rule *rule)
{
    const svc_diagnostics *diags = s->ws.diags;
    SVC_VEC(svc_edit) taken = { 0 };
    json_t *covered = json_array();
    for (size_t i = 0; i < diags->len; i++) {
        const svc_diagnostic *d = &diags->items[i];
        if (d->file != (long)t->file || d->rule != rule || !d->fix || d->fix->applicability != SVC_FIX_SAFE ||
            d->fix->nops)
            continue;
        bool refused = false;
        for (size_t e = 0; e < d->fix->nedits && !refused; e++)
            for (size_t k = 0; k < taken.len && !refused; k++) refused = clash(&d->fix->edits[e], &taken.items[k]);
        if (refused) continue;
        for (size_t e = 0; e < d->fix->nedits; e++) {
            bool known = false;
            for (size_t k = 0; k < taken.len && !known; k++) known = same_edit(&d->fix->edits[e], &taken.items[k]);
            if (!known) svc_vec_push(&taken, d->fix->edits[e]);
        }
        json_array_append_new(covered, lsp_diagnostic_json(s, d, t->text, t->len));
    }
    json_t *action = NULL;
    if (json_array_size(covered) >= 2) {
        qsort(taken.items, taken.len, sizeof *taken.items, compare_edits);
        svc_fix all = { SVC_FIX_SAFE, NULL, taken.items, taken.len, NULL, 0 };
        char *title = svc_xasprintf("%s: fix all %zu in this file", rule->code, json_array_size(covered));
        action = json_pack("{s:s, s:s, s:O, s:o}", "title", title, "kind", "quickfix", "diagnostics", covered, "edit",
                           workspace_edit(s, &all));
        free(title);
    }
    json_decref(covered);
    svc_vec_free(&taken);
    return action;
}

static bool overlaps(const svc_span *sp, uint32_t row, uint32_t col, uint32_t end_row, uint32_t end_col)
{
    if (sp->end_row < row || (sp->end_row == row && sp->end_col < col)) return false;
    if (sp->row > end_row || (sp->row == end_row && sp->col > end_col)) return false;
    return true;
}

json_t *lsp_code_action(lsp_server *s, json_t *params, lsp_error *err)
{
    lsp_target t;
    if (!lsp_target_of(s, params, false, &t, err)) return err->code ? NULL : json_array();
    json_t *range = json_object_get(params, "range");
    json_t *from = json_object_get(range, "start"), *to = json_object_get(range, "end");
    uint32_t row = (uint32_t)json_integer_value(json_object_get(from, "line"));
    uint32_t end_row = (uint32_t)json_integer_value(json_object_get(to, "line"));
    uint32_t col = lsp_position_to_column(t.text, t.len, s->encoding, row,
                                          (uint32_t)json_integer_value(json_object_get(from, "character")));
    uint32_t end_col = lsp_position_to_column(t.text, t.len, s->encoding, end_row,
                                              (uint32_t)json_integer_value(json_object_get(to, "character")));
    if (row == end_row && col == end_col) {  /* a cursor, not a selection: the findings of its line */
        col = 0;
        end_col = UINT32_MAX;
    }
    svc_diagnostics *diags = s->ws.diags;
    json_t *actions = json_array();
    bool fixes_computed = false;
    SVC_VEC(const svc_rule *) rules = { 0 };  /* of the findings in the range, each once */
    for (size_t i = 0; diags && i < diags->len; i++) {
        svc_diagnostic *d = &diags->items[i];
        if (d->file != (long)t.file || d->is_folder || !overlaps(&d->span, row, col, end_row, end_col)) continue;
        if (!fixes_computed) {
            svc_diagnostics_compute_fixes(s->ws.model, diags);
            fixes_computed = true;
        }
        if (d->fix) {
            bool safe = d->fix->applicability == SVC_FIX_SAFE;
            char *title = svc_xasprintf("%s: %s%s", d->rule->code, d->fix->message, safe ? "" : " (unsafe fix)");
            json_array_append_new(actions, json_pack("{s:s, s:s, s:[o], s:b, s:o}", "title", title, "kind", "quickfix",
                                                     "diagnostics", lsp_diagnostic_json(s, d, t.text, t.len),
                                                     "isPreferred", safe, "edit", workspace_edit(s, d->fix)));
            free(title);
        }
        char *title = svc_xasprintf("%s: add `# noqa: %s`", d->rule->code, d->rule->code);
        json_array_append_new(actions, json_pack("{s:s, s:s, s:[o], s:o}", "title", title, "kind", "quickfix",
                                                 "diagnostics", lsp_diagnostic_json(s, d, t.text, t.len), "edit",
                                                 noqa_edit(s, d, t.text, t.len)));
        free(title);
        bool seen = false;
        for (size_t k = 0; k < rules.len && !seen; k++) seen = rules.items[k] == d->rule;
        if (!seen) svc_vec_push(&rules, d->rule);
    }
    for (size_t k = 0; k < rules.len; k++) {
        json_t *all = fix_all_action(s, &t, rules.items[k]);
        if (all) json_array_append_new(actions, all);
    }
    svc_vec_free(&rules);
    lsp_target_free(&t);
    return actions;
}
