#!/bin/sh
# Git in every state a user can leave it: not a repository, bare, empty (no HEAD), detached HEAD,
# a locked index, a real merge conflict, a submodule, --staged with nothing staged. Each run says
# what it cannot do and why, exits 2 for what it refuses, and writes nothing it was not asked to.
. "$TOP_SRCDIR/tests/e2e/bad_input_lib.sh"

# ---- a folder that is not a git repository: check works, what needs git is refused
fixture_repo plain
rm -rf "$REPO/.git"
before "$REPO"
run check "$REPO"
result "a folder that is not a git repo: check"
expect_status 1
expect_out "orders/views.py:1:"
run check --staged "$REPO"
result "not a git repo: check --staged"
expect_status 2
expect_err "not a git repository, so there is no index to read"
run check --diff HEAD "$REPO"
result "not a git repo: check --diff HEAD"
expect_status 2
expect_err "--diff needs a git repository"
run tree --rev HEAD "$REPO"
expect_status 2
expect_err "not a git repository"
run fix --stage "$REPO"
result "not a git repo: fix --stage"
expect_status 2
expect_err "--stage needs a git repository; nothing was changed"
expect_unchanged "$REPO" "svcscope outside git"

# ---- a bare repository: no work tree to read
git init -q --bare "$WORK/bare.git"
before "$WORK/bare.git"
run check "$WORK/bare.git"
result "a bare repository (git init --bare)"
expect_status 2
expect_err "a bare repository has no work tree; clone it first"
run tree "$WORK/bare.git/refs"
expect_status 2
expect_err "a bare repository has no work tree; clone it first"
run fix "$WORK/bare.git"
expect_status 2
expect_err "a bare repository has no work tree"
expect_unchanged "$WORK/bare.git" "svcscope on a bare repository"

# ---- an empty repository (no HEAD yet)
new_repo empty
git -C "$REPO" -c init.defaultBranch=main init -q
write services/__init__.py ''
write orders/__init__.py ''
write orders/models.py ''
write orders/views.py 'from services.integrations.google_calendar.credentials import get_credentials
'
before "$REPO"
run check "$REPO"
result "an empty repository: check"
expect_status 1
expect_out "orders/views.py:1:"
run check --staged "$REPO"
result "empty repository, nothing staged: check --staged"
expect_status 0
expect_err "nothing is staged: the git index is empty"
run check --diff HEAD "$REPO"
result "empty repository: check --diff HEAD"
expect_status 2
expect_err "--diff HEAD: the repository has no commit yet, so there is nothing to compare with"
run tree --rev HEAD "$REPO"
result "empty repository: tree --rev HEAD"
expect_status 2
expect_err "HEAD"
expect_unchanged "$REPO" "svcscope in an empty repository"
git -C "$REPO" add -A
before "$REPO"
run check --staged "$REPO"
result "empty repository, files staged: check --staged"
expect_status 1
expect_out "orders/views.py:1:"
run check --staged --diff HEAD "$REPO"
expect_status 2
expect_err "no commit yet"
expect_unchanged "$REPO" "check --staged in an empty repository"

# ---- --staged with nothing staged (index == HEAD): the committed snapshot is what is staged
fixture_repo clean
before "$REPO"
run check --staged "$REPO"
result "--staged with nothing staged (index = HEAD)"
expect_status 1
expect_out "orders/views.py:1:"
run check --staged --diff HEAD "$REPO"
result "--staged --diff HEAD with nothing staged"
expect_status 0
expect_out "Found 0 violations"
expect_unchanged "$REPO" "check --staged with nothing staged"

# ---- a detached HEAD
printf '\n\ndef more():\n    return 1\n' >> "$REPO/orders/views.py"
git -C "$REPO" commit -q -am second
git -C "$REPO" checkout -q --detach HEAD~1
before "$REPO"
run check "$REPO"
result "detached HEAD: check"
expect_status 1
expect_out "orders/views.py:1:"
run check --diff main "$REPO"
expect_status 1
run tree --rev main "$REPO"
expect_status 0
expect_unchanged "$REPO" "svcscope on a detached HEAD"
run fix --stage "$REPO"
result "detached HEAD: fix --stage"
expect_status 0
checks=$((checks + 1))
git -C "$REPO" diff --cached --quiet && fail "fix --stage on a detached HEAD staged nothing"
git -C "$REPO" reset -q --hard && git -C "$REPO" checkout -q main

