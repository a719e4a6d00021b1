/*
 * Applying fixes to the work tree (and, through stage.c, to the index), previewing them as a
 * unified diff, and undoing the last batch.
 *
 * The promise: never lose a user's data. So, in order:
 *  1. plan: every fix is checked on its own against the files as they are on disk now (the
 *     bytes must be the ones the model read), against the fixes accepted before it (overlapping
 *     edits: the later fix is skipped) and, with --stage, against the index (the edits must
 *     apply to the staged version too, or nothing of the fix is applied);
 *  2. re-parse: a fix whose result has more syntax errors than before is dropped;
 *  3. record: the before and after bytes (work tree and index) go to the undo record first;
 *  4. write: atomic per file (temp file in the same folder, fsync, mode kept, rename, fsync the
 *     folder); the index last, one entry per changed path. Any failure rolls back what was
 *     written, so a batch is applied whole or not at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/fix_internal.h"
#include "core/undo_log.h"
#include "svcscope/fix.h"
#include "svcscope/quote.h"
#include "svcscope/util.h"

typedef SVC_VEC(char *) strvec;

static void strvec_free(strvec *v)
{
    for (size_t i = 0; i < v->len; i++) free(v->items[i]);
    svc_vec_free(v);
}

/* mkdir -p of `path`'s folders under `root`; appends the folders it made (root-relative). */
static int make_parents(const char *root, const char *path, strvec *made, svc_error *err)
{
    char *rel = svc_xstrdup(path);
    int rc = 0;
    for (char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        char *full = svc_xasprintf("%s/%s", root, rel);
        if (mkdir(full, 0777) == 0) {
            svc_vec_push(made, svc_xstrdup(rel));
            char *parent = svc_file_dir_of(full);
            svc_file_fsync_dir(parent);
            free(parent);
        } else if (errno != EEXIST) {
            rc = svc_error_set(err, SVC_EIO, "%s: cannot create the folder: %s", full, strerror(errno));
        } else {
            struct stat st;
            if (lstat(full, &st) < 0 || !S_ISDIR(st.st_mode))
                rc = svc_error_set(err, SVC_EUNSAFE, "%s: not a folder", full);
        }
        free(full);
        *s = '/';
        if (rc < 0) break;
    }
    free(rel);
    return rc;
}

static mode_t default_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

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

/* ---- the plan ------------------------------------------------------------------------------ */

typedef struct pedit {
    size_t fix;
    uint32_t start, end;       /* in the work tree bytes of the owner */
    uint32_t ix_start, ix_end; /* in its staged version (checked-out form), when staging */
    const char *text;
    size_t textlen;
} pedit;

typedef enum frole {
    ROLE_NONE,        /* edited in place, or not at all */
    ROLE_CREATED,     /* made by a fix */
    ROLE_MOVED_AWAY,  /* moved by a fix to `peer`; still owns the edits */
    ROLE_MOVE_TARGET, /* where `peer` goes */
} frole;

typedef struct fstate {
    char *path;
    bool loaded, checked;
    char *bad;                 /* why the file cannot be touched; said once */
    bool bad_said;
    bool exists;
    char *bytes;               /* as on disk now (checked equal to what the model read) */
    size_t len;
    mode_t mode;
    struct stat st;            /* when read */
    long source_idx, model_file;
    int errors_before;
    bool ix_loaded;
    char *ix_bad;
    bool ix_bad_said;
    svc_ix_entry ix;
    char *ixraw, *ixtext;      /* the staged blob, raw and checked out */
    size_t ixrawlen, ixtextlen;
    svc_line_map *align;       /* work tree lines -> staged lines */
    int ix_errors_before;
    frole role;
    size_t role_fix;
    struct fstate *peer;
    const char *content;       /* ROLE_CREATED */
    SVC_VEC(size_t) creators;  /* ROLE_CREATED: the fixes creating it (identical creates are shared) */
    SVC_VEC(pedit) edits;      /* accepted, sorted by start */
} fstate;

typedef struct plan {
    const svc_model *model;
    const char *root;
    svc_git *git;
    bool stage;
    const svc_fix *const *fixes;
    size_t nfixes;
    bool *accepted;
    SVC_VEC(fstate *) files;
    svc_map *by_path;
    strvec messages;
    size_t skipped;
} plan;

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

static void say(plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    svc_vec_push(&p->messages, vformat(fmt, ap));
    va_end(ap);
}

static fstate *file_for(plan *p, const char *path)
{
    fstate *fs = svc_map_get(p->by_path, path);
    if (fs) return fs;
    fs = svc_xcalloc(1, sizeof *fs);
    fs->path = svc_xstrdup(path);
    fs->source_idx = fs->model_file = -1;
    svc_vec_push(&p->files, fs);
    svc_map_put(p->by_path, path, fs);
    return fs;
}

static void fstate_free(fstate *fs)
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

