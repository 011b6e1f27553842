// Live reload, edit to page: a browser holds the page of a scaffolded copy of the fixture project
// (whose live reload stand-in works as phoenix_live_reload over file_system does); each run rewrites
// its home template on this machine and times until the page has reloaded by itself with the new
// text. The same copy runs, in the same bench run, in its dev container (inotify through the bind
// mount), natively on this machine when Elixir and inotifywait are here, and in the dev container
// again with the polling backend (backend: :fs_poll, interval 500 ms).
//
//   node bench/liveReload.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../test/stack/browser.mjs';
import { composeArgs, median, ok, sleep, withProject } from './project.mjs';

const RUNS = 5;
const TEMPLATE = join('lib', 'hello_phoenix_web', 'controllers', 'page_html', 'home.html.heex');
const READY_TIMEOUT_MS = 180_000;
const RELOAD_TIMEOUT_MS = 15_000;
/** Between edits: longer than the polling backend's one-second modification times. */
const PAUSE_MS = 1500;
const PROJECT = 'benchlivereload_ours';

/** Whether a program is on this machine's PATH. */
function onPath(program) {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function answers(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function waitForPage(url, what) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
}

/** Edits the template `runs` times with the page open; the milliseconds from each write to the reloaded page. */
async function editToReload(browser, url, project, runs) {
  const template = join(project, TEMPLATE);
  const original = readFileSync(template, 'utf8');
  const page = await browser.context.newPage();
  const loads = [];
  page.on('load', () => loads.push(performance.now()));
  try {
    await page.goto(url);
    await sleep(500);
    const times = [];
    // Round 0 warms up, not counted.
    for (let round = 0; round <= runs; round += 1) {
      const text = `Edit ${round} ${'.'.repeat(round + 1)}`;
      const seen = loads.length;
      const editedAt = performance.now();
      writeFileSync(template, original.replace(/<h1>.*<\/h1>/, `<h1>${text}</h1>`));
      const deadline = Date.now() + RELOAD_TIMEOUT_MS;
      for (;;) {
        if (loads.length > seen && (await page.textContent('h1').catch(() => '')) === text) break;
        if (Date.now() > deadline) throw new Error(`the page did not reload with "${text}" within ${RELOAD_TIMEOUT_MS / 1000} s`);
        await sleep(10);
      }
      if (round > 0) times.push(loads[loads.length - 1] - editedAt);
      await sleep(PAUSE_MS);
    }
    return times;
  } finally {
    await page.close();
    writeFileSync(template, original);
  }
}

export async function benchLiveReload({ runs = RUNS, log = () => {} } = {}) {
  return withProject({ folder: 'bench livereload', imageSuffix: '-bench-livereload', buildProject: PROJECT, log }, async ({ project, file, url }) => {
    const browser = await launchBrowser();
    const compose = (...args) => ok('docker', composeArgs(PROJECT, file, ...args), { cwd: project });
    const result = { runs, container: [], native: undefined, polling: [], nativeSkipped: undefined };
    try {
      await compose('up', '-d');
      await waitForPage(url, 'the dev container');
      result.container = await editToReload(browser, url, project, runs);
      log(`container: ${result.container.map(Math.round).join(', ')} ms`);
      await compose('stop');

      if (!onPath('mix') || !onPath('inotifywait')) {
        result.nativeSkipped = 'mix or inotifywait is not on this machine';
      } else {
        // The same copy and port, run by this machine's Elixir, its endpoint bound to loopback as written.
        const server = spawn('mix', ['phx.server'], { cwd: project, env: { ...process.env, MIX_ENV: 'dev' }, stdio: 'ignore', detached: true });
        try {
          await waitForPage(url, 'the native server');
          result.native = await editToReload(browser, url, project, runs);
          log(`native: ${result.native.map(Math.round).join(', ')} ms`);
        } finally {
          // Its group: mix, the VM and the live reload watcher's inotifywait.
          process.kill(-server.pid, 'SIGTERM');
        }
      }

      const devExs = join(project, 'config', 'dev.exs');
      writeFileSync(devExs, `${readFileSync(devExs, 'utf8')}\nconfig :phoenix_live_reload, backend: :fs_poll, backend_opts: [interval: 500]\n`);
      await compose('up', '-d', '--force-recreate');
      await sleep(1000);
      await waitForPage(url, 'the dev container with polling');
      result.polling = await editToReload(browser, url, project, runs);
      log(`polling: ${result.polling.map(Math.round).join(', ')} ms`);
    } finally {
      await browser.close();
      await compose('down', '-v', '--remove-orphans').catch(() => {});
    }
    return result;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : RUNS;
  const result = await benchLiveReload({ runs, log: (line) => console.error(`[live reload bench] ${line}`) });
  const ms = (values) => `${Math.round(median(values))} ms`;
  console.log(`edit → page reloaded, dev container (inotify, bind mount), median of ${runs}: ${ms(result.container)}`);
  if (result.native) {
    console.log(`edit → page reloaded, natively on this machine, median of ${runs}: ${ms(result.native)}`);
    console.log(`dev container / native: ${(median(result.container) / median(result.native)).toFixed(2)}x (goal <= 1.10x)`);
  } else {
    console.log(`natively: not measured (${result.nativeSkipped}); the dev container alone`);
  }
  console.log(`edit → page reloaded, dev container polling every 500 ms, median of ${runs}: ${ms(result.polling)}`);
}
