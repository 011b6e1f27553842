// How soon the Phoenix view can show a `docker stop`: from the container's death (its die event,
// State.FinishedAt) and from `docker stop` returning, to the events watcher's change callback
// followed by a fresh container list that shows the container exited. This is what the view does
// (out/src/docker/composeEventsWatcher.js and engine.js, compiled, no VS Code). The container is
// one of the bench's offline image running `sleep infinity` under an init, labelled as a compose
// service of a project nobody else uses.
//
//   node bench/treeLatency.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const RUNS = 5;
const IMAGE = 'phoenix-dev-containers-bench/elixir:bookworm';
const TIMEOUT_MS = 10_000;

const root = fileURLToPath(new URL('..', import.meta.url));
const requireCompiled = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function docker(...args) {
  const { stdout } = await execFileAsync('docker', args, { encoding: 'utf8' });
  return stdout.trim();
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Resolves with the time the watcher's change callback was followed by a list that shows the
 * container exited.
 */
function whenSeenExited(watcher, engine, project, id) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the watcher did not report the stop within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const subscription = watcher.onChange((changed) => {
      if (changed !== undefined && !changed.has(project)) return;
      engine.listComposeContainers(project).then((containers) => {
        if (containers.find((container) => container.id === id)?.state !== 'exited') return;
        const seenAt = Date.now();
        clearTimeout(timer);
        subscription.dispose();
        resolve(seenAt);
      }, reject);
    });
  });
}

export async function benchTreeLatency({ runs = RUNS, log = () => {} } = {}) {
  const { DockerEngine } = requireCompiled(`${root}out/src/docker/engine.js`);
  const { ComposeEventsWatcher } = requireCompiled(`${root}out/src/docker/composeEventsWatcher.js`);
  const engine = new DockerEngine({ dockerHost: '' });
  const watcher = new ComposeEventsWatcher(engine);
  const project = `benchtree${randomBytes(3).toString('hex')}`;
  const fromDie = [];
  const fromStopReturned = [];
  let id;
  try {
    id = await docker(
      'run', '-d', '--init',
      '--label', `com.docker.compose.project=${project}`,
      '--label', 'com.docker.compose.service=app',
      '--label', 'com.docker.compose.oneoff=False',
      IMAGE, 'sleep', 'infinity',
    );
    let opened = false;
    const connection = watcher.onConnectionChange((connected, error) => {
      if (connected) opened = true;
      else log(`events: Docker not reachable (${error})`);
    });
    watcher.start();
    for (let waited = 0; !opened; waited += 20) {
      if (waited > TIMEOUT_MS) throw new Error('the events stream did not open');
      await sleep(20);
    }
    connection.dispose();
    for (let index = 0; index < runs; index += 1) {
      if (index > 0) await docker('start', id);
      // Let the start's events pass, so that the stop's burst is gathered on its own.
      await sleep(300);
      const seen = whenSeenExited(watcher, engine, project, id);
      await docker('stop', id);
      const stopReturnedAt = Date.now();
      const seenAt = await seen;
      const finishedAt = Date.parse(await docker('inspect', '--format', '{{.State.FinishedAt}}', id));
      fromDie.push(seenAt - finishedAt);
      fromStopReturned.push(seenAt - stopReturnedAt);
      log(`run ${index + 1}: ${seenAt - finishedAt} ms after the die event, ${seenAt - stopReturnedAt} ms after docker stop returned`);
    }
  } finally {
    watcher.stop();
    if (id !== undefined) await docker('rm', '-f', id).catch(() => undefined);
  }
  return { runs, fromDie, fromStopReturned, medianFromDie: median(fromDie), medianFromStopReturned: median(fromStopReturned) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : RUNS;
  const result = await benchTreeLatency({ runs, log: (line) => console.error(line) });
  console.log(JSON.stringify(result));
}
