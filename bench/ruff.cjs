// The benchmark's side-by-side anchor: ruff (its WebAssembly build, a pinned npm dev dependency)
// checks every .py file of a tree with its default rules, one file after another on one thread,
// the way the wasm build works. Prints the number of files, of diagnostics and the wall time.
//
//     node bench/ruff.cjs DIR
//
// The wasm build is slower than ruff's native binary (published figures put native ruff at
// about 0.3 s for a tree of this size); it is an anchor measured on the same machine in the same
// run, not ruff's best time. Node's standard library only, besides the package itself.
'use strict';
const fs = require('fs');
const path = require('path');
const { Workspace, PositionEncoding } = require('@astral-sh/ruff-wasm-nodejs');

function pythonFiles(dir, out) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.git' || entry.name === 'node_modules') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) pythonFiles(full, out);
        else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
    }
    return out;
}

const dir = process.argv[2];
if (!dir) {
    process.stderr.write('usage: node bench/ruff.cjs DIR\n');
    process.exit(2);
}
const files = pythonFiles(dir, []).sort();
const started = process.hrtime.bigint();
const workspace = new Workspace(Workspace.defaultSettings(), PositionEncoding.Utf16);
let diagnostics = 0;
for (const file of files) diagnostics += workspace.check(fs.readFileSync(file, 'utf8')).length;
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`files=${files.length} diagnostics=${diagnostics} wall_ms=${ms.toFixed(1)} ruff=${Workspace.version()}\n`);
