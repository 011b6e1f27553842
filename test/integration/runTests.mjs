// Runs the extension-host integration suite (out/test/integration/**/*.test.js) in a real VS Code.
// The extension under test is the repo itself (dist/extension.js: run `npm run build` first);
// VS Code is code-server in headless Chromium, started by test/stack/code.
// Usage: node test/integration/runTests.mjs   (PHOENIX_TEST_GREP=pattern to run a subset)
import { runTests } from '@vscode/test-electron';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO as repo, prepareWorkspace } from '../stack/workspace.mjs';

const testsEntry = join(repo, 'out', 'test', 'integration', 'index');

for (const [path, hint] of [
  [join(repo, 'dist', 'extension.js'), 'npm run build'],
  [`${testsEntry}.js`, 'npm run compile'],
]) {
  if (!existsSync(path)) {
    console.error(`${path} is missing: run \`${hint}\` first`);
    process.exit(1);
  }
}

const workspace = await prepareWorkspace('hello_phoenix');
const scratch = await mkdtemp(join(tmpdir(), 'phoenix-integration-'));
const userDataDir = join(scratch, 'user-data');
const extensionsDir = join(scratch, 'extensions');
await mkdir(extensionsDir, { recursive: true });

let exitCode = 0;
try {
  await runTests({
    vscodeExecutablePath: join(repo, 'test', 'stack', 'code'),
    extensionDevelopmentPath: repo,
    extensionTestsPath: testsEntry,
    launchArgs: [workspace.folder, `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`],
    extensionTestsEnv: {
      PHOENIX_TEST_ARTIFACTS: process.env.PHOENIX_TEST_ARTIFACTS ?? join(repo, 'test-artifacts', 'integration'),
    },
  });
} catch (error) {
  console.error(`integration tests failed: ${error instanceof Error ? error.message : error}`);
  exitCode = 1;
} finally {
  await workspace.dispose();
  await rm(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