static bool is_created(const plan *p, const fstate *fs)
{
    if (fs->role != ROLE_CREATED) return false;
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

static void set_bad(fstate *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_bad(fstate *fs, const char *fmt, ...)
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
static void load(plan *p, fstate *fs)
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

#define CHANGED_ON_DISK "changed on disk since it was read; reload and try again"

/* The file exists with the bytes the model read: fixes may edit or move it. */
static bool check_content(plan *p, fstate *fs)
{
    load(p, fs);
    if (fs->bad) return false;
    if (fs->checked) return true;
    fs->checked = true;
    if (!fs->exists) {
        if (fs->source_idx >= 0) set_bad(fs, CHANGED_ON_DISK);
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
        set_bad(fs, CHANGED_ON_DISK);
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
            set_bad(fs, CHANGED_ON_DISK);
            return false;
        }
    }
    if (!proven && sf->has_stat) {
        int64_t mtime_ns = (int64_t)fs->st.st_mtim.tv_sec * 1000000000 + fs->st.st_mtim.tv_nsec;
        if (mtime_ns != sf->mtime_ns || (uint64_t)fs->st.st_ino != sf->ino) {
            set_bad(fs, CHANGED_ON_DISK);
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
            set_bad(fs, CHANGED_ON_DISK);
            return false;
        }
    } else if (is_python(fs->path)) {
        fs->errors_before = syntax_errors(fs->path, fs->bytes, fs->len);
    }
    return true;
}

/* The staged version of a file the fix edits or moves (staging only). */
static bool check_index(plan *p, fstate *fs)
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
static bool align_index(fstate *fs)
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
static bool check_free(plan *p, fstate *fs, const char **why)
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

static bool same_edit(const pedit *a, const pedit *b)
{
    return a->start == b->start && a->end == b->end && a->textlen == b->textlen &&
           memcmp(a->text, b->text, a->textlen) == 0;
}

typedef struct owned_edit {
    fstate *owner;
    pedit e;
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
    const pedit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->fix < y->fix ? -1 : x->fix > y->fix;
}

typedef struct fix_check {
    plan *p;
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
static void refuse_file(fix_check *c, fstate *fs, bool index_side)
{
    if (c->refused) return;
    c->refused = true;
    bool *said = index_side ? &fs->ix_bad_said : &fs->bad_said;
    if (!*said) say(c->p, "%s", index_side ? fs->ix_bad : fs->bad);
    *said = true;
}

static bool plan_fix(plan *p, size_t k)
{
    const svc_fix *fx = p->fixes[k];
    fix_check c = { p, k, fx, false };
    SVC_VEC(owned_edit) mine = { 0 };
    /* Roles this fix takes, applied only when it is accepted. */
    SVC_VEC(fstate *) creates = { 0 };
    SVC_VEC(fstate *) shared_creates = { 0 };
    SVC_VEC(fstate *) move_from = { 0 };
    SVC_VEC(fstate *) move_to = { 0 };

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
        fstate *fs = file_for(p, op->path);
        if (op->kind == SVC_FILE_CREATE) {
            const char *content = op->content ? op->content : "";
            if (fs->role == ROLE_CREATED && strcmp(fs->content, content) == 0) {
                /* the same file with the same content, made by an earlier fix too: made once */
                bool again = false;
                for (size_t j = 0; j < shared_creates.len; j++) again |= shared_creates.items[j] == fs;
                if (!again) svc_vec_push(&shared_creates, fs);
                continue;
            }
            bool taken = fs->role != ROLE_NONE || fs->edits.len > 0;
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
            fstate *to = file_for(p, op->to);
            bool taken = fs->role != ROLE_NONE || to->role != ROLE_NONE || to->edits.len > 0 || fs == to;
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
        fstate *fs = file_for(p, e->path);
        fstate *owner = fs;
        for (size_t j = 0; j < move_to.len; j++)
            if (move_to.items[j] == fs) owner = move_from.items[j];
        bool created = fs->role == ROLE_CREATED;
        for (size_t j = 0; j < creates.len; j++) created |= creates.items[j] == fs;
        if (created) {
            refuse(&c, e->path, "edits a file that a fix creates; give the content to the create instead");
            break;
        }
        if (owner == fs && fs->role == ROLE_MOVE_TARGET) {
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
            const pedit *other = &oe->owner->edits.items[j];
            if (!p->accepted[other->fix] || same_edit(&oe->e, other)) continue;
            if (overlaps(oe->e.start, oe->e.end, other->start, other->end) ||
                (p->stage && overlaps(oe->e.ix_start, oe->e.ix_end, other->ix_start, other->ix_end)))
                refuse(&c, oe->owner->path, "overlaps the edits of an earlier fix; run svcscope fix again to apply it");
        }
    }
    if (c.refused) goto done;

    /* Accepted. */
    /* Identical edits of two fixes are kept both and applied once (see live_edits). */
    for (size_t i = 0; i < mine.len; i++) svc_vec_push(&mine.items[i].owner->edits, mine.items[i].e);
    for (size_t i = 0; i < creates.len; i++) {
        fstate *fs = creates.items[i];
        fs->role = ROLE_CREATED;
        fs->role_fix = k;
        svc_vec_push(&fs->creators, k);
        for (size_t j = 0; j < fx->nops; j++)
            if (fx->ops[j].kind == SVC_FILE_CREATE && strcmp(fx->ops[j].path, fs->path) == 0)
                fs->content = fx->ops[j].content ? fx->ops[j].content : "";
    }
    for (size_t i = 0; i < shared_creates.len; i++) svc_vec_push(&shared_creates.items[i]->creators, k);
    for (size_t i = 0; i < move_from.len; i++) {
        move_from.items[i]->role = ROLE_MOVED_AWAY;
        move_from.items[i]->role_fix = k;
        move_from.items[i]->peer = move_to.items[i];
        move_to.items[i]->role = ROLE_MOVE_TARGET;
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

/* The bytes of `base` with the accepted edits of `fs` (work tree or index coordinates). */
static char *spliced(const plan *p, const fstate *fs, bool index_side, const bool *extra_off, size_t only_upto_fix,
                    size_t *outlen)
{
    const char *base = index_side ? fs->ixtext : fs->bytes;
    size_t baselen = index_side ? fs->ixtextlen : fs->len;
    SVC_VEC(pedit) list = { 0 };
    for (size_t i = 0; i < fs->edits.len; i++) {
        const pedit *e = &fs->edits.items[i];
        if (!p->accepted[e->fix] || (extra_off && extra_off[e->fix])) continue;
        if (only_upto_fix != (size_t)-1 && e->fix > only_upto_fix) continue;
        pedit x = *e;
        if (index_side) {
            x.start = e->ix_start;
            x.end = e->ix_end;
        }
        svc_vec_push(&list, x);
    }
    if (list.len > 1) qsort(list.items, list.len, sizeof *list.items, compare_pedit);
    svc_buf b = { 0 };
    size_t at = 0;
    for (size_t i = 0; i < list.len; i++) {
        if (i > 0 && same_edit(&list.items[i - 1], &list.items[i])) continue; /* shared by two fixes */
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
static const char *final_path(const fstate *fs, const plan *p)
{
    if (fs->role == ROLE_MOVED_AWAY && p->accepted[fs->role_fix]) return fs->peer->path;
    return fs->path;
}

static void reject(plan *p, size_t k, const char *path, const char *what, int line)
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
static bool check_one_side(plan *p, fstate *fs, bool index_side)
{
    int before = index_side ? fs->ix_errors_before : fs->errors_before;
    const char *path = final_path(fs, p);
    if (!is_python(path) || before < 0) return false;
    size_t n = 0;
    char *all = spliced(p, fs, index_side, NULL, (size_t)-1, &n);
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
        char *upto = spliced(p, fs, index_side, off, k, &n);
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

static void check_syntax(plan *p)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < p->files.len; i++) {
            fstate *fs = p->files.items[i];
            if (is_created(p, fs) && is_python(fs->path) &&
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

static void plan_init(plan *p, const svc_model *model, const svc_fix *const *fixes, size_t nfixes, bool stage)
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

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->files.len; i++) fstate_free(p->files.items[i]);
    svc_vec_free(&p->files);
    svc_map_free(p->by_path);
    for (size_t i = 0; i < p->messages.len; i++) free(p->messages.items[i]);
    svc_vec_free(&p->messages);
    free(p->accepted);
    svc_git_free(p->git);
}

static void plan_run(plan *p)
{
    for (size_t k = 0; k < p->nfixes; k++) plan_fix(p, k);
    check_syntax(p);
}

/* ---- a batch: what each touched path goes from and to --------------------------------------- */

typedef svc_file_state wside;
typedef svc_undo_path trans;
typedef svc_undo_batch batch;
#define batch_free svc_undo_batch_free


static int compare_trans(const void *a, const void *b)
{
    return strcmp(((const trans *)a)->path, ((const trans *)b)->path);
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = svc_xmalloc(n + 1);
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Turns the accepted plan into per-path transitions. */
static int build_batch(plan *p, batch *b, svc_error *err)
{
    memset(b, 0, sizeof *b);
    b->root = svc_xstrdup(p->root);
    b->staged = p->stage;
    mode_t new_mode = default_file_mode();
    for (size_t i = 0; i < p->files.len; i++) {
        fstate *fs = p->files.items[i];
        bool moved = fs->role == ROLE_MOVED_AWAY && p->accepted[fs->role_fix];
        bool created = is_created(p, fs);
        bool edited = false;
        for (size_t j = 0; j < fs->edits.len && !edited; j++) edited = p->accepted[fs->edits.items[j].fix];
        if (!moved && !created && !edited) continue;

        trans t;
        memset(&t, 0, sizeof t);
        if (created) {
            t.path = svc_xstrdup(fs->path);
            t.wt[1].exists = true;
            t.wt[1].len = strlen(fs->content);
            t.wt[1].bytes = dup_bytes(fs->content, t.wt[1].len);
            t.wt[1].mode = new_mode;
            if (p->stage) {
                t.ix_touch = true;
                t.ix[1].state = SVC_IX_ENTRY;
                t.ix[1].mode = 0100644;
                int rc = svc_git_clean(p->git, fs->path, t.wt[1].bytes, t.wt[1].len, &t.ixraw[1], &t.ixrawlen[1], err);
                if (rc < 0) {
                    svc_vec_push(&b->t, t); /* freed with the batch */
                    return rc;
                }
                svc_git_hash_raw(t.ixraw[1], t.ixrawlen[1], t.ix[1].oid);
            }
            svc_vec_push(&b->t, t);
            continue;
        }
        size_t n = 0;
        char *after = spliced(p, fs, false, NULL, (size_t)-1, &n);
        char *ixafter = NULL;
        size_t ixn = 0;
        if (p->stage) ixafter = spliced(p, fs, true, NULL, (size_t)-1, &ixn);

        /* the file itself: edited in place, or gone when moved */
        t.path = svc_xstrdup(fs->path);
        t.wt[0].exists = true;
        t.wt[0].bytes = dup_bytes(fs->bytes, fs->len);
        t.wt[0].len = fs->len;
        t.wt[0].mode = fs->mode;
        if (p->stage) {
            t.ix_touch = true;
            t.ix[0] = fs->ix;
            t.ixraw[0] = dup_bytes(fs->ixraw, fs->ixrawlen);
            t.ixrawlen[0] = fs->ixrawlen;
        }
        fstate *dest = moved ? fs->peer : fs;
        if (!moved) {
            t.wt[1].exists = true;
            t.wt[1].bytes = after;
            t.wt[1].len = n;
            t.wt[1].mode = fs->mode;
        }
        trans t2;
        memset(&t2, 0, sizeof t2);
        trans *into = moved ? &t2 : &t;
        if (moved) {
            t2.path = svc_xstrdup(dest->path);
            t2.wt[1].exists = true;
            t2.wt[1].bytes = after;
            t2.wt[1].len = n;
            t2.wt[1].mode = fs->mode;
        }
        if (p->stage) {
            into->ix_touch = true;
            into->ix[1].state = SVC_IX_ENTRY;
            into->ix[1].mode = fs->ix.mode;
            into->ix[1].flags = fs->ix.flags;
            int rc = svc_git_clean(p->git, dest->path, ixafter, ixn, &into->ixraw[1], &into->ixrawlen[1], err);
            free(ixafter);
            if (rc == 0) svc_git_hash_raw(into->ixraw[1], into->ixrawlen[1], into->ix[1].oid);
            if (rc < 0) {
                svc_vec_push(&b->t, t);
                if (moved) svc_vec_push(&b->t, t2);
                return rc;
            }
        }
        svc_vec_push(&b->t, t);
        if (moved) svc_vec_push(&b->t, t2);
    }
    if (b->t.len > 1) qsort(b->t.items, b->t.len, sizeof *b->t.items, compare_trans);
    return 0;
}

static void error_append(svc_error *err, int code, const char *tail)
{
    char *msg = svc_xasprintf("%s%s", err->message, tail);
    svc_error_set(err, code, "%s", msg);
    free(msg);
}

/* ---- performing a batch (apply: 0 -> 1; undo: 1 -> 0) ---------------------------------------- */

static bool ix_same(const svc_ix_entry *a, const svc_ix_entry *b)
{
    if (a->state != b->state) return false;
    if (a->state != SVC_IX_ENTRY) return true;
    return a->mode == b->mode && a->flags == b->flags && memcmp(a->oid, b->oid, 20) == 0;
}

static void remove_dirs(const char *root, char **dirs, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        char *full = svc_xasprintf("%s/%s", root, dirs[i]);
        rmdir(full); /* only when empty */
        free(full);
    }
}

/* How many refused paths a message names (svc_error holds 1 KiB): the rest are counted. */
#define MAX_LISTED 8

/* "path: why" for a file that is not where the batch expects it. */
static char *not_there(const char *path, bool undoing, const char *detail)
{
    if (undoing) return svc_xasprintf("%s: changed since the fix was applied; not undone%s%s", path,
                                      detail ? " — " : "", detail ? detail : "");
    if (detail && strcmp(detail, "changed on disk") != 0) return svc_xasprintf("%s: %s", path, detail);
    return svc_xasprintf("%s: " CHANGED_ON_DISK, path);
}

/*
 * Moves every path of the batch from side `from` to side `to`: checks first that every file and
 * index entry is at `from`, writes the work tree (each file through svc_file_transition, which
 * refuses it if it changes meanwhile), then the index; on any failure puts back what was done.
 * `made` receives the folders created.
 *
 * `recover` (undo): a path already at `to` is left alone and named in `not_reached`: after a
 * batch was killed halfway, undo restores the files it wrote and says which it had not reached.
 */
static int perform(batch *b, svc_git *g, int from, int to, bool recover, strvec *made, strvec *not_reached,
                   svc_error *err)
{
    bool undoing = from == 1;
    svc_buf problems = { 0 };
    size_t nproblems = 0;
    bool *skip_wt = svc_xcalloc(b->t.len ? b->t.len : 1, sizeof *skip_wt);
    bool *skip_ix = svc_xcalloc(b->t.len ? b->t.len : 1, sizeof *skip_ix);
    bool *done = svc_xcalloc(b->t.len ? b->t.len : 1, sizeof *done);
    for (size_t i = 0; i < b->t.len; i++) {
        trans *t = &b->t.items[i];
        char *full = svc_xasprintf("%s/%s", b->root, t->path);
        if (!svc_file_is(full, &t->wt[from])) {
            if (recover && svc_file_is(full, &t->wt[to])) {
                skip_wt[i] = true;
            } else {
                char *why = not_there(t->path, undoing, NULL);
                if (nproblems < MAX_LISTED) svc_buf_printf(&problems, "%s%s", nproblems ? "\n" : "", why);
                nproblems++;
                free(why);
            }
        }
        free(full);
    }
    bool any_ix = false;
    for (size_t i = 0; i < b->t.len; i++) any_ix |= b->t.items[i].ix_touch;
    int rc = 0;
    if (any_ix) {
        if (!g) {
            rc = svc_error_set(err, SVC_EUSAGE, "%s: not a git repository any more; nothing was changed", b->root);
            goto out;
        }
        if (svc_git_index_locked(g)) {
            rc = svc_error_set(err, SVC_EUNSAFE,
                               "the git index is locked by another git process (%sindex.lock exists); nothing was "
                               "changed (retry when it is done, or remove the lock if no git process is running)",
                               svc_git_dir(g));
            goto out;
        }
        if ((rc = svc_git_reload_index(g, err)) < 0) goto out;
        for (size_t i = 0; i < b->t.len; i++) {
            trans *t = &b->t.items[i];
            if (!t->ix_touch) continue;
            svc_ix_entry now;
            svc_git_entry(g, t->path, &now);
            if (ix_same(&now, &t->ix[from])) continue;
            if (recover && ix_same(&now, &t->ix[to])) skip_ix[i] = true;
            else if (nproblems++ < MAX_LISTED)
                svc_buf_printf(&problems, "%s%s: %s", nproblems > 1 ? "\n" : "", t->path,
                               undoing ? "its staged version changed since the fix was applied; not undone"
                                       : "its staged version changed since it was read; reload and try again");
        }
    }
    if (nproblems) {
        if (nproblems > MAX_LISTED) svc_buf_printf(&problems, "\n... and %zu more", nproblems - MAX_LISTED);
        rc = svc_error_set(err, SVC_EUNSAFE, "%s\n%s", problems.data,
                           undoing ? "nothing was undone" : "nothing was changed (run svcscope fix again)");
        goto out;
    }

    size_t made_before = made->len;
    /* Paths that exist afterwards first (so a move's content lands before its source goes). */
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t i = 0; i < b->t.len && rc == 0; i++) {
            trans *t = &b->t.items[i];
            if (skip_wt[i] || t->wt[to].exists != (pass == 0)) continue;
            if (!t->wt[from].exists && !t->wt[to].exists) continue;
            if (!t->wt[from].exists && (rc = make_parents(b->root, t->path, made, err)) < 0) break;
            char *full = svc_xasprintf("%s/%s", b->root, t->path);
            svc_error e = SVC_ERROR_INIT;
            rc = svc_file_transition(full, &t->wt[from], &t->wt[to], &e);
            if (rc == 0) {
                done[i] = true;
            } else if (rc == SVC_EUNSAFE) {
                char *why = not_there(t->path, undoing, e.message);
                svc_error_set(err, rc, "%s", why);
                free(why);
            } else {
                svc_error_set(err, rc, "%s", e.message);
            }
            free(full);
        }
    }
    if (rc == 0 && any_ix) {
        /* Once more, just before: another git process may have staged something meanwhile. */
        if (svc_git_index_locked(g))
            rc = svc_error_set(err, SVC_EUNSAFE, "the git index is locked by another git process (%sindex.lock exists)",
                               svc_git_dir(g));
        else
            rc = svc_git_reload_index(g, err);
        for (size_t i = 0; i < b->t.len && rc == 0; i++) {
            trans *t = &b->t.items[i];
            svc_ix_entry now;
            if (!t->ix_touch || skip_ix[i]) continue;
            svc_git_entry(g, t->path, &now);
            if (!ix_same(&now, &t->ix[from]))
                rc = svc_error_set(err, SVC_EUNSAFE, "%s: its staged version changed meanwhile", t->path);
        }
        for (size_t i = 0; i < b->t.len && rc == 0; i++) {
            trans *t = &b->t.items[i];
            if (t->ix_touch && !skip_ix[i])
                rc = svc_git_set_entry(g, t->path, &t->ix[to], t->ixraw[to], t->ixrawlen[to], err);
        }
        if (rc == 0) rc = svc_git_write_index(g, err);
        if (rc < 0) {
            svc_error ignored = SVC_ERROR_INIT;
            svc_git_reload_index(g, &ignored); /* drop what was set in memory */
        }
    }
    if (rc < 0) {
        svc_buf failures = { 0 };
        for (size_t i = b->t.len; i-- > 0;) {
            if (!done[i]) continue;
            trans *t = &b->t.items[i];
            char *full = svc_xasprintf("%s/%s", b->root, t->path);
            svc_error e = SVC_ERROR_INIT;
            if (svc_file_transition(full, &t->wt[to], &t->wt[from], &e) < 0)
                svc_buf_printf(&failures, "; could not put back %s: %s", t->path, e.message);
            free(full);
        }
        remove_dirs(b->root, made->items + made_before, made->len - made_before);
        for (size_t i = made_before; i < made->len; i++) free(made->items[i]);
        made->len = made_before;
        if (failures.len) {
            char *tail = svc_xasprintf("; rolling back failed%s", failures.data);
            error_append(err, SVC_EIO, tail);
            free(tail);
        } else {
            error_append(err, rc, "; the batch was rolled back and nothing was changed (run svcscope fix again)");
        }
        svc_buf_free(&failures);
    } else {
        for (size_t i = 0; i < b->t.len; i++) {
            trans *t = &b->t.items[i];
            if (skip_wt[i] && (!t->ix_touch || skip_ix[i])) svc_vec_push(not_reached, svc_xstrdup(t->path));
            if (recover) { /* temp files a killed run left beside the file */
                char *full = svc_xasprintf("%s/%s", b->root, t->path);
                svc_file_remove_leftovers(full, &t->wt[0], &t->wt[1]);
                free(full);
            }
        }
    }
out:
    svc_buf_free(&problems);
    free(skip_wt);
    free(skip_ix);
    free(done);
    return rc;
}


/*
 * The signals that end a process by default and that a user or the system sends on purpose (a
 * closed terminal, ^C, kill, a time or file size limit) are held back while a batch is written:
 * it is then written whole or rolled back, and no temp file is left beside a file; they are
 * delivered as soon as it is done. Only the calling thread's mask changes, so a program with other
 * threads must start them with these signals blocked (svc_fix_held_signals; the TUI's loader does).
 * SIGKILL cannot be held: after one, a `.name.svcscope-XXXXXX` temp file may remain; it is safe to
 * delete.
 */
void svc_fix_held_signals(sigset_t *set)
{
    static const int held[] = { SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGALRM, SIGVTALRM, SIGPROF, SIGUSR1, SIGUSR2,
                                SIGXCPU, SIGXFSZ };
    sigemptyset(set);
    for (size_t i = 0; i < sizeof held / sizeof *held; i++) sigaddset(set, held[i]);
}

static void hold_signals(sigset_t *old)
{
    sigset_t set;
    svc_fix_held_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

/*
 * Where the undo record lives: `explicit` when given; in a git repository <git dir>/svcscope/undo
 * (private to the repository, never shown by git status); elsewhere
 * $XDG_STATE_HOME/svcscope/undo/<root with '/' as '%'> (default ~/.local/state), so nothing is
 * added to a project folder; with neither HOME nor XDG_STATE_HOME, <root>/.svcscope-undo.
 */
static char *undo_dir_for(const char *root, svc_git *g, const char *explicit_dir, const svc_user_dirs *dirs)
{
    if (explicit_dir && *explicit_dir) return svc_xstrdup(explicit_dir);
    if (g) return svc_xasprintf("%ssvcscope/undo", svc_git_dir(g));
    const char *state = dirs ? dirs->state_home : NULL;
    const char *home = dirs ? dirs->home : NULL;
    char *base = NULL;
    if (state && *state == '/') base = svc_xasprintf("%s/svcscope/undo", state);
    else if (home && *home == '/') base = svc_xasprintf("%s/.local/state/svcscope/undo", home);
    else return svc_xasprintf("%s/.svcscope-undo", root);
    svc_buf key = { 0 };
    for (const char *s = root; *s; s++) svc_buf_putc(&key, *s == '/' ? '%' : *s);
    char *dir = svc_xasprintf("%s/%s", base, key.data ? key.data : "%");
    svc_buf_free(&key);
    free(base);
    return dir;
}

/* ---- the public functions ------------------------------------------------------------------- */

void svc_fix_result_free(svc_fix_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nmessages; i++) free(r->messages[i]);
    free(r->messages);
    for (size_t i = 0; i < r->nchanged; i++) free(r->changed_paths[i]);
    free(r->changed_paths);
    free(r->fix_applied);
    memset(r, 0, sizeof *r);
}

static void take_messages(plan *p, svc_fix_result *r)
{
    r->messages = p->messages.items;
    r->nmessages = p->messages.len;
    p->messages.items = NULL;
    p->messages.len = p->messages.cap = 0;
}

static int open_plan(plan *p, const svc_model *model, const svc_fix *const *fixes, size_t nfixes, bool stage,
                     svc_error *err)
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

int svc_fix_apply(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, const svc_fix_options *opts,
                  svc_fix_result *result, svc_error *err)
{
    svc_fix_options defaults = { 0 };
    if (!opts) opts = &defaults;
    memset(result, 0, sizeof *result);
    plan p;
    int rc = open_plan(&p, model, fixes, nfixes, opts->stage, err);
    if (rc == 0 && opts->stage && svc_git_index_locked(p.git))
        rc = svc_error_set(err, SVC_EUNSAFE,
                           "the git index is locked by another git process (%sindex.lock exists); nothing was "
                           "changed (retry when it is done, or remove the lock if no git process is running)",
                           svc_git_dir(p.git));
    if (rc < 0) {
        result->skipped = nfixes;
        plan_free(&p);
        return rc;
    }
    plan_run(&p);

    batch b;
    rc = build_batch(&p, &b, err);
    if (rc == 0 && b.t.len) {
        char *undo_dir = undo_dir_for(p.root, p.git, opts->undo_dir, opts->user_dirs);
        /* The folders a create or move needs are known only when made; the record lists the ones
         * missing now, and undo removes those that are empty afterwards. */
        for (size_t i = 0; i < b.t.len; i++) {
            if (b.t.items[i].wt[0].exists) continue;
            char *rel = svc_xstrdup(b.t.items[i].path);
            for (char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                char *full = svc_xasprintf("%s/%s", p.root, rel);
                struct stat st;
                bool known = false;
                for (size_t k = 0; k < b.dirs.len && !known; k++) known = strcmp(b.dirs.items[k], rel) == 0;
                if (!known && lstat(full, &st) < 0) svc_vec_push(&b.dirs, svc_xstrdup(rel));
                free(full);
                *s = '/';
            }
            free(rel);
        }
        b.what = svc_xstrdup(opts->what ? opts->what : "svcscope fix");
        b.when = (long long)time(NULL);
        for (size_t k = 0; k < nfixes; k++) b.nfixes += p.accepted[k];
        sigset_t old_mask;
        hold_signals(&old_mask);
        /* Recorded and flushed before the first file is touched: whatever happens next (even a
         * kill or a power cut), undo can put back every file this batch wrote. */
        rc = svc_undo_begin(undo_dir, &b, err);
        if (rc == 0) {
            strvec made = { 0 }, unused = { 0 };
            rc = perform(&b, p.git, 0, 1, false, &made, &unused, err);
            strvec_free(&made);
            strvec_free(&unused);
            if (rc < 0) svc_undo_forget(undo_dir, b.id);
            else svc_undo_complete(undo_dir, &b);
        }
        release_signals(&old_mask);
        free(undo_dir);
    }
    if (rc == 0) {
        result->fix_applied = svc_xcalloc(nfixes ? nfixes : 1, sizeof *result->fix_applied);
        for (size_t k = 0; k < nfixes; k++) {
            result->applied += p.accepted[k];
            result->fix_applied[k] = p.accepted[k];
        }
        result->skipped = p.skipped;
        result->changed_paths = svc_xcalloc(b.t.len ? b.t.len : 1, sizeof *result->changed_paths);
        for (size_t i = 0; i < b.t.len; i++) result->changed_paths[result->nchanged++] = svc_xstrdup(b.t.items[i].path);
    } else {
        result->skipped = nfixes;
    }
    take_messages(&p, result);
    batch_free(&b);
    plan_free(&p);
    return rc;
}

/* Opens the repository of `root` for undo: a bare one is an error, no repository is fine. */
static int open_for_undo(const char *root, svc_git **g, svc_error *err)
{
    svc_error e = SVC_ERROR_INIT;
    int rc = svc_git_open(g, root, &e);
    if (rc == SVC_ENOTFOUND) {
        *g = NULL;
        return 0;
    }
    if (rc < 0) {
        *g = NULL;
        return svc_error_set(err, rc, "%s", e.message);
    }
    return 0;
}

/* The real path of `root`, its repository (or NULL) and its undo dir. */
static int open_history(const char *root, const char *undo_dir, const svc_user_dirs *dirs, char real[PATH_MAX],
                        svc_git **g, char **dir, svc_error *err)
{
    *g = NULL;
    *dir = NULL;
    if (!realpath(root, real)) return svc_error_set(err, SVC_EIO, "%s: %s", root, strerror(errno));
    int rc = open_for_undo(real, g, err);
    if (rc < 0) return rc;
    *dir = undo_dir_for(real, *g, undo_dir, dirs);
    return 0;
}

int svc_fix_undo(const char *root, const char *undo_dir, const svc_user_dirs *dirs, svc_fix_result *result,
                 svc_error *err)
{
    memset(result, 0, sizeof *result);
    char real[PATH_MAX];
    svc_git *g = NULL;
    char *dir = NULL;
    int rc = open_history(root, undo_dir, dirs, real, &g, &dir, err);
    if (rc < 0) return rc;
    batch b;
    rc = svc_undo_newest(dir, &b, err);
    if (rc == 0) {
        /* The record's root wins (undo may be asked from a sub-folder); git paths follow it. */
        if (strcmp(b.root, real) != 0) {
            svc_git_free(g);
            g = NULL;
            rc = open_for_undo(b.root, &g, err);
        }
        if (rc < 0) {
        } else if (b.staged && !g) {
            rc = svc_error_set(err, SVC_EUSAGE, "%s: the fix was staged but this is not a git repository any more",
                               b.root);
        } else {
            strvec made = { 0 }, not_reached = { 0 };
            sigset_t old_mask;
            hold_signals(&old_mask);
            rc = perform(&b, g, 1, 0, true, &made, &not_reached, err);
            if (rc == 0) {
                remove_dirs(b.root, b.dirs.items, b.dirs.len);
                svc_undo_forget(dir, b.id);
            }
            release_signals(&old_mask);
            if (rc == 0 && not_reached.len) {
                svc_buf names = { 0 };
                for (size_t i = 0; i < not_reached.len; i++)
                    svc_buf_printf(&names, "%s%s", i ? ", " : "", not_reached.items[i]);
                char *msg = svc_xasprintf("%s %zu of the batch's files had not been changed%s, so there was nothing "
                                          "to put back: %s",
                                          b.complete ? "note:" : "the batch was interrupted:", not_reached.len,
                                          b.complete ? " any more" : " yet", names.data);
                result->messages = svc_xcalloc(1, sizeof *result->messages);
                result->messages[result->nmessages++] = msg;
                svc_buf_free(&names);
            }
            if (rc == 0) {
                result->applied = b.t.len - not_reached.len;
                result->changed_paths = svc_xcalloc(b.t.len ? b.t.len : 1, sizeof *result->changed_paths);
                for (size_t i = 0; i < b.t.len; i++) {
                    bool skipped = false;
                    for (size_t k = 0; k < not_reached.len && !skipped; k++)
                        skipped = strcmp(not_reached.items[k], b.t.items[i].path) == 0;
                    if (!skipped) result->changed_paths[result->nchanged++] = svc_xstrdup(b.t.items[i].path);
                }
            }
            strvec_free(&made);
            strvec_free(&not_reached);
        }
        batch_free(&b);
    }
    free(dir);
    svc_git_free(g);
    return rc;
}

void svc_fix_history_free(svc_fix_batch_info *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].what);
        for (size_t k = 0; k < h[i].npaths; k++) free(h[i].paths[k]);
        free(h[i].paths);
    }
    free(h);
}

int svc_fix_history(const char *root, const char *undo_dir, const svc_user_dirs *dirs, svc_fix_batch_info **out,
                    size_t *n, svc_error *err)
{
    *out = NULL;
    *n = 0;
    char real[PATH_MAX];
    svc_git *g = NULL;
    char *dir = NULL;
    int rc = open_history(root, undo_dir, dirs, real, &g, &dir, err);
    if (rc < 0) return rc;
    svc_git_free(g);
    batch *list = NULL;
    size_t len = 0;
    rc = svc_undo_list_batches(dir, &list, &len, err);
    free(dir);
    if (rc < 0) return rc;
    svc_fix_batch_info *h = svc_xcalloc(len ? len : 1, sizeof *h);
    for (size_t i = 0; i < len; i++) {
        h[i].when = list[i].when;
        h[i].what = svc_xstrdup(list[i].what ? list[i].what : "svcscope fix");
        h[i].nfixes = list[i].nfixes;
        h[i].staged = list[i].staged;
        h[i].complete = list[i].complete;
        h[i].paths = svc_xcalloc(list[i].t.len ? list[i].t.len : 1, sizeof *h[i].paths);
        for (size_t k = 0; k < list[i].t.len; k++) h[i].paths[h[i].npaths++] = svc_xstrdup(list[i].t.items[k].path);
        batch_free(&list[i]);
    }
    free(list);
    *out = h;
    *n = len;
    return 0;
}

/* ---- the diff ------------------------------------------------------------------------------- */

typedef struct lines {
    size_t *starts; /* starts[i] of line i; starts[n] = the length */
    size_t n;
} lines;

static void lines_of(lines *l, const char *text, size_t len)
{
    SVC_VEC(size_t) s = { 0 };
    size_t at = 0;
    while (at < len) {
        svc_vec_push(&s, at);
        const char *nl = memchr(text + at, '\n', len - at);
        at = nl ? (size_t)(nl - text) + 1 : len;
    }
    svc_vec_push(&s, len);
    l->starts = s.items;
    l->n = s.len - 1;
}

/* The line holding `byte`; the end of the file belongs to the last line when it has no newline. */
static size_t line_of(const lines *l, const char *text, size_t len, size_t byte)
{
    if (byte >= len) return len && text[len - 1] != '\n' ? l->n - 1 : l->n;
    size_t lo = 0, hi = l->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (l->starts[mid] <= byte) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

static void put_line(svc_buf *out, char mark, const char *s, size_t n)
{
    svc_buf_putc(out, mark);
    svc_buf_append(out, s, n);
    if (!n || s[n - 1] != '\n') svc_buf_puts(out, "\n\\ No newline at end of file\n");
}

typedef struct dgroup {
    size_t old_first, old_count; /* the old lines replaced */
    char *text;                  /* by these lines */
    size_t textlen;
    lines nl;
} dgroup;

/* [a, b) of old with edits[i..j) applied. */
static void apply_range(svc_buf *nb, const char *old, size_t a, size_t b, const pedit *edits, size_t i, size_t j)
{
    nb->len = 0;
    size_t at = a;
    for (size_t k = i; k < j; k++) {
        svc_buf_append(nb, old + at, edits[k].start - at);
        svc_buf_append(nb, edits[k].text, edits[k].textlen);
        at = edits[k].end;
    }
    svc_buf_append(nb, old + at, b - at);
}

static bool same_line(const char *x, const lines *lx, size_t ix, const char *y, const lines *ly, size_t iy)
{
    size_t nx = lx->starts[ix + 1] - lx->starts[ix], ny = ly->starts[iy + 1] - ly->starts[iy];
    return nx == ny && memcmp(x + lx->starts[ix], y + ly->starts[iy], nx) == 0;
}

/* The hunks (3 lines of context, close ones merged) of `old` changed by `edits` (sorted, apart). */
static void diff_hunks(svc_buf *out, const char *old, size_t oldlen, const pedit *edits, size_t nedits)
{
    lines ol;
    lines_of(&ol, old, oldlen);
    SVC_VEC(dgroup) groups = { 0 };
    svc_buf nb = { 0 };
    for (size_t i = 0; i < nedits;) {
        /* Whole lines around edits[i..j): from the start of the first one's line to a line end. */
        size_t a = ol.starts[line_of(&ol, old, oldlen, edits[i].start)];
        size_t b = a, j = i;
        for (;;) {
            while (j < nedits && (j == i || edits[j].start < b)) {
                const pedit *e = &edits[j];
                size_t eb;
                if (e->end >= oldlen) eb = oldlen;
                else if (e->end > a && old[e->end - 1] == '\n') eb = e->end;
                else eb = ol.starts[line_of(&ol, old, oldlen, e->end) + 1];
                if (eb > b) b = eb;
                j++;
            }
            apply_range(&nb, old, a, b, edits, i, j);
            /* the replacement must end a line too, or it runs into the next one */
            if (nb.len && nb.data[nb.len - 1] != '\n' && b < oldlen) {
                b = ol.starts[line_of(&ol, old, oldlen, b) + 1];
                continue;
            }
            break;
        }
        dgroup g;
        memset(&g, 0, sizeof g);
        g.textlen = nb.len;
        g.text = svc_xmalloc(nb.len + 1);
        if (nb.len) memcpy(g.text, nb.data, nb.len);
        g.text[nb.len] = '\0';
        lines_of(&g.nl, g.text, g.textlen);
        size_t o0 = a < oldlen ? line_of(&ol, old, oldlen, a) : ol.n;
        size_t o1 = b < oldlen ? line_of(&ol, old, oldlen, b) : ol.n;
        size_t n0 = 0, n1 = g.nl.n;
        /* lines that did not change, at both ends, are context */
        while (o0 < o1 && n0 < n1 && same_line(old, &ol, o0, g.text, &g.nl, n0)) o0++, n0++;
        while (o0 < o1 && n0 < n1 && same_line(old, &ol, o1 - 1, g.text, &g.nl, n1 - 1)) o1--, n1--;
        if (o0 < o1 || n0 < n1) {
            size_t from = g.nl.starts[n0], to = g.nl.starts[n1];
            memmove(g.text, g.text + from, to - from);
            g.textlen = to - from;
            free(g.nl.starts);
            lines_of(&g.nl, g.text, g.textlen);
            g.old_first = o0;
            g.old_count = o1 - o0;
            svc_vec_push(&groups, g);
        } else {
            free(g.text);
            free(g.nl.starts);
        }
        i = j;
    }
    svc_buf_free(&nb);

    long delta = 0;
    for (size_t gi = 0; gi < groups.len;) {
        size_t gj = gi + 1;
        while (gj < groups.len &&
               groups.items[gj].old_first <= groups.items[gj - 1].old_first + groups.items[gj - 1].old_count + 6)
            gj++;
        const dgroup *first = &groups.items[gi], *last = &groups.items[gj - 1];
        size_t h0 = first->old_first >= 3 ? first->old_first - 3 : 0;
        size_t h1 = last->old_first + last->old_count + 3;
        if (h1 > ol.n) h1 = ol.n;
        size_t old_count = h1 - h0, new_count = old_count;
        for (size_t g = gi; g < gj; g++) new_count = new_count - groups.items[g].old_count + groups.items[g].nl.n;
        size_t new_start = (size_t)((long)h0 + delta);
        svc_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", old_count ? h0 + 1 : h0, old_count,
                       new_count ? new_start + 1 : new_start, new_count);
        size_t at = h0;
        for (size_t g = gi; g < gj; g++) {
            const dgroup *d = &groups.items[g];
            for (; at < d->old_first; at++) put_line(out, ' ', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
            for (size_t k = 0; k < d->old_count; k++, at++)
                put_line(out, '-', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
            for (size_t k = 0; k < d->nl.n; k++)
                put_line(out, '+', d->text + d->nl.starts[k], d->nl.starts[k + 1] - d->nl.starts[k]);
            delta += (long)d->nl.n - (long)d->old_count;
        }
        for (; at < h1; at++) put_line(out, ' ', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
        gi = gj;
    }
    for (size_t g = 0; g < groups.len; g++) {
        free(groups.items[g].text);
        free(groups.items[g].nl.starts);
    }
    svc_vec_free(&groups);
    free(ol.starts);
}

/* `before` + prefix + path + `after`, the path quoted as git quotes it in diff headers (and as
 * git apply reads it back), so that a file name cannot reach a terminal raw. */
static void put_git_header(svc_buf *out, const char *before, const char *prefix, const char *path, const char *after)
{
    char *name = svc_xasprintf("%s%s", prefix, path);
    svc_buf_puts(out, before);
    svc_quote_path_append(out, name);
    svc_buf_puts(out, after);
    free(name);
}

static int compare_fstate_path(const void *a, const void *b)
{
    return strcmp((*(fstate *const *)a)->path, (*(fstate *const *)b)->path);
}

char *svc_fix_diff(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, svc_error *err)
{
    plan p;
    if (open_plan(&p, model, fixes, nfixes, false, err) < 0) {
        plan_free(&p);
        return NULL;
    }
    plan_run(&p);
    SVC_VEC(fstate *) order = { 0 };
    for (size_t i = 0; i < p.files.len; i++) svc_vec_push(&order, p.files.items[i]);
    if (order.len > 1) qsort(order.items, order.len, sizeof *order.items, compare_fstate_path);
    svc_buf out = { 0 };
    for (size_t i = 0; i < order.len; i++) {
        fstate *fs = order.items[i];
        if (is_created(&p, fs)) {
            size_t n = strlen(fs->content);
            put_git_header(&out, "diff --git ", "a/", fs->path, " ");
            put_git_header(&out, "", "b/", fs->path, "\nnew file mode 100644\n");
            if (n) {
                put_git_header(&out, "--- /dev/null\n+++ ", "b/", fs->path, "\n");
                lines nl;
                lines_of(&nl, fs->content, n);
                svc_buf_printf(&out, "@@ -0,0 +%s%zu @@\n", nl.n == 1 ? "" : "1,", nl.n);
                for (size_t k = 0; k < nl.n; k++)
                    put_line(&out, '+', fs->content + nl.starts[k], nl.starts[k + 1] - nl.starts[k]);
                free(nl.starts);
            }
            continue;
        }
        if (fs->role == ROLE_MOVE_TARGET) continue; /* shown with its source */
        bool moved = fs->role == ROLE_MOVED_AWAY && p.accepted[fs->role_fix];
        SVC_VEC(pedit) live = { 0 };
        for (size_t k = 0; k < fs->edits.len; k++)
            if (p.accepted[fs->edits.items[k].fix]) svc_vec_push(&live, fs->edits.items[k]);
        if (live.len > 1) qsort(live.items, live.len, sizeof *live.items, compare_pedit);
        size_t kept = 0;
        for (size_t k = 0; k < live.len; k++)
            if (!kept || !same_edit(&live.items[kept - 1], &live.items[k])) live.items[kept++] = live.items[k];
        live.len = kept;
        if (!moved && !live.len) {
            svc_vec_free(&live);
            continue;
        }
        const char *to = moved ? fs->peer->path : fs->path;
        svc_buf hunks = { 0 };
        diff_hunks(&hunks, fs->bytes, fs->len, live.items, live.len);
        if (moved || hunks.len) {
            put_git_header(&out, "diff --git ", "a/", fs->path, " ");
            put_git_header(&out, "", "b/", to, "\n");
            if (moved) {
                put_git_header(&out, "rename from ", "", fs->path, "\n");
                put_git_header(&out, "rename to ", "", to, "\n");
            }
            if (hunks.len) {
                put_git_header(&out, "--- ", "a/", fs->path, "\n");
                put_git_header(&out, "+++ ", "b/", to, "\n");
                svc_buf_append(&out, hunks.data, hunks.len);
            }
        }
        svc_buf_free(&hunks);
        svc_vec_free(&live);
    }
    svc_vec_free(&order);
    plan_free(&p);
    return out.data ? svc_buf_detach(&out) : svc_xstrdup("");
}
