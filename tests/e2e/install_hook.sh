#!/bin/sh
# `svcscope install-hook`: a real pre-commit hook in a real git repository, run by real commits.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

# The hook finds svcscope on PATH, as an installed one.
mkdir -p "$WORK/bin"
ln -s "$SVCSCOPE" "$WORK/bin/svcscope"
BASE_PATH=$PATH
PATH="$WORK/bin:$BASE_PATH"
export PATH

# commit MESSAGE [git commit args...]: runs git commit in $REPO; $STATUS, and the hook's words in $ERR.
commit() {
    msg=$1
    shift
    git -C "$REPO" commit -q -m "$msg" "$@" >"$WORK/commit.out" 2>&1
    STATUS=$?
    ERR=$(cat "$WORK/commit.out")
    OUT=$ERR
}

expect_commits() {
    git -C "$REPO" rev-list --count HEAD 2>/dev/null > "$WORK/count" || echo 0 > "$WORK/count"
    checks=$((checks + 1))
    [ "$(cat "$WORK/count")" = "$1" ] || fail "expected $1 commits, have $(cat "$WORK/count")"
}

hook_file() { printf '%s\n' "$REPO/.git/hooks/pre-commit"; }

# ---- a repository with a legacy violation, before its first commit --------------------------
new_repo shop
write services/__init__.py ''
write services/billing/__init__.py ''
write services/billing/tests/__init__.py ''
write services/billing/invoices/__init__.py ''
write services/billing/invoices/models.py 'class Invoice:
    pass
'
write orders/__init__.py ''
write orders/models.py ''
# Legacy: imports four levels down a service (SVC201).
write orders/legacy.py 'from services.billing.invoices.models import Invoice
'
git -C "$REPO" -c init.defaultBranch=main init -q

run install-hook "$REPO"
expect_status 0
expect_out "Installed the svcscope pre-commit hook in $REPO/.git/hooks/pre-commit"
checks=$((checks + 1))
[ -x "$(hook_file)" ] || fail "the hook is not executable"
checks=$((checks + 1))
head -n 1 "$(hook_file)" | grep -qx '#!/bin/sh' || fail "the hook is not a sh script"
# It must be POSIX sh.
checks=$((checks + 1))
sh -n "$(hook_file)" || fail "the hook does not parse"

# The first commit (no HEAD): every staged file is checked, so the legacy file blocks it.
git -C "$REPO" add -A
commit "initial"
checks=$((checks + 1))
[ "$STATUS" -ne 0 ] || fail "the first commit, with a violation, went through"
expect_err "orders/legacy.py:1:"
expect_err "SVC201"
expect_err 'svcscope found violations in the files of this commit; run `svcscope` to review and fix them (or `git commit --no-verify` to skip)'
expect_commits 0
commit "initial" --no-verify
expect_commits 1

# ---- a clean change next to a legacy violation: allowed, and quiet ------------------------
write orders/views.py 'from services.billing import invoices


def show(request):
    return invoices
'
git -C "$REPO" add orders/views.py
commit "views"
expect_status 0
checks=$((checks + 1))
[ -z "$ERR" ] || fail "a clean commit should be quiet, got: $ERR"
expect_commits 2

# ---- a violation in a new file: refused -------------------------------------------------
write orders/forms.py 'from services.billing.invoices.models import Invoice
'
git -C "$REPO" add orders/forms.py
commit "forms"
checks=$((checks + 1))
[ "$STATUS" -ne 0 ] || fail "a commit with a violation in a new file went through"
expect_err "orders/forms.py:1:"
expect_no_out "orders/legacy.py"
expect_err "svcscope found violations in the files of this commit"
expect_commits 2
git -C "$REPO" rm -q --cached orders/forms.py
rm "$REPO/orders/forms.py"

# ---- only what is staged counts: a bad unstaged edit does not block a clean staged one ---
write orders/views.py 'from services.billing import invoices


def show(request):
    return invoices.Invoice
'
git -C "$REPO" add orders/views.py
printf 'from services.billing.invoices.models import Invoice\n' >> "$REPO/orders/views.py"
commit "staged part only"
expect_status 0
expect_commits 3
git -C "$REPO" checkout -q -- orders/views.py

# ---- git commit -a: the temporary index git hands the hook is what is checked ------------
printf 'from services.billing.invoices.models import Invoice\n' >> "$REPO/orders/views.py"
commit "all" -a
checks=$((checks + 1))
[ "$STATUS" -ne 0 ] || fail "git commit -a with a violation went through"
expect_err "orders/views.py:"
expect_commits 3
git -C "$REPO" checkout -q -- orders/views.py

