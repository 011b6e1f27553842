// Start to ready with a warm image (built once, before any timed run), three ways side by side on
// one scaffolded copy of the fixture project, alternating the ways, each run from a stopped and
// removed container (`compose down`, volumes kept):
//   raw:          `docker compose up -d`, then the node probed by hand until it answers
//                 (`compose exec -T app elixir --sname probe_N --cookie C --rpc-eval NODE ':ok'`),
//                 then Phoenix's port polled on 127.0.0.1 until it answers;
//   devcontainer: `devcontainer up` (@devcontainers/cli), then the same probes;
//   ours:         the extension's own start (out/src/docker/lifecycle.js startComposeProject), which
//                 returns once the node and Phoenix's port answer.
// Each way keeps its own compose project and, for the devcontainer CLI, its own image name: the CLI
// builds and re-tags the image on every `up`, which the others would otherwise see as a new image.
//
//   node bench/start.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeArgs, median, ok, requireCompiled, root, run, seconds, sleep, withProject, withTimeout } from './project.mjs';

export { median };

const RUNS = 7;
const READY_TIMEOUT_MS = 120_000;
const POLL_MS = 100;
/** The copy's folder name: its compose names (benchstart_...) are nobody else's. */
const FOLDER = 'bench start';
/** One compose project per way, so no way ever sees another's containers. */
const PROJECTS = { raw: 'benchstart_raw', devcontainer: 'benchstart_devcontainer', ours: 'benchstart_ours' };
/** The generated image name is the app's (hello_phoenix-devcontainer), shared with the test suites. */
const IMAGE_SUFFIX = '-bench-start';
/** Added to devcontainer.json's compose files: the CLI's own image name. */
const DEVCONTAINER_OVERRIDE = 'docker-compose.bench-devcontainer.yml';

