/*
 * Applying fixes to the work tree (and, through stage.c, to the index), and undoing a batch.
 *
 * The promise: never lose a user's data. So, in order:
 *  1. plan (fix_plan.c): every fix is checked on its own against the files as they are on disk
 *     now (the bytes must be the ones the model read), against the fixes accepted before it
 *     (overlapping edits: the later fix is skipped) and, with --stage, against the index (the
 *     edits must apply to the staged version too, or nothing of the fix is applied); a fix whose
 *     result has more syntax errors than before is dropped;
 *  2. batch: the plan becomes, per path, the before and after bytes (work tree and index);
 *  3. record: the batch goes to the undo record (undo_log.c) first;
 *  4. write: atomic per file (temp file in the same folder, fsync, mode kept, rename, fsync the
 *     folder); the index last, one entry per changed path. Any failure rolls back what was
 *     written, so a batch is applied whole or not at all.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/fix_internal.h"
#include "core/fix_plan.h"
#include "core/undo_log.h"
#include "svcscope/fix.h"
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

/* ---- a batch: what each touched path goes from and to --------------------------------------- */

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
static int build_batch(svc_fix_plan *p, batch *b, svc_error *err)
{
    memset(b, 0, sizeof *b);
    b->root = svc_xstrdup(p->root);
    b->staged = p->stage;
    mode_t new_mode = default_file_mode();
    for (size_t i = 0; i < p->files.len; i++) {
        svc_plan_file *fs = p->files.items[i];
        bool moved = fs->role == SVC_ROLE_MOVED_AWAY && p->accepted[fs->role_fix];
        bool created = svc_fix_plan_creates(p, fs);
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
        char *after = svc_fix_plan_spliced(p, fs, false, NULL, (size_t)-1, &n);
        char *ixafter = NULL;
        size_t ixn = 0;
        if (p->stage) ixafter = svc_fix_plan_spliced(p, fs, true, NULL, (size_t)-1, &ixn);

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
        svc_plan_file *dest = moved ? fs->peer : fs;
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
    return svc_xasprintf("%s: " SVC_CHANGED_ON_DISK, path);
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

static void take_messages(svc_fix_plan *p, svc_fix_result *r)
{
    r->messages = p->messages.items;
    r->nmessages = p->messages.len;
    p->messages.items = NULL;
    p->messages.len = p->messages.cap = 0;
}

int svc_fix_apply(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, const svc_fix_options *opts,
                  svc_fix_result *result, svc_error *err)
{
    svc_fix_options defaults = { 0 };
    if (!opts) opts = &defaults;
    memset(result, 0, sizeof *result);
    svc_fix_plan p;
    int rc = svc_fix_plan_open(&p, model, fixes, nfixes, opts->stage, err);
    if (rc == 0 && opts->stage && svc_git_index_locked(p.git))
        rc = svc_error_set(err, SVC_EUNSAFE,
                           "the git index is locked by another git process (%sindex.lock exists); nothing was "
                           "changed (retry when it is done, or remove the lock if no git process is running)",
                           svc_git_dir(p.git));
    if (rc < 0) {
        result->skipped = nfixes;
        svc_fix_plan_free(&p);
        return rc;
    }
    svc_fix_plan_run(&p);

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
    svc_fix_plan_free(&p);
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