# ---- svcscope not on PATH: the commit is refused, with a message ------------------------
write orders/urls.py 'urlpatterns = []
'
git -C "$REPO" add orders/urls.py
if PATH="$BASE_PATH" command -v svcscope >/dev/null 2>&1; then
    # an installed svcscope (a package) is on every PATH this test could give git
    skip_part "svcscope is installed on this machine ($(PATH="$BASE_PATH" command -v svcscope)): no PATH without it"
else
    PATH="$BASE_PATH" commit "no svcscope"
    checks=$((checks + 1))
    [ "$STATUS" -ne 0 ] || fail "the hook let a commit through without svcscope"
    expect_err "svcscope pre-commit hook: svcscope is not on PATH"
    expect_commits 3
fi
commit "urls"
expect_status 0
expect_commits 4

# ---- a file the commit touches is checked whole, unless a baseline records its findings ---
printf '# touched\n' >> "$REPO/orders/legacy.py"
git -C "$REPO" add orders/legacy.py
commit "touch the legacy file"
checks=$((checks + 1))
[ "$STATUS" -ne 0 ] || fail "a touched file's old violation did not count"
expect_err "orders/legacy.py:1:"
expect_commits 4
run check --write-baseline "$REPO/.svcscope-baseline.json" "$REPO"
expect_status 0
(cd "$REPO" && "$SVCSCOPE" install-hook --baseline .svcscope-baseline.json) >"$WORK/out" 2>&1
STATUS=$?
OUT=$(cat "$WORK/out")
expect_status 0
expect_out "--baseline .svcscope-baseline.json"
git -C "$REPO" add .svcscope-baseline.json
commit "touch the legacy file"
expect_status 0
expect_commits 5
run install-hook --baseline "$WORK/missing.json" "$REPO"
expect_status 2
expect_err "write it first: svcscope check --write-baseline"

# ---- reinstalling over our own hook is fine; someone else's is left alone ---------------
run install-hook "$REPO"
expect_status 0
checks=$((checks + 1))
grep -q "^baseline=''" "$(hook_file)" || fail "reinstalling kept the old baseline"

printf '#!/bin/sh\necho theirs\n' > "$(hook_file)"
run install-hook "$REPO"
expect_status 2
expect_err "already exists and svcscope did not write it"
expect_err "--force"
checks=$((checks + 1))
grep -q theirs "$(hook_file)" || fail "a foreign hook was overwritten"

run install-hook --force "$REPO"
expect_status 0
expect_err "kept as $REPO/.git/hooks/pre-commit.backup"
checks=$((checks + 1))
grep -q theirs "$REPO/.git/hooks/pre-commit.backup" || fail "the foreign hook was not backed up"
checks=$((checks + 1))
grep -q "svcscope-install-hook" "$(hook_file)" || fail "--force did not install our hook"

# A second --force never loses the first backup.
printf '#!/bin/sh\necho second\n' > "$(hook_file)"
run install-hook --force "$REPO"
expect_status 0
checks=$((checks + 1))
grep -q theirs "$REPO/.git/hooks/pre-commit.backup" && grep -q second "$REPO/.git/hooks/pre-commit.backup.1" ||
    fail "a second --force overwrote the first backup"

# The pre-commit framework's hook gets a hint to use .pre-commit-config.yaml.
printf '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n' > "$(hook_file)"
run install-hook "$REPO"
expect_status 2
expect_err ".pre-commit-config.yaml"

# ---- core.hooksPath is honoured (relative to the work tree) -----------------------------
new_repo hookspath
write services/__init__.py ''
git -C "$REPO" -c init.defaultBranch=main init -q
git -C "$REPO" config core.hooksPath .githooks
run install-hook "$REPO"
expect_status 0
expect_out "$REPO/.githooks/pre-commit (core.hooksPath)"
checks=$((checks + 1))
[ -x "$REPO/.githooks/pre-commit" ] || fail "the hook is not in core.hooksPath"
checks=$((checks + 1))
[ ! -e "$REPO/.git/hooks/pre-commit" ] || fail "the hook went to .git/hooks despite core.hooksPath"
write orders/__init__.py ''
write orders/models.py ''
write orders/bad.py 'from services.a.b.c import d
'
git -C "$REPO" add -A
commit "through core.hooksPath"
checks=$((checks + 1))
[ "$STATUS" -ne 0 ] || fail "the hook in core.hooksPath did not run"
expect_err "orders/bad.py:1:"

# ---- --print, and errors -------------------------------------------------------------------
run install-hook --print "$REPO"
expect_status 0
expect_out "#!/bin/sh"
expect_out "svcscope-install-hook"
run install-hook "$WORK"
expect_status 2
expect_err "not inside a git repository"
run install-hook --bogus
expect_status 2
expect_err "unknown option '--bogus'"

finish