# ---- a locked index: fix --stage refuses and changes nothing; reading it is fine
touch "$REPO/.git/index.lock"
before "$REPO"
run fix --stage "$REPO"
result "locked index (.git/index.lock): fix --stage"
expect_status 2
expect_err "the git index is locked by another git process"
expect_err "nothing was changed"
run check --staged "$REPO"
result "locked index: check --staged"
expect_status 1
expect_unchanged "$REPO" "fix --stage with a locked index"
rm -f "$REPO/.git/index.lock"

# ---- a real merge conflict
git -C "$REPO" checkout -q -b other
sed 's/return 1/return 2/' "$REPO/orders/views.py" > "$WORK/v" && cat "$WORK/v" > "$REPO/orders/views.py"
git -C "$REPO" commit -q -am other
git -C "$REPO" checkout -q main
sed 's/return 1/return 3/' "$REPO/orders/views.py" > "$WORK/v" && cat "$WORK/v" > "$REPO/orders/views.py"
git -C "$REPO" commit -q -am main
git -C "$REPO" merge -q other >/dev/null 2>&1
checks=$((checks + 1))
git -C "$REPO" status --porcelain | grep -q '^UU orders/views.py' || fail "the fixture has no merge conflict"
before "$REPO"
run check --staged "$REPO"
result "merge conflict: check --staged"
expect_status 0
expect_warning "orders/views.py: has merge conflicts in the git index, so its staged version was not read"
run check "$REPO"
result "merge conflict: check (markers in the work tree)"
expect_status 1
expect_out "orders/views.py:1:"
expect_warning "orders/views.py:"
expect_warning "syntax error"
expect_unchanged "$REPO" "check during a merge conflict"
run fix --stage "$REPO"
result "merge conflict: fix --stage"
expect_status 1
checks=$((checks + 1))
grep -q '^<<<<<<<' "$REPO/orders/views.py" || fail "fix --stage touched the conflicted file"
checks=$((checks + 1))
git -C "$REPO" status --porcelain | grep -q '^UU orders/views.py' || fail "fix --stage resolved the conflict"
git -C "$REPO" merge --abort

# A fixable finding in the conflicted file's other lines: refused, the conflict stays
git -C "$REPO" checkout -q -b third HEAD~1
printf 'from services.integrations.google_calendar.credentials import get_credentials as g2\n' > "$WORK/head"
cat "$WORK/head" "$REPO/orders/views.py" > "$WORK/v" && cat "$WORK/v" > "$REPO/orders/views.py"
sed 's/return 1/return 4/' "$REPO/orders/views.py" > "$WORK/v" && cat "$WORK/v" > "$REPO/orders/views.py"
git -C "$REPO" commit -q -am third
git -C "$REPO" merge -q main >/dev/null 2>&1
git -C "$REPO" checkout -q --theirs orders/views.py 2>/dev/null
before "$REPO"
run fix --stage "$REPO"
result "merge conflict (markers resolved in the work tree, index still conflicted): fix --stage"
expect_status 1
expect_err "has merge conflicts in the git index; resolve them first (not fixed)"
expect_unchanged "$REPO" "fix --stage of a conflicted file"
git -C "$REPO" merge --abort
git -C "$REPO" checkout -q main

# ---- a submodule: not read as part of the project around it; a project of its own inside
fixture_repo sub
SUB=$REPO
fixture_repo super
git -C "$REPO" -c protocol.file.allow=always submodule add -q "$SUB" vendor/sub >/dev/null 2>&1
git -C "$REPO" commit -q -m submodule
checks=$((checks + 1))
[ -f "$REPO/vendor/sub/orders/views.py" ] || fail "the submodule was not checked out"
before "$REPO"
run check "$REPO"
result "a submodule (git submodule add): check of the superproject"
expect_status 1
expect_no_out "vendor/sub"
run check --staged "$REPO"
expect_status 1
expect_no_out "vendor/sub"
run check "$REPO/vendor/sub"
result "a submodule: check of a path inside it"
expect_status 1
expect_out "orders/views.py:1:"
expect_no_out "vendor/sub/"
expect_unchanged "$REPO" "check with a submodule"
run fix --stage "$REPO"
result "a submodule: fix --stage of the superproject"
expect_status 0
checks=$((checks + 1))
[ -z "$(git -C "$REPO/vendor/sub" status --porcelain)" ] || fail "fix of the superproject changed the submodule"
checks=$((checks + 1))
git -C "$REPO" diff --cached --name-only | grep -q '^orders/views.py$' || fail "fix --stage did not stage the superproject's fix"

finish
