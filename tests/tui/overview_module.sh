#!/bin/sh
# A module that defines tasks shows its tasks in the source pane's place: each task, its
# wrappers with their caller counts and call sites, the task's direct uses, the module's
# findings; `c` on a task's line shows its callers; Enter on "its source" opens the module.
# A module without tasks shows its source as before.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=110x34
run_script <<'KEYS'
:wait-loaded
# services/tasks/ (the 8th row), opened; its email_tasks.py
jjjjjjj
l
jjjj
:save-display module_overview
<Tab>
jjj
c
:save-display module_callers
<S-Tab>
<S-Tab>
g
j
<Enter>
:save-display module_source
<S-Tab>
k
:save-display module_cleanup
kk
:save-display module_init
KEYS
expect_status 0
expect_screen module_overview
expect_screen module_callers
expect_screen module_source
expect_in_screen module_overview "overview of services/tasks/email_tasks.py"
expect_in_screen module_overview "delay_send_welcome_email  2 callers"
expect_in_screen module_overview "accounts/views.py:25  in SignUpView.form_valid  [passed as a va"
expect_in_screen module_callers "[Callers]  task _send_welcome_email"
expect_in_screen module_source "Source  services/tasks/email_tasks.py:1"
# cleanup.py, the tasks module above it, has its own overview; __init__.py (no task) its source.
expect_in_screen module_cleanup "overview of services/tasks/cleanup.py"
expect_in_screen module_init "Source  services/tasks/__init__.py:1"

# A reload keeps the overview shown over a file opened before it (it used to show the file).
run_script <<'KEYS'
:wait-loaded
jjjjj
R
:wait-loaded
:save-display reloaded
KEYS
expect_status 0
expect_in_screen reloaded "overview of services/notifications/"
finish
