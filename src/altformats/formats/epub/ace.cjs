// Ace by DAISY on several EPUBs in one node process and one Chromium: ace-cli starts both for
// every book (about 5 s each here), and ace-core launches and closes its browser for every book.
// Usage: node ace.cjs OUTDIR EPUB...  ->  OUTDIR/<n>/report.json for the n-th EPUB (from 0).
// Exit 0 when every book has its report (passed or not), 1 on an error, which stderr names.
"use strict";
const path = require("node:path");
const ace = require("@daisy/ace-core");
const runner = require("@daisy/ace-axe-runner-puppeteer");
const logger = require("@daisy/ace-logger");

let launched = null;
const shared = Object.create(runner); // the same runner, its browser launched once and closed at the end
shared.launch = () => (launched ??= runner.launch());
shared.close = async () => {};

async function main() {
  const [outdir, ...books] = process.argv.slice(2);
  logger.initLogger({ silent: true });
  try {
    for (const [index, book] of books.entries()) {
      const options = { cwd: process.cwd(), outdir: path.join(outdir, String(index)), silent: true, jobId: "" };
      await ace(book, options, shared);
    }
  } finally {
    if (launched) await launched.then(() => runner.close());
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`Ace by DAISY: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  },
);
