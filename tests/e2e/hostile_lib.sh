# A hostile repository for tests/e2e/hostile_names.sh and tests/tui/hostile_names.sh: file names,
# code and a Celery name that hold escape sequences (ESC, OSC 52 clipboard writes, CR, backspace,
# a C1 control, a byte that is not UTF-8).

# put PATH FORMAT: a file of $REPO written by printf (so that FORMAT can hold \033 and friends)
put() {
    mkdir -p "$REPO/$(dirname "$1")"
    printf "$2" > "$REPO/$1"
}

# hostile_repo: the repository, as a git repo in $REPO. Its folder name has an escape sequence
# too, so every absolute path said has one.
hostile_repo() {
    new_repo "$(printf 'hostile\033[31m')"
    put shop/__init__.py ''
    put shop/celery.py 'from celery import Celery\napp = Celery("shop")\n'
    put services/__init__.py ''
    put services/tasks/__init__.py 'from .email_tasks import delay_send\n'
    # a Celery name with a clear-screen sequence in it (callers shows it)
    put services/tasks/email_tasks.py 'from shop.celery import app\n\n\n@app.task(name="evil\033[2Jname")
def _send(x):\n    pass\n\n\ndef delay_send(x):\n    return _send.delay(x)\n'
    # a finding on a line that sets the terminal title (callers and the fix diff show the line)
    put shop/views.py 'from services.tasks.email_tasks import _send\n\n\ndef view(r):\n    _send.delay("\033]0;owned\007")\n'
    # a module with an escape sequence in its name that calls the wrapper (graph, callers)
    put "$(printf 'shop/caller\033[31m.py')" 'from services.tasks import delay_send\n\n\ndef go():\n    delay_send(1)\n'
    # a file that does not parse (a warning names it)
    put "$(printf 'shop/broken\033]0;x\007.py')" 'from services.tasks import delay_send\n\n\ndef f(:\n'
    # files directly in the services root (SVC102 names each)
    for name in 'evil\033[31mred' 'osc\033]52;c;aGk=\007' 'cr\rover' 'back\bspace' 'c1\302\23331m' 'bad\377byte'; do
        : > "$REPO/services/$(printf "$name").py"
    done
    git_commit_all
}

# raw_controls FILE: fails, saying where, when FILE holds a byte a terminal acts on: a C0 control
# but tab and newline, DEL, a C1 control (U+0080-U+009F in UTF-8), a byte that is not UTF-8
raw_controls() {
    python3 - "$1" <<'EOF'
import re, sys
data = open(sys.argv[1], 'rb').read()
try:
    data.decode('utf-8')
except UnicodeDecodeError as e:
    sys.exit("a byte that is not UTF-8 at %d: %r" % (e.start, data[max(0, e.start - 30):e.start + 30]))
bad = re.search(rb'[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]', data)
if bad:
    sys.exit("raw %r at %d: %r" % (bad.group(), bad.start(), data[max(0, bad.start() - 30):bad.start() + 30]))
EOF
}
