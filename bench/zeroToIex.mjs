// Zero to IEx, as a new user does it: a fresh copy of the fixture project (shaped as `mix phx.new`
// writes it: config/dev.exs binds 127.0.0.1; no .devcontainer, no _build) opened in a real VS Code
// (code-server, the packaged extension), then, the moment the window shows: the command palette,
// "Phoenix: Start Dev Container", Enter at the question, and once the ready notification shows,
// "Phoenix: Attach Remote IEx" until the terminal shows the `iex(` prompt. Timed from the window
// showing to the prompt. Cold: the dev image removed first, so it is built; warm: the image kept
// (a fresh VS Code profile has no record of the build, so the cached build is checked again).
//
//   node bench/zeroToIex.mjs [--runs N]    # after `npm run compile && npm run package`
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, openWorkbench } from '../test/e2e/workbench.mjs';
import { tagImagesForProject } from '../test/stack/projectImages.mjs';
import { prepareWorkspace } from '../test/stack/workspace.mjs';
import { median } from './project.mjs';

const run = promisify(execFile);
const RUNS = 3;
const IMAGE = 'hello_phoenix-devcontainer';
const COMPOSE_PROJECT = 'hello_phoenix_devcontainer';
const PROMPT = /iex\(hello_phoenix@hello-phoenix\)\d+>/;

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ cold: number, warm: number[], warmMedian: number }>} seconds from the window showing to the prompt
 */
export async function benchZeroToIex({ runs = RUNS, log = () => {} } = {}) {
  const cold = await oneRun('cold', log);
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(await oneRun('warm', log));
  return { cold, warm, warmMedian: median(warm) };
}

async function oneRun(kind, log) {
  const workspace = await prepareWorkspace('hello_phoenix');
  let workbench;
  try {
    await tagImagesForProject(workspace.folder);
    if (kind === 'cold') await run('docker', ['rmi', '-f', IMAGE]).catch(() => undefined);
    workbench = await openWorkbench(workspace.folder, { journey: `bench-zero-to-iex-${kind}` });
    const shown = performance.now();
    await workbench.runFromPalette('Phoenix: Start Dev Container');
    await workbench.answerDialogWithEnter();
    await workbench.toastMatching(/The dev container of hello_phoenix is ready/, 600_000);
    await workbench.runFromPalette('Phoenix: Attach Remote IEx');
    await eventually(async () => {
      if (!PROMPT.test(await workbench.terminalText())) throw new Error('no iex( prompt yet');
    }, { timeout: 120_000, interval: 50 });
    const elapsed = (performance.now() - shown) / 1000;
    log(`${kind}: ${elapsed.toFixed(2)} s from the window showing to the iex( prompt`);
    return elapsed;
  } finally {
    await workbench?.close();
    await run('docker', ['compose', '-p', COMPOSE_PROJECT, '-f', join(workspace.folder, '.devcontainer', 'docker-compose.yml'), 'down', '-v']).catch(() => undefined);
    await workspace.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsArg = process.argv.indexOf('--runs');
  const result = await benchZeroToIex({ runs: runsArg > 0 ? Number(process.argv[runsArg + 1]) : RUNS, log: (line) => console.error(line) });
  console.log(`zero to IEx, cold (image built): ${result.cold.toFixed(2)} s`);
  console.log(`zero to IEx, warm image (median of ${result.warm.length}): ${result.warmMedian.toFixed(2)} s (goal <= 15 s)`);
}
