// Observe Node: a node with many processes in a container of the bench's Elixir image, observed
// by the extension's own helper (out/src/docker/observerHelper.js, the command's argv built by
// out/src/core/observer/helper.js). Times the helper's start, one refresh as the panel does it on
// its Processes tab (overview, then the top 50 by memory: request -> parsed data in the extension)
// at 10k and 100k processes, the top 50 by reductions at 100k, and the node's CPU time spent while
// the panel refreshes every second (its Overview tab; its Processes tab, whose list is paced by
// what it costs), against the same time left idle.
//
//   node bench/observer.mjs [--runs N]    # after `npm run compile`
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { median, ok, requireCompiled, sleep } from './project.mjs';

const IMAGE = 'phoenix-dev-containers-bench/elixir:bookworm';
const RUNS = 10;
/** Each CPU measure lasts this long, idle and then observed. */
const CPU_WINDOW_MS = 20_000;
/** The node's code: registers, then waits; processes are added over rpc. */
const NODE_CODE = 'Process.sleep(:infinity)';
/** Spawns $1 processes that wait (each with a small heap), from an rpc into the node. */
const spawnCode = (count) => `for _ <- 1..${count}, do: spawn(fn -> receive do :stop -> :ok end end); IO.puts(:erlang.system_info(:process_count))`;

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ start: number[], refresh10k: number[], refresh100k: number[], reductions100k: number[], cpuIdle: number, cpuOverview: number, cpuProcesses: number }>}
 */
export async function benchObserver({ runs = RUNS, log = () => {} } = {}) {
  const { ObserverHelper } = requireCompiled('docker', 'observerHelper.js');
  const { helperExecArgv, observerHelperCommand } = requireCompiled('core', 'observer', 'helper.js');
  const { parseOverview, parseProcessList } = requireCompiled('core', 'observer', 'protocol.js');
  const { pacedInterval } = requireCompiled('core', 'observer', 'metrics.js');
  const name = `bench-observer-${randomBytes(3).toString('hex')}`;
  const cookie = randomBytes(16).toString('hex');
  const docker = async (...args) => (await ok('docker', args)).stdout.trim();
  await docker('run', '-d', '--rm', '--name', name, '--hostname', 'observed', '-e', `ERLANG_COOKIE=${cookie}`, IMAGE,
    'sh', '-c', 'printf %s "$ERLANG_COOKIE" > "$HOME/.erlang.cookie" && chmod 400 "$HOME/.erlang.cookie" && exec elixir --sname app -e "$0"', NODE_CODE);
  const helpers = [];
  try {
    const node = { node: 'app@observed', mode: 'sname', cookie: { kind: 'value', value: cookie }, release: undefined };
    const program = () => {
      const command = observerHelperCommand({ ...node, helperName: `observer_${randomBytes(4).toString('hex')}`, containerEnv: [`ERLANG_COOKIE=${cookie}`] });
      return helperExecArgv({ docker: 'docker', container: name, command });
    };
    const rpc = (code) => docker('exec', name, 'elixir', '--sname', `rpc_${randomBytes(3).toString('hex')}`, '--rpc-eval', 'app@observed', code);
    // The node is up once an rpc answers.
    for (let tries = 0; ; tries++) {
      const answered = await rpc('IO.puts(:up)').then(() => true, () => false);
      if (answered) break;
      if (tries > 60) throw new Error('the observed node did not come up');
      await sleep(500);
    }

    const start = [];
    for (let run = 0; run < Math.min(runs, 5); run++) {
      const began = performance.now();
      const helper = await ObserverHelper.start(program());
      start.push(performance.now() - began);
      helper.dispose();
      await helper.ended;
    }
    log(`helper start: ${start.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    const helper = await ObserverHelper.start(program());
    helpers.push(helper);

    const refresh = async (sort) => {
      const began = performance.now();
      parseOverview(await helper.request({ op: 'overview' }));
      parseProcessList(await helper.request({ op: 'processes', sort, limit: 50, filter: '' }));
      return performance.now() - began;
    };
    const refreshes = async (sort, label) => {
      const times = [];
      for (let run = 0; run < runs; run++) times.push(await refresh(sort));
      log(`${label}: ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      return times;
    };

    log(`processes: ${await rpc(spawnCode(10_000))}`);
    const refresh10k = await refreshes('memory', 'refresh at 10k');

    // CPU time of the node's VM (the container's first process) while idle, then refreshed every second.
    const pid = await docker('inspect', '--format', '{{.State.Pid}}', name);
    const cpuSeconds = async () => {
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const share = async (work) => {
      const cpuBefore = await cpuSeconds();
      const began = performance.now();
      while (performance.now() - began < CPU_WINDOW_MS) await work();
      return (await cpuSeconds() - cpuBefore) / ((performance.now() - began) / 1000);
    };
    const cpuIdle = await share(() => sleep(1000));
    // The Overview tab: the overview every second.
    const cpuOverview = await share(async () => {
      const began = performance.now();
      parseOverview(await helper.request({ op: 'overview' }));
      await sleep(Math.max(0, 1000 - (performance.now() - began)));
    });
    // The Processes tab as the panel paces it: the overview every second, the process list when due.
    let due = 0;
    const cpuProcesses = await share(async () => {
      const began = performance.now();
      parseOverview(await helper.request({ op: 'overview' }));
      if (began >= due) {
        const listed = performance.now();
        parseProcessList(await helper.request({ op: 'processes', sort: 'memory', limit: 50, filter: '' }));
        due = listed + pacedInterval(performance.now() - listed, 1000);
      }
      await sleep(Math.max(0, 1000 - (performance.now() - began)));
    });
    log(`node CPU at 10k processes: idle ${(cpuIdle * 100).toFixed(2)} %, Overview tab ${(cpuOverview * 100).toFixed(2)} %, Processes tab ${(cpuProcesses * 100).toFixed(2)} %`);

    log(`processes: ${await rpc(spawnCode(90_000))}`);
    const refresh100k = await refreshes('memory', 'refresh at 100k');
    const reductions100k = await refreshes('reductions', 'refresh by reductions at 100k');
    return { start, refresh10k, refresh100k, reductions100k, cpuIdle, cpuOverview, cpuProcesses };
  } finally {
    for (const helper of helpers) helper.dispose();
    await docker('rm', '-f', name).catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsFlag = process.argv.indexOf('--runs');
  const result = await benchObserver({ runs: runsFlag === -1 ? RUNS : Number(process.argv[runsFlag + 1]), log: (line) => console.error(`[observer bench] ${line}`) });
  console.log(`helper start, median of ${result.start.length}: ${median(result.start).toFixed(0)} ms (goal <= 1000 ms)`);
  console.log(`one refresh at 10k processes, median of ${result.refresh10k.length}: ${median(result.refresh10k).toFixed(1)} ms (goal <= 50 ms)`);
  console.log(`one refresh at 100k processes, median: ${median(result.refresh100k).toFixed(1)} ms`);
  console.log(`one refresh by reductions at 100k processes, median: ${median(result.reductions100k).toFixed(1)} ms`);
  console.log(`node CPU at 10k processes, refreshed every second: Overview tab ${(result.cpuOverview * 100).toFixed(2)} %, Processes tab (paced) ${(result.cpuProcesses * 100).toFixed(2)} % of a core (idle: ${(result.cpuIdle * 100).toFixed(2)} %; goal: < 1 % added)`);
}
