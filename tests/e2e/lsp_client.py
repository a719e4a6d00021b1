#!/usr/bin/env python3
"""A Language Server Protocol client that drives `svcscope lsp` over stdio on a copy of the demo
and checks what an editor would see: the lifecycle and its exit statuses, JSON-RPC errors for
garbage (the server keeps serving), diagnostics on open, on an unsaved change (cross-file rules
included) and after files change on disk, definitions across files, hovers, code actions and
their edits, symbols and the incoming calls of a wrapper.

Usage: lsp_client.py SVCSCOPE REPO (a git repository holding the demo). Exit 0 when every check
passes, 1 otherwise (each failure on stderr)."""
import json
import os
import queue
import subprocess
import sys
import threading
import time

TIMEOUT = 60
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL lsp: " + what, file=sys.stderr)
    return condition


def uri_of(path):
    return "file://" + path


class Server:
    """One `svcscope lsp` process; every byte it writes on stdout must be a framed message."""

    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen([binary, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.stray = []          # what stdout held that was not a framed message
        self.pending = []        # notifications read while waiting for a response
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = b""
            while not headers.endswith(b"\r\n\r\n"):
                c = out.read(1)
                if not c:
                    if headers:
                        self.stray.append(headers)
                    self.messages.put(None)
                    return
                headers += c
            length = None
            for line in headers.decode("ascii", "replace").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
                elif line:
                    if not line.lower().startswith("content-type:"):
                        self.stray.append(line.encode())
            if length is None:
                self.stray.append(headers)
                continue
            body = out.read(length)
            try:
                self.messages.put(json.loads(body))
            except ValueError:
                self.stray.append(body)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def next_message(self, deadline):
        if self.pending:
            return self.pending.pop(0)
        try:
            return self.messages.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            return None

    def response(self, rid):
        """The response to request `rid`; notifications met on the way are kept for later."""
        deadline = time.time() + TIMEOUT
        kept = []
        while time.time() < deadline:
            try:
                m = self.messages.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if m is None:
                break
            if "method" not in m and m.get("id") == rid:
                self.pending.extend(kept)
                return m
            kept.append(m)
        self.pending.extend(kept)
        return None

    def request(self, method, params, rid=None):
        if rid is None:
            rid = self.next_id
            self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.response(rid)

    def diagnostics(self, uri, predicate, what):
        """Waits for a publishDiagnostics of `uri` that satisfies predicate(list)."""
        deadline = time.time() + TIMEOUT
        last = None
        while time.time() < deadline:
            m = self.next_message(deadline)
            if m is None:
                break
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                last = m["params"]["diagnostics"]
                if predicate(last):
                    return last
        check(False, "%s (last published for %s: %s)" % (what, uri, json.dumps(last)))
        return last

    def notification(self, method, predicate, what):
        """Waits for a notification `method` whose params satisfy predicate(params)."""
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            m = self.next_message(deadline)
            if m is None:
                break
            if m.get("method") == method and predicate(m["params"]):
                return m["params"]
        check(False, what)
        return None

    def wait(self):
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def codes(diags):
    return sorted(d["code"] for d in diags or [])


def apply_edits(text, edits):
    """Applies TextEdits (positions in code points: the test asks for utf-32) to a text."""
    lines = text.split("\n")

    def offset(pos):
        return sum(len(l) + 1 for l in lines[:pos["line"]]) + pos["character"]

    # in order of start (edits at the same place in the order given), each over the original text
    out, at = [], 0
    for e in sorted(edits, key=lambda e: offset(e["range"]["start"])):
        start, end = offset(e["range"]["start"]), offset(e["range"]["end"])
        check(start >= at, "edits overlap: %s" % edits)
        out.append(text[at:start] + e["newText"])
        at = max(at, end)
    return "".join(out) + text[at:]


def lifecycle_statuses(binary, repo):
    # exit without shutdown: 1
    s = Server(binary, repo)
    r = s.request("initialize", {"processId": None, "rootUri": uri_of(repo), "capabilities": {}})
    check(r and "result" in r, "initialize answered")
    s.notify("exit", None)
    check(s.wait() == 1, "exit without shutdown exits 1")
    # input ended without exit: 1
    s = Server(binary, repo)
    s.proc.stdin.close()
    check(s.wait() == 1, "the end of the input without exit exits 1")
    # a request before initialize: ServerNotInitialized, and the server goes on
    s = Server(binary, repo)
    r = s.request("textDocument/hover", {})
    check(r and r.get("error", {}).get("code") == -32002, "a request before initialize gets ServerNotInitialized: %s" % r)
    r = s.request("initialize", {"processId": None, "rootUri": uri_of(repo), "capabilities": {}})
    check(r and r["result"]["capabilities"]["positionEncoding"] == "utf-16",
          "without an offer the position encoding is utf-16: %s" % r)
    r = s.request("shutdown", None)
    check(r and r.get("result", "missing") is None, "shutdown answers null: %s" % r)
    r = s.request("textDocument/hover", {})
    check(r and r.get("error", {}).get("code") == -32600, "a request after shutdown is refused: %s" % r)
    s.notify("exit", None)
    check(s.wait() == 0, "shutdown then exit exits 0")
    check(not s.stray, "nothing but messages on stdout: %r" % s.stray[:3])


def main():
    binary, repo = sys.argv[1], os.path.realpath(sys.argv[2])
    lifecycle_statuses(binary, repo)

    s = Server(binary, repo)
    init = s.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(repo),
                                    "capabilities": {"general": {"positionEncodings": ["utf-16", "utf-32"]}}})
    caps = init["result"]["capabilities"] if init and "result" in init else {}
    check(caps.get("positionEncoding") == "utf-32", "utf-32 is chosen when offered: %s" % caps)
    check(caps.get("textDocumentSync", {}).get("change") == 1, "full document sync: %s" % caps)
    for cap in ("definitionProvider", "hoverProvider", "codeActionProvider", "workspaceSymbolProvider",
                "callHierarchyProvider"):
        check(caps.get(cap), "capability %s" % cap)
    s.notify("initialized", {})

    # garbage: a parse error, an unknown method, a message over the limit; the server goes on
    body = b'{"jsonrpc": "2.0", "id": 7, "method": '
    s.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    r = s.response(None)
    check(r and r.get("error", {}).get("code") == -32700, "malformed JSON gets ParseError: %s" % r)
    s.send_raw(b"Content-Type: application/vscode-jsonrpc\r\n\r\n")
    r = s.response(None)
    check(r and r.get("error", {}).get("code") == -32700, "a header without Content-Length gets ParseError: %s" % r)
    r = s.request("no/such/method", {})
    check(r and r.get("error", {}).get("code") == -32601, "an unknown method gets MethodNotFound: %s" % r)
    s.notify("$/cancelRequest", {"id": 1})
    s.notify("$/unknownNotification", {})
    big = 17 * 1024 * 1024
    s.send_raw(b"Content-Length: %d\r\n\r\n" % big + b" " * big)
    r = s.response(None)
    check(r and r.get("error") and "limit" in r["error"]["message"], "a message over 16 MB is refused: %s" % r)

    views_path = os.path.join(repo, "accounts/views.py")
    views = uri_of(views_path)
    views_text = open(views_path).read()
    s.notify("textDocument/didOpen", {"textDocument": {"uri": views, "languageId": "python", "version": 1,
                                                       "text": views_text}})
    diags = s.diagnostics(views, lambda d: "SVC201" in codes(d), "SVC201 published on open")
    deep = [d for d in diags or [] if d["code"] == "SVC201"]
    if check(deep, "the SVC201 finding of accounts/views.py"):
        d = deep[0]
        check(d["range"]["start"] == {"line": 13, "character": 50}, "SVC201 range starts at 14:51: %s" % d["range"])
        check(d["severity"] in (1, 2) and d["source"] == "svcscope", "severity and source: %s" % d)
        check(d["codeDescription"]["href"].endswith("docs/rules.md#svc201"),
              "code description links docs/rules.md: %s" % d["codeDescription"])
        related = d.get("relatedInformation") or [{}]
        check(related[0].get("location", {}).get("uri", "").endswith("/services/integrations/google_calendar/credentials.py")
              and "get_credentials` is defined here" in related[0].get("message", ""),
              "related information: the definition the finding is about: %s" % related)
    # the response carries something else: still answered while diagnostics are published
    r = s.request("textDocument/definition", {"textDocument": {"uri": views},
                                              "position": {"line": 24, "character": 40}})
    loc = r and r.get("result")
    check(loc and loc["uri"] == uri_of(os.path.join(repo, "services/tasks/email_tasks.py"))
          and loc["range"]["start"]["line"] == 11, "definition across files: %s" % r)

    r = s.request("textDocument/hover", {"textDocument": {"uri": views}, "position": {"line": 13, "character": 55}})
    hover = (r or {}).get("result") or {}
    value = hover.get("contents", {}).get("value", "")
    check("SVC201" in value and "deep-service-import" in value, "hover on a finding explains the rule: %s" % r)
    r = s.request("textDocument/hover", {"textDocument": {"uri": views}, "position": {"line": 24, "character": 40}})
    value = ((r or {}).get("result") or {}).get("contents", {}).get("value", "")
    check("wrapper" in value and "services.tasks.email_tasks.delay_send_welcome_email" in value and "callers" in value,
          "hover on a wrapper names it and counts its callers: %s" % r)

    r = s.request("textDocument/codeAction", {"textDocument": {"uri": views},
                                              "range": {"start": {"line": 13, "character": 50},
                                                        "end": {"line": 13, "character": 50}},
                                              "context": {"diagnostics": deep}})
    actions = (r or {}).get("result") or []
    fixes = [a for a in actions if a.get("isPreferred")]
    if check(fixes, "a preferred quick fix for SVC201: %s" % actions):
        fixed = apply_edits(views_text, fixes[0]["edit"]["changes"][views])
        check("from services.integrations import google_calendar\n" in fixed and "google_calendar.get_credentials(" in fixed
              and "google_calendar import get_credentials" not in fixed, "the fix's edit rewrites the import:\n" + fixed)
        noqa = [a for a in actions if "noqa" in a["title"]]
        if check(noqa, "a noqa action: %s" % actions):
            line = apply_edits(views_text, noqa[0]["edit"]["changes"][views]).split("\n")[13]
            check(line.endswith("import get_credentials  # noqa: SVC201"), "the noqa edit: %s" % line)
        # the fixed text in the unsaved buffer: the finding is gone, the file on disk is unchanged
        s.notify("textDocument/didChange", {"textDocument": {"uri": views, "version": 2},
                                            "contentChanges": [{"text": fixed}]})
        s.diagnostics(views, lambda d: d is not None and "SVC201" not in codes(d), "SVC201 gone after the unsaved fix")
        check(open(views_path).read() == views_text, "the server does not write the file")
        # typing a new deep import shows a new finding without saving
        s.notify("textDocument/didChange", {"textDocument": {"uri": views, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
             "text": "from services.billing.invoices import render_invoice_pdf\n"}]})
        s.diagnostics(views, lambda d: [x["range"]["start"]["line"] for x in d if x["code"] == "SVC201"] == [1],
                      "a deep import typed in the buffer is found on line 2")

        # three deep imports in the buffer: one action fixes them all
        three = views_text.replace("from functools import partial\n", "from functools import partial\n"
                                   "from services.billing.invoices import render_invoice_pdf\n"
                                   "from services.notifications.email import send_welcome_email\n", 1)
        three += "\n\ndef use():\n    render_invoice_pdf(1)\n    send_welcome_email(2)\n"
        s.notify("textDocument/didChange", {"textDocument": {"uri": views, "version": 4},
                                            "contentChanges": [{"text": three}]})
        s.diagnostics(views, lambda d: len([x for x in d if x["code"] == "SVC201"]) == 3, "three SVC201 in the buffer")
        r = s.request("textDocument/codeAction", {"textDocument": {"uri": views},
                                                  "range": {"start": {"line": 2, "character": 0},
                                                            "end": {"line": 2, "character": 0}},
                                                  "context": {"diagnostics": []}})
        fix_all = [a for a in (r or {}).get("result") or [] if "fix all" in a["title"]]
        if check(fix_all and fix_all[0]["title"] == "SVC201: fix all 3 in this file", "a fix-all action: %s" % r):
            fixed = apply_edits(three, fix_all[0]["edit"]["changes"][views])
            for want in ("from services.billing import invoices\n", "from services.notifications import email\n",
                         "from services.integrations import google_calendar\n", "    invoices.render_invoice_pdf(1)\n",
                         "    email.send_welcome_email(2)\n", "google_calendar.get_credentials(self"):
                check(want in fixed, "fix all: %r in\n%s" % (want, fixed))
        s.notify("textDocument/didChange", {"textDocument": {"uri": views, "version": 5},
                                            "contentChanges": [{"text": views_text}]})

    # cross-file, unsaved: exporting RefundError in the open __init__.py clears SVC301 in errors.py
    init_path = os.path.join(repo, "services/billing/__init__.py")
    errors_uri = uri_of(os.path.join(repo, "services/billing/errors.py"))
    init_text = open(init_path).read()
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(init_path), "languageId": "python", "version": 1,
                                                       "text": init_text}})
    patched = init_text.replace("InvoiceError, PaymentError\n", "InvoiceError, PaymentError, RefundError\n", 1).replace(
        '"PaymentError",', '"PaymentError",\n    "RefundError",')
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri_of(init_path), "version": 2},
                                        "contentChanges": [{"text": patched}]})
    s.diagnostics(errors_uri, lambda d: "SVC301" not in codes(d), "SVC301 of errors.py cleared by the unsaved __init__.py")

    # a file changed on disk, not open: didChangeWatchedFiles brings its findings
    admin_path = os.path.join(repo, "orders/admin.py")
    admin = uri_of(admin_path)
    text = open(admin_path).read()
    with open(admin_path, "w") as f:
        f.write(text.replace("from services.billing import errors\n", "").replace(
            "import render_invoice_pdf  # noqa: SVC201", "import render_invoice_pdf"))
    s.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": admin, "type": 2}]})
    s.diagnostics(admin, lambda d: "SVC201" in codes(d) and "SVC302" not in codes(d),
                  "orders/admin.py re-checked after didChangeWatchedFiles")

    # a binary buffer is not checked, and the user is told; the server goes on
    binary_path = os.path.join(repo, "orders/models.py")
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(binary_path), "languageId": "python",
                                                       "version": 1, "text": "x = 1\u0000\n"}})
    s.notification("window/showMessage", lambda p: p["message"].endswith("holds NUL bytes (binary): svcscope does not check it")
                   and p["type"] == 2, "a binary buffer is said to be left unchecked")
    s.notify("textDocument/didClose", {"textDocument": {"uri": uri_of(binary_path)}})

    r = s.request("workspace/symbol", {"query": "delay_send_welcome"})
    names = [x["name"] for x in (r or {}).get("result") or []]
    check("services.tasks.email_tasks.delay_send_welcome_email" in names, "workspace/symbol finds the wrapper: %s" % names)

    tasks_uri = uri_of(os.path.join(repo, "services/tasks/email_tasks.py"))
    r = s.request("textDocument/prepareCallHierarchy", {"textDocument": {"uri": tasks_uri},
                                                        "position": {"line": 11, "character": 6}})
    items = (r or {}).get("result") or []
    if check(items and items[0]["name"].endswith("delay_send_welcome_email"), "prepareCallHierarchy: %s" % r):
        r = s.request("callHierarchy/incomingCalls", {"item": items[0]})
        calls = (r or {}).get("result") or []
        places = sorted((c["from"]["uri"].rsplit(repo + "/", 1)[-1], c["fromRanges"][0]["start"]["line"]) for c in calls)
        check(("accounts/views.py", 24) in places and ("services/tasks/tests/test_email_tasks.py", 11) in places,
              "incoming calls list the call sites: %s" % places)
        r = s.request("callHierarchy/outgoingCalls", {"item": items[0]})
        to = [c["to"]["name"] for c in (r or {}).get("result") or []]
        check(to == ["services.tasks.email_tasks._send_welcome_email"], "a wrapper's outgoing call is its task: %s" % to)
        if to:
            r = s.request("callHierarchy/outgoingCalls", {"item": r["result"][0]["to"]})
            to = [c["to"]["name"] for c in (r or {}).get("result") or []]
            check(to == ["services.notifications.email.send_welcome_email"],
                  "a task's outgoing calls are what its body calls: %s" % to)

    r = s.request("shutdown", None)
    s.notify("exit", None)
    check(s.wait() == 0, "exit after shutdown exits 0")
    check(not s.stray, "nothing but messages on stdout: %r" % s.stray[:3])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
