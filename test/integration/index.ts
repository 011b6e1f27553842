// Entry point VS Code loads as --extensionTestsPath: runs every *.test.js next to this file (and
// below it) with mocha inside the extension host, where the real `vscode` API is available.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Marks the line test/run.mjs reads the counts from. */
const SUMMARY_PREFIX = 'phoenix-test-summary';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    // e.g. PHOENIX_TEST_GREP=activation to run a subset
    grep: process.env['PHOENIX_TEST_GREP'],
  });
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  for (const file of files) {
    mocha.addFile(join(__dirname, file));
  }
  await mocha.loadFilesAsync();
  const { failures, stats } = await new Promise<{ failures: number; stats: Mocha.Stats | undefined }>((resolve) => {
    const runner = mocha.run((failed) => {
      resolve({ failures: failed, stats: runner.stats });
    });
  });
  console.log(`${SUMMARY_PREFIX} passed=${stats?.passes ?? 0} failed=${failures} skipped=${stats?.pending ?? 0} files=${files.length}`);
  if (files.length === 0) {
    throw new Error(`no *.test.js files found in ${__dirname}`);
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