const devcontainerCli = join(root, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');

/** Probes the node the way a developer would by hand, until it answers. */
async function waitForNode({ project, file, cookie, node }, deadline) {
  for (let n = 0; ; n++) {
    const probe = await run('docker', composeArgs(project, file, 'exec', '-T', 'app', 'elixir', '--sname', `probe_${n}`, '--cookie', cookie, '--rpc-eval', node, ':ok'), { timeoutMs: READY_TIMEOUT_MS });
    if (probe.code === 0) return;
    if (Date.now() > deadline) throw new Error(`${node} did not answer within ${READY_TIMEOUT_MS} ms: ${probe.stderr.trim() || probe.stdout.trim()}`);
    await sleep(POLL_MS);
  }
}

/** Polls Phoenix's published port; any HTTP answer counts. */
async function waitForHttp(url, deadline) {
  for (;;) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(async (response) => {
      await response.arrayBuffer();
      return true;
    }, () => false);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${READY_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   runs: number,
 *   build: number,                                          // s, the one warm-up build
 *   raw: { up: number[], node: number[], http: number[] },  // s from `up -d`
 *   devcontainer: { up: number[], node: number[], http: number[] },
 *   ours: {
 *     ready: number[],
 *     builds: number,                                        // timed starts that built an image
 *     stages: Record<string, number>[],                      // s from the start to each reported stage
 *   },
 * }>}
 */
export async function benchStart({ runs = RUNS, log = () => {} } = {}) {
  if (!existsSync(devcontainerCli)) throw new Error(`${devcontainerCli} is missing (npm install)`);
  // The extension's start pipeline, compiled to out/ (npm run compile).
  const lifecycle = requireCompiled('docker', 'lifecycle.js');
  const composeCli = requireCompiled('docker', 'composeCli.js');
  const composeProject = requireCompiled('core', 'composeProject.js');
  const { DockerEngine } = requireCompiled('docker', 'engine.js');

  return withProject({ folder: FOLDER, imageSuffix: IMAGE_SUFFIX, buildProject: PROJECTS.raw, log }, async ({ project, file, image, cookie, node, port, url, build }) => {
    // The devcontainer CLI writes its compose overrides under TMPDIR: give it one of its own, to delete.
    const cliTmp = mkdtempSync(join(tmpdir(), 'phoenix-start-bench-cli-'));
    const down = (name) => run('docker', composeArgs(name, file, 'down'), { timeoutMs: 60_000 });
    try {
      writeFileSync(join(project, '.devcontainer', DEVCONTAINER_OVERRIDE), `services:\n  app:\n    image: ${image}-devcontainer\n`);
      const devcontainerJson = join(project, '.devcontainer', 'devcontainer.json');
      const config = JSON.parse(readFileSync(devcontainerJson, 'utf8'));
      config.dockerComposeFile = [config.dockerComposeFile, DEVCONTAINER_OVERRIDE].flat();
      writeFileSync(devcontainerJson, `${JSON.stringify(config, null, 2)}\n`);
      // Containers a crashed run left behind.
      await Promise.all(Object.values(PROJECTS).map(down));

      const probeTarget = (name) => ({ project: name, file, cookie, node });
      const ways = {
        async raw() {
          const start = performance.now();
          await ok('docker', composeArgs(PROJECTS.raw, file, 'up', '-d'));
          const up = seconds(start);
          const deadline = Date.now() + READY_TIMEOUT_MS;
          await waitForNode(probeTarget(PROJECTS.raw), deadline);
          const nodeAt = seconds(start);
          await waitForHttp(url, deadline);
          return { up, node: nodeAt, http: seconds(start) };
        },
        async devcontainer() {
          const start = performance.now();
          const result = await ok(process.execPath, [devcontainerCli, 'up', '--workspace-folder', project, '--update-remote-user-uid-default', 'never', '--skip-post-create'], {
            env: { ...process.env, COMPOSE_PROJECT_NAME: PROJECTS.devcontainer, TMPDIR: cliTmp },
          });
          const up = seconds(start);
          const outcome = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
          if (outcome.outcome !== 'success' || outcome.composeProjectName !== PROJECTS.devcontainer) {
            throw new Error(`devcontainer up: ${result.stdout.trim().split('\n').pop()}`);
          }
          const deadline = Date.now() + READY_TIMEOUT_MS;
          await waitForNode(probeTarget(PROJECTS.devcontainer), deadline);
          const nodeAt = seconds(start);
          await waitForHttp(url, deadline);
          return { up, node: nodeAt, http: seconds(start) };
        },
      };

      const results = { raw: { up: [], node: [], http: [] }, devcontainer: { up: [], node: [], http: [] } };
      const ours = { ready: [], builds: 0, stages: [] };
      {
        const engine = new DockerEngine({ dockerHost: '' });
        // The extension detects the compose CLI once per session, not per start.
        const cli = await withTimeout(composeCli.detectComposeCli('auto', process.env), 30_000, 'detectComposeCli');
        const target = composeProject.devContainerTarget({ root: project, devContainerDir: join(project, '.devcontainer'), adopted: false, projectName: PROJECTS.ours });
        // What images were built from, kept across starts as the extension keeps it (globalState).
        const buildRecords = new Map();
        ways.ours = async () => {
          // When each stage began, in seconds from the start.
          const stages = {};
          const start = performance.now();
          const ready = await lifecycle.startComposeProject(engine, cli, target, {
            report: { stage: (stage) => { stages[stage] = seconds(start); }, line: () => {} },
            readyTimeoutMs: READY_TIMEOUT_MS,
            buildRecords,
          });
          const readyAt = seconds(start);
          if (ready.node !== node) throw new Error(`ours reported the node ${ready.node}, expected ${node}`);
          if (!ready.url?.includes(`:${port}`)) throw new Error(`ours reported the URL ${ready.url}, expected port ${port}`);
          return { ready: readyAt, built: 'building' in stages, stages };
        };
      }

      // Round 0 warms up, not counted: the first start compiles _build, the CLI builds its image,
      // ours records what the image was built from.
      const names = Object.keys(ways);
      for (let round = 0; round <= runs; round++) {
        // Rotate the order every round, so no way always runs right after the same other.
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
          const figures = await withTimeout(ways[name](), READY_TIMEOUT_MS + 30_000, `the ${name} start`);
          await down(PROJECTS[name]).then((result) => {
            if (result.code !== 0) throw new Error(`compose down ${PROJECTS[name]}: ${result.stderr.trim()}`);
          });
          log(`${round === 0 ? 'warm-up' : `run ${round}`} ${name}: ${JSON.stringify(figures, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`);
          if (round === 0) continue;
          if (name === 'ours') {
            ours.ready.push(figures.ready);
            ours.stages.push(figures.stages);
            if (figures.built) ours.builds += 1;
          } else {
            for (const key of ['up', 'node', 'http']) results[name][key].push(figures[key]);
          }
        }
      }
      return { runs, build, ...results, ours };
    } finally {
      await Promise.all(Object.values(PROJECTS).map(down)).catch(() => undefined);
      rmSync(cliTmp, { recursive: true, force: true });
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : RUNS;
  const result = await benchStart({ runs, log: (line) => console.log(`[start bench] ${line}`) });
  const summary = {
    raw: Object.fromEntries(['up', 'node', 'http'].map((key) => [key, median(result.raw[key])])),
    devcontainer: Object.fromEntries(['up', 'node', 'http'].map((key) => [key, median(result.devcontainer[key])])),
    ours: {
      ready: median(result.ours.ready),
      builds: result.ours.builds,
      stages: Object.fromEntries(Object.keys(result.ours.stages[0] ?? {}).map((stage) => [stage, median(result.ours.stages.map((run) => run[stage] ?? NaN))])),
    },
  };
  console.log(JSON.stringify(summary, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v), 2));
  console.log(`[start bench] done in ${seconds(started).toFixed(1)} s`);
}
