#!/bin/sh
# What is not the application is not read, by any command: hidden folders (a tracked
# `.semgrep/` of rule fixtures), virtualenvs, node_modules, site-packages, build and dist;
# `extend-exclude` adds to the defaults, `exclude` replaces them, `--exclude` adds.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
write shop/jobs.py 'from shop.celery import app


@app.task
def crunch():
    pass


def queue():
    crunch.delay()
'
fixture='from celery import shared_task


@shared_task
def fixture_task():
    pass


def queue():
    fixture_task.delay()
'
write .semgrep/celery/rule.py "$fixture"
write frontend/node_modules/gyp/pylib/tasks.py "$fixture"
write build/lib/shop/tasks.py "$fixture"
write legacy/tasks.py "$fixture"
git_commit_all
# an untracked virtualenv that .gitignore does not hide
write venv312/pyvenv.cfg 'home = /usr/bin
'
write venv312/lib/python3.12/site-packages/celery/tasks.py "$fixture"
write venv312/bin/fixture.py "$fixture"

run check "$REPO" --select SVC4
expect_status 1
expect_out 'shop/jobs.py:5:5: SVC401'
expect_out 'legacy/tasks.py:5:5: SVC401'
expect_out 'Found 2 violations'
expect_no_out '.semgrep'
expect_no_out 'venv312'
expect_no_out 'node_modules'
expect_no_out 'build/'

run tree "$REPO"
expect_status 0
expect_out 'shop/jobs.py:5'
expect_out 'legacy/tasks.py'
expect_no_out '.semgrep'
expect_no_out 'venv312'

run callers fixture_task "$REPO"
expect_status 0
expect_out 'legacy/tasks.py'
expect_no_out '.semgrep'
expect_no_out 'node_modules'

run graph "$REPO"
expect_status 0
expect_out 'crunch'
expect_no_out '.semgrep'
expect_no_out 'venv312'

run check "$REPO" --select SVC4 --exclude legacy
expect_out 'Found 1 violation'
expect_no_out 'legacy'

run fix "$REPO" --select SVC4 --exclude legacy
expect_no_out 'legacy'
expect_no_out 'fixture'
expect_no_out '.semgrep'

# extend-exclude adds to the defaults
write pyproject.toml '[tool.svcscope]
extend-exclude = ["legacy"]
'
run check "$REPO" --select SVC4
expect_out 'Found 1 violation'
expect_no_out 'legacy'
expect_no_out '.semgrep'

# exclude replaces them: the rule fixtures are read again, the virtualenv never is
write pyproject.toml '[tool.svcscope]
exclude = ["legacy"]
'
run check "$REPO" --select SVC401
expect_out '.semgrep/celery/rule.py:5:5: SVC401'
expect_out 'build/lib/shop/tasks.py:5:5: SVC401'
expect_out 'frontend/node_modules/gyp/pylib/tasks.py:5:5: SVC401'
expect_no_out 'venv312'
expect_no_out 'legacy'

# --show-settings: the excludes in force, the virtualenvs found, and where each setting came from
write pyproject.toml '[tool.svcscope]
select = ["SVC4"]
extend-exclude = ["legacy"]
'
run check --show-settings --ignore SVC402 --exclude old "$REPO"
expect_status 0
expect_out 'Settings file: pyproject.toml ([tool.svcscope])'
expect_out 'exclude                = [".*", "node_modules", "site-packages", "build", "dist"]  # default'
expect_out 'extend-exclude         = ["legacy", "old"]'
expect_out '# pyproject.toml:3 + --exclude'
expect_out 'select                 = ["SVC4"]'
expect_out '# pyproject.toml:2'
expect_out 'ignore                 = ["SVC402"]'
expect_out '# default + --ignore'
expect_out 'virtualenvs            = ["venv312"]'
expect_out 'tasks-service          = "tasks"'
expect_no_out 'Found'
run check --show-settings --select SVC2 --max-file-size 1MiB "$REPO"
expect_out 'select                 = ["SVC2"]'
expect_out '# --select'
expect_out 'max-file-size          = 1048576'
write pyproject.toml '[tool.svcscope]
exclude = []
'
run check --show-settings "$REPO"
expect_out 'exclude                = []'
expect_out '# pyproject.toml:2'

finish
