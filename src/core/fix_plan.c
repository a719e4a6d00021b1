/*
 * Planning a fix batch: see fix_plan.h. Each fix is planned whole, in order: its file operations
 * (creates, moves), then its edits, each against the files as they are on disk (read once, and
 * checked to be what the model read) and, when staging, their staged versions; then against the
 * edits of the fixes accepted before it. The accepted fixes' results are then re-parsed, file by
 * file, and a fix that adds a syntax error is dropped (the others of the file are kept).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic_file.h"
#include "core/fix_plan.h"

/* NULL when the path is a plain relative path inside the project, else why not. */
static const char *path_problem(const char *p)
{
    if (!p || !*p) return "an empty path";
    if (p[0] == '/') return "an absolute path";
    const char *s = p;
    for (;;) {
        size_t n = strcspn(s, "/");
        if (n == 0) return "an empty folder name in the path";
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return "a path that leaves the project";
        if (n == 4 && strncmp(s, ".git", 4) == 0) return "a path inside .git";
        if (!s[n]) break;
        s += n + 1;
    }
    return NULL;
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *out = svc_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(out, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    return out;
}

static void say(svc_fix_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(svc_fix_plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    svc_vec_push(&p->messages, vformat(fmt, ap));
    va_end(ap);
}

static svc_plan_file *file_for(svc_fix_plan *p, const char *path)
{
    svc_plan_file *fs = svc_map_get(p->by_path, path);
    if (fs) return fs;
    fs = svc_xcalloc(1, sizeof *fs);
    fs->path = svc_xstrdup(path);
    fs->source_idx = fs->model_file = -1;
    svc_vec_push(&p->files, fs);
    svc_map_put(p->by_path, path, fs);
    return fs;
}

static void plan_file_free(svc_plan_file *fs)
{
    free(fs->path);
    free(fs->bad);
    free(fs->bytes);
    free(fs->ix_bad);
    free(fs->ixraw);
    free(fs->ixtext);
    svc_line_map_free(fs->align);
    svc_vec_free(&fs->edits);
    svc_vec_free(&fs->creators);
    free(fs);
}

static bool is_python(const char *path) { return svc_str_ends_with(path, ".py"); }

bool svc_fix_plan_creates(const svc_fix_plan *p, const svc_plan_file *fs)
{
    if (fs->role != SVC_ROLE_CREATED) return false;
    for (size_t i = 0; i < fs->creators.len; i++)
        if (p->accepted[fs->creators.items[i]]) return true;
    return false;
}

static int syntax_errors(const char *path, const char *bytes, size_t len)
{
    const char *slash = strrchr(path, '/');
    bool is_init = strcmp(slash ? slash + 1 : path, "__init__.py") == 0;
    svc_facts *f = svc_facts_extract(path, NULL, is_init, bytes, len);
    int n = (int)f->nerrors;
    svc_facts_free(f);
    return n;
}

static bool same_str(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static bool same_span(const svc_span *a, const svc_span *b) { return memcmp(a, b, sizeof *a) == 0; }

/*
 * Whether two extractions of a file agree on everything they saw: a fingerprint of the bytes
 * (every name and where it is), for files whose git blob id is not known.
 */
static bool same_facts(const svc_facts *a, const svc_facts *b)
{
    if (a->lines != b->lines || a->has_bom != b->has_bom || a->crlf != b->crlf || a->binary != b->binary ||
        a->nimports != b->nimports || a->ndefs != b->ndefs || a->nrefs != b->nrefs || a->ncalls != b->ncalls ||
        a->nassigns != b->nassigns || a->nerrors != b->nerrors || a->nnoqa != b->nnoqa || a->nall != b->nall)
        return false;
    for (size_t i = 0; i < a->nimports; i++) {
        const svc_import *x = &a->imports[i], *y = &b->imports[i];
        if (!same_span(&x->span, &y->span) || !same_span(&x->stmt_span, &y->stmt_span) ||
            !same_str(x->module, y->module) || !same_str(x->name, y->name) || !same_str(x->alias, y->alias))
            return false;
    }
    for (size_t i = 0; i < a->ndefs; i++) {
        const svc_def *x = &a->defs[i], *y = &b->defs[i];
        if (!same_span(&x->span, &y->span) || !same_span(&x->name_span, &y->name_span) ||
            !same_span(&x->body_span, &y->body_span) || !same_str(x->name, y->name) || x->nparams != y->nparams)
            return false;
    }
    for (size_t i = 0; i < a->nrefs; i++)
        if (!same_span(&a->refs[i].span, &b->refs[i].span) || !same_str(a->refs[i].raw, b->refs[i].raw)) return false;
    for (size_t i = 0; i < a->ncalls; i++)
        if (!same_span(&a->calls[i].span, &b->calls[i].span) || a->calls[i].nargs != b->calls[i].nargs) return false;
    for (size_t i = 0; i < a->nassigns; i++)
        if (!same_span(&a->assigns[i].span, &b->assigns[i].span) || !same_str(a->assigns[i].name, b->assigns[i].name))
            return false;
    for (size_t i = 0; i < a->nerrors; i++)
        if (!same_span(&a->errors[i], &b->errors[i])) return false;
    for (size_t i = 0; i < a->nnoqa; i++)
        if (a->noqa[i].row != b->noqa[i].row || a->noqa[i].all != b->noqa[i].all ||
            a->noqa[i].ncodes != b->noqa[i].ncodes)
            return false;
    for (size_t i = 0; i < a->nall; i++)
        if (!same_str(a->all[i], b->all[i])) return false;
    return true;
}

static void set_bad(svc_plan_file *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_bad(svc_plan_file *fs, const char *fmt, ...)
{
    if (fs->bad) return;
    va_list ap;
    va_start(ap, fmt);
    char *why = vformat(fmt, ap);
    va_end(ap);
    fs->bad = svc_xasprintf("%s: %s", fs->path, why);
    free(why);
}

/* Reads the file as it is on disk now (once). */
static void load(svc_fix_plan *p, svc_plan_file *fs)
{
    if (fs->loaded) return;
    fs->loaded = true;
    fs->errors_before = -1;
    fs->ix_errors_before = -1;
    const char *why = path_problem(fs->path);
    if (why) {
        set_bad(fs, "%s; not touched", why);
        return;
    }
    fs->source_idx = svc_source_find(p->model->source, fs->path);
    fs->model_file = svc_model_file(p->model, fs->path);
    /* Every folder on the way must be a real folder (a symlink could lead out of the project). */
    char *rel = svc_xstrdup(fs->path);
    for (char *s = strchr(rel, '/'); s && !fs->bad; s = strchr(s + 1, '/')) {
        *s = '\0';
        char *full = svc_xasprintf("%s/%s", p->root, rel);
        struct stat st;
        if (lstat(full, &st) == 0) {
            if (S_ISLNK(st.st_mode)) set_bad(fs, "the folder %s is a symbolic link; not touched", rel);
            else if (!S_ISDIR(st.st_mode)) set_bad(fs, "%s is not a folder; not touched", rel);
        } else {
            free(full);
            *s = '/';
            break;
        }
        free(full);
        *s = '/';
    }
    free(rel);
    if (fs->bad) return;
    char *full = svc_xasprintf("%s/%s", p->root, fs->path);
    struct stat st;
    if (lstat(full, &st) < 0) {
        if (errno != ENOENT) set_bad(fs, "%s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        set_bad(fs, "not a regular file; not touched");
    } else {
        int e = svc_file_read(full, &fs->bytes, &fs->len, &st);
        if (e == 0) {
            fs->exists = true;
            fs->mode = st.st_mode & 07777;
            fs->st = st;
        } else {
            set_bad(fs, "%s", e == EINVAL ? "not a regular file; not touched" : strerror(e));
        }
    }
    free(full);
}


/* The file exists with the bytes the model read: fixes may edit or move it. */
static bool check_content(svc_fix_plan *p, svc_plan_file *fs)
{
    load(p, fs);
    if (fs->bad) return false;
    if (fs->checked) return true;
    fs->checked = true;
    if (!fs->exists) {
        if (fs->source_idx >= 0) set_bad(fs, SVC_CHANGED_ON_DISK);
        else set_bad(fs, "does not exist");
        return false;
    }
    if (fs->source_idx < 0) {
        set_bad(fs, "not a file svcscope read (ignored, or new since); not touched");
        return false;
    }
    if (!(fs->mode & S_IWUSR)) {
        set_bad(fs, "is read-only (mode %04o); not changed (make it writable first if it should be fixed)",
                (unsigned)fs->mode);
        return false;
    }
    if (p->git) {
        /* git does not look at such a file's work tree: a fix there would be hidden from it (and
         * staging would turn the user's local-only edits into ordinary changes). */
        svc_ix_entry ie;
        svc_git_entry(p->git, fs->path, &ie);
        if (ie.state == SVC_IX_ENTRY && (ie.flags & SVC_IX_SKIP_WORKTREE)) {
            set_bad(fs, "is marked skip-worktree in the git index (git ignores its local changes); left alone "
                        "(git update-index --no-skip-worktree first if it should be fixed)");
            return false;
        }
        if (ie.state == SVC_IX_ENTRY && (ie.flags & SVC_IX_ASSUME_UNCHANGED)) {
            set_bad(fs, "is marked assume-unchanged in the git index (git ignores its local changes); left alone "
                        "(git update-index --no-assume-unchanged first if it should be fixed)");
            return false;
        }
    }
    /* Is it still what the model read? The blob id says so byte for byte when the source knew it;
     * otherwise the stat the source took when it listed the file must not have moved; and the
     * re-parse below must see the same names in the same places. */
    const svc_source_file *sf = svc_source_at(p->model->source, (size_t)fs->source_idx);
    if (sf->size != fs->len) {
        set_bad(fs, SVC_CHANGED_ON_DISK);
        return false;
    }
    bool proven = false;
    if (sf->has_oid && p->git) {
        unsigned char oid[20];
        svc_error e = SVC_ERROR_INIT;
        if (svc_git_hash_worktree(p->git, fs->path, fs->bytes, fs->len, oid, &e) < 0) {
            set_bad(fs, "%s", e.message);
            return false;
        }
        proven = memcmp(oid, sf->oid, 20) == 0;
        /* a blob id from a stat match proves the content, unless the entry was racily clean */
        if (!proven && !svc_git_racily_clean(p->git, fs->path)) {
            set_bad(fs, SVC_CHANGED_ON_DISK);
            return false;
        }
    }
    if (!proven && sf->has_stat) {
        int64_t mtime_ns = (int64_t)fs->st.st_mtim.tv_sec * 1000000000 + fs->st.st_mtim.tv_nsec;
        if (mtime_ns != sf->mtime_ns || (uint64_t)fs->st.st_ino != sf->ino) {
            set_bad(fs, SVC_CHANGED_ON_DISK);
            return false;
        }
    }
    if (fs->model_file >= 0) {
        const svc_file *mf = &p->model->files[fs->model_file];
        if (mf->read_error) {
            set_bad(fs, "could not be read: %s", mf->read_error);
            return false;
        }
        svc_facts *now = svc_facts_extract(mf->path, mf->module, mf->is_init, fs->bytes, fs->len);
        bool same = same_facts(mf->facts, now);
        fs->errors_before = (int)now->nerrors;
        svc_facts_free(now);
        if (!same) {
            set_bad(fs, SVC_CHANGED_ON_DISK);
            return false;
        }
    } else if (is_python(fs->path)) {
        fs->errors_before = syntax_errors(fs->path, fs->bytes, fs->len);
    }
    return true;
}

/* The staged version of a file the fix edits or moves (staging only). */
static bool check_index(svc_fix_plan *p, svc_plan_file *fs)
{
    if (fs->ix_loaded) return !fs->ix_bad;
    fs->ix_loaded = true;
    svc_git_entry(p->git, fs->path, &fs->ix);
    switch (fs->ix.state) {
    case SVC_IX_CONFLICT:
        fs->ix_bad = svc_xasprintf("%s: has merge conflicts in the git index; resolve them first (not fixed)", fs->path);
        return false;
    case SVC_IX_OTHER:
        fs->ix_bad = svc_xasprintf("%s: is not a regular file in the git index; not fixed", fs->path);
        return false;
    case SVC_IX_ABSENT:
        fs->ix_bad = svc_xasprintf("%s: not tracked by git, so it cannot be staged; not fixed "
                                   "(git add it first, or fix without --stage)",
                                   fs->path);
        return false;
    case SVC_IX_ENTRY: break;
    }
    if (fs->ix.flags & SVC_IX_INTENT_TO_ADD) {
        fs->ix_bad = svc_xasprintf("%s: is intent-to-add (git add -N): its content is not staged yet, so a fix "
                                   "cannot be staged alone; not fixed (git add it first, or fix without --stage)",
                                   fs->path);
        return false;
    }
    svc_error e = SVC_ERROR_INIT;
    if (svc_git_blob_raw(p->git, fs->ix.oid, &fs->ixraw, &fs->ixrawlen, &e) < 0 ||
        svc_git_blob_text(p->git, fs->path, fs->ix.oid, &fs->ixtext, &fs->ixtextlen, &e) < 0) {
        fs->ix_bad = svc_xasprintf("%s: %s; not fixed", fs->path, e.message);
        return false;
    }
    /* Filters must give back the staged bytes exactly, or staging would change more than the fix. */
    char *clean = NULL;
    size_t n = 0;
    if (svc_git_clean(p->git, fs->path, fs->ixtext, fs->ixtextlen, &clean, &n, &e) < 0) {
        fs->ix_bad = svc_xasprintf("%s: %s; not fixed", fs->path, e.message);
        return false;
    }
    bool same = n == fs->ixrawlen && memcmp(clean, fs->ixraw, n) == 0;
    free(clean);
    if (!same) {
        fs->ix_bad = svc_xasprintf("%s: its git filters (.gitattributes) do not give back the staged bytes; "
                                   "cannot stage a fix safely (not fixed)",
                                   fs->path);
        return false;
    }
    if (is_python(fs->path)) fs->ix_errors_before = syntax_errors(fs->path, fs->ixtext, fs->ixtextlen);
    return true;
}

/* The line alignment of the work tree bytes with the staged ones (after check_content and check_index). */
static bool align_index(svc_plan_file *fs)
{
    if (fs->align) return true;
    svc_error e = SVC_ERROR_INIT;
    if (svc_stage_align(&fs->align, fs->bytes, fs->len, fs->ixtext, fs->ixtextlen, &e) < 0) {
        free(fs->ix_bad);
        fs->ix_bad = svc_xasprintf("%s: %s; not fixed", fs->path, e.message);
        return false;
    }
    return true;
}

/* A path a fix creates (or moves to) must be free, on disk and in the index. */
static bool check_free(svc_fix_plan *p, svc_plan_file *fs, const char **why)
{
    load(p, fs);
    if (fs->bad) {
        *why = fs->bad;
        return false;
    }
    if (fs->exists) {
        *why = "already exists; not overwritten";
        return false;
    }
    if (p->stage) {
        svc_ix_entry e;
        svc_git_entry(p->git, fs->path, &e);
        if (e.state == SVC_IX_CONFLICT) {
            *why = "has merge conflicts in the git index";
            return false;
        }
        if (e.state != SVC_IX_ABSENT) {
            *why = "is in the git index though not in the work tree (deleted, not staged); restore it or stage "
                   "the deletion first";
            return false;
        }
    }
    return true;
}

static bool overlaps(uint32_t s1, uint32_t e1, uint32_t s2, uint32_t e2)
{
    if (s1 < e2 && s2 < e1) return true;
    return s1 == e1 && s2 == e2 && s1 == s2; /* two insertions at one point: no order */
}

static bool same_edit(const svc_plan_edit *a, const svc_plan_edit *b)
{
    return a->start == b->start && a->end == b->end && a->textlen == b->textlen &&
           memcmp(a->text, b->text, a->textlen) == 0;
}

typedef struct owned_edit {
    svc_plan_file *owner;
    svc_plan_edit e;
} owned_edit;

static int compare_owned(const void *a, const void *b)
{
    const owned_edit *x = a, *y = b;
    int c = strcmp(x->owner->path, y->owner->path);
    if (c) return c;
    if (x->e.start != y->e.start) return x->e.start < y->e.start ? -1 : 1;
    if (x->e.end != y->e.end) return x->e.end < y->e.end ? -1 : 1;
    return 0;
}

static int compare_pedit(const void *a, const void *b)
{
    const svc_plan_edit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->fix < y->fix ? -1 : x->fix > y->fix;
}

typedef struct fix_check {
    svc_fix_plan *p;
    size_t k;
    const svc_fix *fx;
    bool refused;
} fix_check;

static void refuse(fix_check *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(fix_check *c, const char *path, const char *fmt, ...)
{
    if (c->refused) return;
    c->refused = true;
    va_list ap;
    va_start(ap, fmt);
    char *why = vformat(fmt, ap);
    va_end(ap);
    say(c->p, "%s: %s (fix: %s)", path ? path : "?", why, c->fx->message ? c->fx->message : "unnamed");
    free(why);
}

/* A file-level refusal (changed on disk, untracked with --stage...): said once per file; later
 * fixes touching the file are skipped quietly. */
static void refuse_file(fix_check *c, svc_plan_file *fs, bool index_side)
{
    if (c->refused) return;
    c->refused = true;
    bool *said = index_side ? &fs->ix_bad_said : &fs->bad_said;
    if (!*said) say(c->p, "%s", index_side ? fs->ix_bad : fs->bad);
    *said = true;
}

static bool plan_fix(svc_fix_plan *p, size_t k)
{
    const svc_fix *fx = p->fixes[k];
    fix_check c = { p, k, fx, false };
    SVC_VEC(owned_edit) mine = { 0 };
    /* Roles this fix takes, applied only when it is accepted. */
    SVC_VEC(svc_plan_file *) creates = { 0 };
    SVC_VEC(svc_plan_file *) shared_creates = { 0 };
    SVC_VEC(svc_plan_file *) move_from = { 0 };
    SVC_VEC(svc_plan_file *) move_to = { 0 };

    if (!fx || (fx->nedits == 0 && fx->nops == 0)) {
        c.refused = true;
        say(p, "?: an empty fix; nothing to apply (fix: %s)", fx && fx->message ? fx->message : "unnamed");
        goto done;
    }
    for (size_t i = 0; i < fx->nops && !c.refused; i++) {
        const svc_file_op *op = &fx->ops[i];
        const char *why = path_problem(op->path);
        if (why) {
            refuse(&c, op->path, "%s", why);
            break;
        }
        svc_plan_file *fs = file_for(p, op->path);
        if (op->kind == SVC_FILE_CREATE) {
            const char *content = op->content ? op->content : "";
            if (fs->role == SVC_ROLE_CREATED && strcmp(fs->content, content) == 0) {
                /* the same file with the same content, made by an earlier fix too: made once */
                bool again = false;
                for (size_t j = 0; j < shared_creates.len; j++) again |= shared_creates.items[j] == fs;
                if (!again) svc_vec_push(&shared_creates, fs);
                continue;
            }
            bool taken = fs->role != SVC_ROLE_NONE || fs->edits.len > 0;
            for (size_t j = 0; j < creates.len; j++) taken |= creates.items[j] == fs;
            for (size_t j = 0; j < move_to.len; j++) taken |= move_to.items[j] == fs;
            if (taken) {
                refuse(&c, op->path, "another fix already changes this path; run svcscope fix again");
                break;
            }
            if (!check_free(p, fs, &why)) {
                if (why == fs->bad) refuse_file(&c, fs, false);
                else refuse(&c, op->path, "%s", why);
                break;
            }
            svc_vec_push(&creates, fs);
        } else {
            const char *wto = path_problem(op->to);
            if (wto) {
                refuse(&c, op->to ? op->to : "?", "%s", wto);
                break;
            }
            svc_plan_file *to = file_for(p, op->to);
            bool taken = fs->role != SVC_ROLE_NONE || to->role != SVC_ROLE_NONE || to->edits.len > 0 || fs == to;
            for (size_t j = 0; j < move_from.len; j++) taken |= move_from.items[j] == fs || move_to.items[j] == to ||
                                                                 move_to.items[j] == fs || move_from.items[j] == to;
            for (size_t j = 0; j < creates.len; j++) taken |= creates.items[j] == fs || creates.items[j] == to;
            if (taken) {
                refuse(&c, op->path, "another fix already moves or creates this path; run svcscope fix again");
                break;
            }
            if (!check_content(p, fs)) {
                refuse_file(&c, fs, false);
                break;
            }
            if (p->stage && !check_index(p, fs)) {
                refuse_file(&c, fs, true);
                break;
            }
            if (!check_free(p, to, &why)) {
                if (why == to->bad) refuse_file(&c, to, false);
                else refuse(&c, op->to, "%s", why);
                break;
            }
            svc_vec_push(&move_from, fs);
            svc_vec_push(&move_to, to);
        }
    }

    for (size_t i = 0; i < fx->nedits && !c.refused; i++) {
        const svc_edit *e = &fx->edits[i];
        const char *why = path_problem(e->path);
        if (why) {
            refuse(&c, e->path, "%s", why);
            break;
        }
        svc_plan_file *fs = file_for(p, e->path);
        svc_plan_file *owner = fs;
        for (size_t j = 0; j < move_to.len; j++)
            if (move_to.items[j] == fs) owner = move_from.items[j];
        bool created = fs->role == SVC_ROLE_CREATED;
        for (size_t j = 0; j < creates.len; j++) created |= creates.items[j] == fs;
        if (created) {
            refuse(&c, e->path, "edits a file that a fix creates; give the content to the create instead");
            break;
        }
        if (owner == fs && fs->role == SVC_ROLE_MOVE_TARGET) {
            refuse(&c, e->path, "edits a file another fix moves here; run svcscope fix again");
            break;
        }
        if (!check_content(p, owner)) {
            refuse_file(&c, owner, false);
            break;
        }
        if (e->start > e->end || e->end > owner->len) {
            refuse(&c, e->path, "the edit's range %u..%u is outside the file (%zu bytes); not applied", e->start,
                   e->end, owner->len);
            break;
        }
        owned_edit oe = { owner, { k, e->start, e->end, e->start, e->end, e->text ? e->text : "", 0 } };
        oe.e.textlen = strlen(oe.e.text);
        if (p->stage) {
            if (!check_index(p, owner) || !align_index(owner)) {
                refuse_file(&c, owner, true);
                break;
            }
            const char *mwhy = NULL;
            bool whole_lines = oe.e.textlen && oe.e.text[oe.e.textlen - 1] == '\n';
            if (!svc_stage_map_edit(owner->align, e->start, e->end, whole_lines, &oe.e.ix_start, &oe.e.ix_end, &mwhy)) {
                uint32_t row = 1;
                for (uint32_t b = 0; b < e->start && b < owner->len; b++) row += owner->bytes[b] == '\n';
                refuse(&c, owner->path, "the fix cannot be staged alone: %s (line %u); not fixed "
                       "(stage or stash your changes to this file first)", mwhy, row);
                break;
            }
        }
        svc_vec_push(&mine, oe);
    }
    if (c.refused) goto done;

    /* Its own edits must not overlap; nor those of fixes accepted before (identical ones are shared). */
    if (mine.len > 1) qsort(mine.items, mine.len, sizeof *mine.items, compare_owned);
    for (size_t i = 1; i < mine.len && !c.refused; i++) {
        const owned_edit *a = &mine.items[i - 1], *b = &mine.items[i];
        if (a->owner == b->owner && overlaps(a->e.start, a->e.end, b->e.start, b->e.end))
            refuse(&c, a->owner->path, "the fix's own edits overlap; not applied");
        else if (p->stage && a->owner == b->owner &&
                 (b->e.ix_start < a->e.ix_end || overlaps(a->e.ix_start, a->e.ix_end, b->e.ix_start, b->e.ix_end)))
            refuse(&c, a->owner->path, "the fix's edits do not map onto the staged version in order; not fixed "
                   "(stage or stash your changes to this file first)");
    }
    for (size_t i = 0; i < mine.len && !c.refused; i++) {
        owned_edit *oe = &mine.items[i];
        for (size_t j = 0; j < oe->owner->edits.len && !c.refused; j++) {
            const svc_plan_edit *other = &oe->owner->edits.items[j];
            if (!p->accepted[other->fix] || same_edit(&oe->e, other)) continue;
            if (overlaps(oe->e.start, oe->e.end, other->start, other->end) ||
                (p->stage && overlaps(oe->e.ix_start, oe->e.ix_end, other->ix_start, other->ix_end)))
                refuse(&c, oe->owner->path, "overlaps the edits of an earlier fix; run svcscope fix again to apply it");
        }
    }
    if (c.refused) goto done;

    /* Accepted. */
    /* Identical edits of two fixes are kept both and applied once (see svc_fix_plan_live_edits). */
    for (size_t i = 0; i < mine.len; i++) svc_vec_push(&mine.items[i].owner->edits, mine.items[i].e);
    for (size_t i = 0; i < creates.len; i++) {
        svc_plan_file *fs = creates.items[i];
        fs->role = SVC_ROLE_CREATED;
        fs->role_fix = k;
        svc_vec_push(&fs->creators, k);
        for (size_t j = 0; j < fx->nops; j++)
            if (fx->ops[j].kind == SVC_FILE_CREATE && strcmp(fx->ops[j].path, fs->path) == 0)
                fs->content = fx->ops[j].content ? fx->ops[j].content : "";
    }
    for (size_t i = 0; i < shared_creates.len; i++) svc_vec_push(&shared_creates.items[i]->creators, k);
    for (size_t i = 0; i < move_from.len; i++) {
        move_from.items[i]->role = SVC_ROLE_MOVED_AWAY;
        move_from.items[i]->role_fix = k;
        move_from.items[i]->peer = move_to.items[i];
        move_to.items[i]->role = SVC_ROLE_MOVE_TARGET;
        move_to.items[i]->role_fix = k;
        move_to.items[i]->peer = move_from.items[i];
    }
    p->accepted[k] = true;
done:
    if (c.refused) p->skipped++;
    svc_vec_free(&mine);
    svc_vec_free(&creates);
    svc_vec_free(&shared_creates);
    svc_vec_free(&move_from);
    svc_vec_free(&move_to);
    return !c.refused;
}

void svc_fix_plan_live_edits(const svc_fix_plan *p, const svc_plan_file *fs, bool index_side, const bool *off,
                             size_t upto, svc_plan_edits *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < fs->edits.len; i++) {
        const svc_plan_edit *e = &fs->edits.items[i];
        if (!p->accepted[e->fix] || (off && off[e->fix])) continue;
        if (upto != (size_t)-1 && e->fix > upto) continue;
        svc_plan_edit x = *e;
        if (index_side) {
            x.start = e->ix_start;
            x.end = e->ix_end;
        }
        svc_vec_push(out, x);
    }
    if (out->len > 1) qsort(out->items, out->len, sizeof *out->items, compare_pedit);
    size_t kept = 0;
    for (size_t i = 0; i < out->len; i++)
        if (!kept || !same_edit(&out->items[kept - 1], &out->items[i])) out->items[kept++] = out->items[i];
    out->len = kept;
}

char *svc_fix_plan_spliced(const svc_fix_plan *p, const svc_plan_file *fs, bool index_side, const bool *off,
                           size_t upto, size_t *outlen)
{
    const char *base = index_side ? fs->ixtext : fs->bytes;
    size_t baselen = index_side ? fs->ixtextlen : fs->len;
    svc_plan_edits list;
    svc_fix_plan_live_edits(p, fs, index_side, off, upto, &list);
    svc_buf b = { 0 };
    size_t at = 0;
    for (size_t i = 0; i < list.len; i++) {
        svc_buf_append(&b, base + at, list.items[i].start - at);
        svc_buf_append(&b, list.items[i].text, list.items[i].textlen);
        at = list.items[i].end;
    }
    svc_buf_append(&b, base + at, baselen - at);
    svc_vec_free(&list);
    *outlen = b.len;
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

/* The path a file's content ends at (its move target when moved). */
static const char *final_path(const svc_plan_file *fs, const svc_fix_plan *p)
{
    if (fs->role == SVC_ROLE_MOVED_AWAY && p->accepted[fs->role_fix]) return fs->peer->path;
    return fs->path;
}

static void reject(svc_fix_plan *p, size_t k, const char *path, const char *what, int line)
{
    p->accepted[k] = false;
    p->skipped++;
    const svc_fix *fx = p->fixes[k];
    say(p, "%s: the fix would add a syntax error%s near line %d; rolled back, not applied (fix: %s)", path, what,
        line, fx->message ? fx->message : "unnamed");
}

/* The 1-based line of the first syntax error in bytes, for the message. */
static int first_error_line(const char *path, const char *bytes, size_t len)
{
    const char *slash = strrchr(path, '/');
    bool is_init = strcmp(slash ? slash + 1 : path, "__init__.py") == 0;
    svc_facts *f = svc_facts_extract(path, NULL, is_init, bytes, len);
    int line = f->nerrors ? (int)f->errors[0].row + 1 : 0;
    svc_facts_free(f);
    return line;
}

/*
 * Drops fixes whose result parses with more errors than the file had, trying the fixes of a
 * file one by one in order so that one bad fix does not take the good ones with it.
 */
static bool check_one_side(svc_fix_plan *p, svc_plan_file *fs, bool index_side)
{
    int before = index_side ? fs->ix_errors_before : fs->errors_before;
    const char *path = final_path(fs, p);
    if (!is_python(path) || before < 0) return false;
    size_t n = 0;
    char *all = svc_fix_plan_spliced(p, fs, index_side, NULL, (size_t)-1, &n);
    int now = syntax_errors(path, all, n);
    free(all);
    if (now <= before) return false;
    bool *off = svc_xcalloc(p->nfixes, sizeof *off);
    bool changed = false;
    for (size_t k = 0; k < p->nfixes; k++) {
        if (!p->accepted[k]) continue;
        bool touches = false;
        for (size_t i = 0; i < fs->edits.len && !touches; i++) touches = fs->edits.items[i].fix == k;
        if (!touches) continue;
        char *upto = svc_fix_plan_spliced(p, fs, index_side, off, k, &n);
        int errs = syntax_errors(path, upto, n);
        if (errs > before) {
            reject(p, k, path, index_side ? " to the staged version" : "", first_error_line(path, upto, n));
            off[k] = true;
            changed = true;
        }
        free(upto);
    }
    free(off);
    return changed;
}

static void check_syntax(svc_fix_plan *p)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < p->files.len; i++) {
            svc_plan_file *fs = p->files.items[i];
            if (svc_fix_plan_creates(p, fs) && is_python(fs->path) &&
                syntax_errors(fs->path, fs->content, strlen(fs->content)) > 0) {
                for (size_t c = 0; c < fs->creators.len; c++)
                    if (p->accepted[fs->creators.items[c]])
                        reject(p, fs->creators.items[c], fs->path, " (in the file it creates)",
                               first_error_line(fs->path, fs->content, strlen(fs->content)));
                changed = true;
            }
            if (!fs->edits.len) continue;
            changed |= check_one_side(p, fs, false);
            if (p->stage) changed |= check_one_side(p, fs, true);
        }
    }
}

static void plan_init(svc_fix_plan *p, const svc_model *model, const svc_fix *const *fixes, size_t nfixes, bool stage)
{
    memset(p, 0, sizeof *p);
    p->model = model;
    p->root = svc_source_root(model->source);
    p->stage = stage;
    p->fixes = fixes;
    p->nfixes = nfixes;
    p->accepted = svc_xcalloc(nfixes ? nfixes : 1, sizeof *p->accepted);
    p->by_path = svc_map_new();
}

void svc_fix_plan_free(svc_fix_plan *p)
{
    for (size_t i = 0; i < p->files.len; i++) plan_file_free(p->files.items[i]);
    svc_vec_free(&p->files);
    svc_map_free(p->by_path);
    for (size_t i = 0; i < p->messages.len; i++) free(p->messages.items[i]);
    svc_vec_free(&p->messages);
    free(p->accepted);
    svc_git_free(p->git);
}

void svc_fix_plan_run(svc_fix_plan *p)
{
    for (size_t k = 0; k < p->nfixes; k++) plan_fix(p, k);
    check_syntax(p);
}

int svc_fix_plan_open(svc_fix_plan *p, const svc_model *model, const svc_fix *const *fixes, size_t nfixes,
                      bool stage, svc_error *err)
{
    plan_init(p, model, fixes, nfixes, stage);
    if (svc_source_kind_of(model->source) != SVC_SOURCE_WORKTREE)
        return svc_error_set(err, SVC_EUSAGE,
                             "fixes apply to the work tree, but this model was read from the %s; nothing was changed",
                             svc_source_kind_of(model->source) == SVC_SOURCE_INDEX ? "index" : "a commit");
    if (svc_source_is_git(model->source)) {
        svc_error ignored = SVC_ERROR_INIT;
        if (svc_git_open(&p->git, p->root, &ignored) < 0) p->git = NULL;
    }
    if (stage && !p->git)
        return svc_error_set(err, SVC_EUSAGE, "%s: --stage needs a git repository; nothing was changed", p->root);
    return 0;
}
