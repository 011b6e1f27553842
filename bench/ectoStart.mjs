// Start to ready for the Ecto + Postgres project as `mix phx.new` writes it (test/fixtures/hello_ecto:
// config/dev.exs with the Repo on localhost and the endpoint on 127.0.0.1), warm image, two ways
// side by side on one scaffolded copy, alternating, each run from removed containers with the
// database's volume kept (created and migrated by the warm-up round):
//   raw:  `docker compose up -d` (which waits for the db service's healthcheck), then the node
//         probed by hand until it answers, then Phoenix's port polled until it answers;
//   ours: the extension's own start (out/src/docker/lifecycle.js startComposeProject).
// Both run the same generated entrypoint: dependencies checked, compile, database wait,
// ecto.create and ecto.migrate with the in-container configuration, then the server.
//
//   node bench/ectoStart.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeArgs, median, ok, requireCompiled, run, seconds, sleep, withProject, withTimeout } from './project.mjs';

const RUNS = 5;
const READY_TIMEOUT_MS = 180_000;
const POLL_MS = 100;
const FOLDER = 'bench ecto';
const PROJECTS = { raw: 'benchecto_raw', ours: 'benchecto_ours' };
const IMAGE_SUFFIX = '-bench-ecto';

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ runs: number, raw: number[], ours: number[], ratio: number }>} seconds to ready (node and HTTP)
 */
export async function benchEctoStart({ runs = RUNS, log = () => {} } = {}) {
  const lifecycle = requireCompiled('docker', 'lifecycle.js');
  const composeCli = requireCompiled('docker', 'composeCli.js');
  const composeProject = requireCompiled('core', 'composeProject.js');
  const { DockerEngine } = requireCompiled('docker', 'engine.js');

  return withProject({ folder: FOLDER, fixture: 'hello_ecto', imageSuffix: IMAGE_SUFFIX, buildProject: PROJECTS.raw, log }, async ({ project, file, cookie, node, url }) => {
    const down = (name, ...extra) => run('docker', composeArgs(name, file, 'down', ...extra), { timeoutMs: 60_000 });
    try {
      await Promise.all(Object.values(PROJECTS).map((name) => down(name, '-v')));
      const engine = new DockerEngine({ dockerHost: '' });
      const cli = await withTimeout(composeCli.detectComposeCli('auto', process.env), 30_000, 'detectComposeCli');
      const target = composeProject.devContainerTarget({ root: project, devContainerDir: join(project, '.devcontainer'), adopted: false, projectName: PROJECTS.ours });
      const buildRecords = new Map();
      const ways = {
        async raw() {
          const start = performance.now();
          await ok('docker', composeArgs(PROJECTS.raw, file, 'up', '-d'));
          const deadline = Date.now() + READY_TIMEOUT_MS;
          for (let n = 0; ; n++) {
            const probe = await run('docker', composeArgs(PROJECTS.raw, file, 'exec', '-T', 'app', 'elixir', '--sname', `probe_${n}`, '--cookie', cookie, '--rpc-eval', node, ':ok'), { timeoutMs: READY_TIMEOUT_MS });
            if (probe.code === 0) break;
            if (Date.now() > deadline) throw new Error(`${node} did not answer: ${probe.stderr.trim()}`);
            await sleep(POLL_MS);
          }
          for (;;) {
            const answered = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(async (response) => { await response.arrayBuffer(); return true; }, () => false);
            if (answered) break;
            if (Date.now() > deadline) throw new Error(`${url} did not answer`);
            await sleep(POLL_MS);
          }
          return seconds(start);
        },
        async ours() {
          const start = performance.now();
          const ready = await lifecycle.startComposeProject(engine, cli, target, { readyTimeoutMs: READY_TIMEOUT_MS, buildRecords });
          if (ready.node !== node) throw new Error(`ours reported the node ${ready.node}, expected ${node}`);
          return seconds(start);
        },
      };
      const results = { raw: [], ours: [] };
      const names = Object.keys(ways);
      // Round 0 warms up, not counted: it compiles _build and creates and migrates each database.
      for (let round = 0; round <= runs; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
          const elapsed = await withTimeout(ways[name](), READY_TIMEOUT_MS + 30_000, `the ${name} start`);
          const removed = await down(PROJECTS[name]);
          if (removed.code !== 0) throw new Error(`compose down ${PROJECTS[name]}: ${removed.stderr.trim()}`);
          log(`${round === 0 ? 'warm-up' : `run ${round}`} ${name}: ${elapsed.toFixed(2)} s`);
          if (round > 0) results[name].push(elapsed);
        }
      }
      return { runs, ...results, ratio: median(results.ours) / median(results.raw) };
    } finally {
      await Promise.all(Object.values(PROJECTS).map((name) => down(name, '-v'))).catch(() => undefined);
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runsAt = process.argv.indexOf('--runs');
  const result = await benchEctoStart({ runs: runsAt > 0 ? Number(process.argv[runsAt + 1]) : RUNS, log: (line) => console.log(`[ecto start bench] ${line}`) });
  console.log(`Ecto start to ready, raw compose up -d + polling (median of ${result.runs}): ${median(result.raw).toFixed(2)} s`);
  console.log(`Ecto start to ready, ours: ${median(result.ours).toFixed(2)} s`);
  console.log(`ours / raw: ${result.ratio.toFixed(2)}x (goal <= 1.00x)`);
}
