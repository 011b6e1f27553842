// Attach Remote IEx, command to prompt: with the dev container of a scaffolded copy of the fixture
// project started once (the extension's own start, out/src/docker/lifecycle.js), each run times
// what the command does after the user picked the node, from the compiled pipeline: inspect the app
// container -> discoverContainerNode -> waitForNode -> containerAttachArgv, then the argv run in a
// real pseudo-terminal (python3's pty module, as VS Code's terminal runs shellPath/shellArgs) with
// the attach command's environment, until the terminal shows `iex(<node>)1>`.
// Each run then leaves IEx with Ctrl+C Ctrl+C: the BREAK handler of the shell's own BEAM (the one
// the terminal is attached to) halts that BEAM only, never the app's node (`:init.stop()` typed at
// the prompt would run in the app's node and stop it). The node must still answer afterwards and
// must no longer list the shell's hidden node.
// Last, one untimed attach is closed the way closing a VS Code terminal does it, by hanging up the
// pty: the local `docker exec` ends, but Docker does not end what it ran in the container, so the
// result says whether the remote shell is left running there.
//
//   node bench/attach.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeArgs, median, ok, readIfExists, requireCompiled, run, seconds, sleep, withProject, withTimeout } from './project.mjs';

const RUNS = 7;
const READY_TIMEOUT_MS = 120_000;
/** One attach, from the command to the prompt, may take this long before the run fails. */
const PROMPT_TIMEOUT_MS = 30_000;
/** How long a closed terminal's `docker exec` and remote shell may take to go away. */
const CLOSE_TIMEOUT_MS = 10_000;
const POLL_MS = 100;
/** The copy's folder name: its compose names (benchattach_...) are nobody else's. */
const FOLDER = 'bench attach';
const PROJECT = 'benchattach_ours';
/** The generated image name is the app's (hello_phoenix-devcontainer), shared with the test suites. */
const IMAGE_SUFFIX = '-bench-attach';
/**
 * Runs its arguments as a program in a new pseudo-terminal and copies the terminal's output to
 * stdout. A constant: the program and its arguments come as separate arguments, never as code.
 */
const PTY_SCRIPT = 'import pty, sys; pty.spawn(sys.argv[1:])';
/** IEx's first prompt on a remote shell names the node it runs in. */
const PROMPT = /iex\(([^()\s]+)\)1> /;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   runs: number,
 *   build: number,       // s, the one build
 *   start: number,       // s, the one start of the dev container
 *   answered: number[],  // s from the command to the node answering its probe (inspect, discover, waitForNode), one a run
 *   prompt: number[],    // s from the command to the iex( prompt, one a run
 *   median: number,
 *   max: number,
 *   shellLeftAfterHangUp: boolean,  // the remote shell outlived its hung-up terminal
 * }>}
 */
export async function benchAttach({ runs = RUNS, log = () => {} } = {}) {
  // The extension's start and attach pipeline, compiled to out/ (npm run compile).
  const lifecycle = requireCompiled('docker', 'lifecycle.js');
  const composeCli = requireCompiled('docker', 'composeCli.js');
  const composeProject = requireCompiled('core', 'composeProject.js');
  const { DockerEngine } = requireCompiled('docker', 'engine.js');
  const containerNode = requireCompiled('docker', 'containerNode.js');
  const attach = requireCompiled('core', 'node', 'index.js');
  if ((await run('python3', ['-c', 'import pty'], { timeoutMs: 20_000 })).code !== 0) {
    throw new Error('python3 with its pty module is needed to run the attach command in a pseudo-terminal');
  }

  return withProject({ folder: FOLDER, imageSuffix: IMAGE_SUFFIX, buildProject: PROJECT, log }, async ({ project, file, node, build }) => {
    const down = () => run('docker', composeArgs(PROJECT, file, 'down'), { timeoutMs: 60_000 });
    try {
      // Containers a crashed run left behind.
      await down();
      const engine = new DockerEngine({ dockerHost: '' });
      const cli = await withTimeout(composeCli.detectComposeCli('auto', process.env), 30_000, 'detectComposeCli');
      const target = composeProject.devContainerTarget({ root: project, devContainerDir: join(project, '.devcontainer'), adopted: false, projectName: PROJECT });
      const startedAt = performance.now();
      const ready = await withTimeout(
        lifecycle.startComposeProject(engine, cli, target, { readyTimeoutMs: READY_TIMEOUT_MS, buildRecords: new Map() }),
        READY_TIMEOUT_MS + 30_000,
        'the start',
      );
      const start = seconds(startedAt);
      if (ready.node !== node) throw new Error(`the start reported the node ${ready.node}, expected ${node}`);
      log(`started ${ready.service} (${ready.node}) in ${start.toFixed(1)} s`);

      const attachTo = () => attachOnce({ engine, containerNode, attach, containerId: ready.containerId, node });
      const prompt = [];
      const answered = [];
      for (let n = 1; n <= runs; n++) {
        const shell = await attachTo();
        await leaveIex(shell.terminal);
        if (!(await shellGone(shell))) throw new Error(`run ${n}: ${node} still lists ${shell.uniqueName} ${CLOSE_TIMEOUT_MS} ms after Ctrl+C Ctrl+C`);
        prompt.push(shell.seconds);
        answered.push(shell.answered);
        log(`run ${n}: node answered after ${shell.answered.toFixed(2)} s, iex( prompt after ${shell.seconds.toFixed(2)} s; left with Ctrl+C Ctrl+C, ${node} still answers`);
      }
      const hungUp = await attachTo();
      await hangUp(hungUp.terminal);
      const shellLeftAfterHangUp = !(await shellGone(hungUp));
      log(`terminal hung up: ${node} still answers, ${shellLeftAfterHangUp ? `${hungUp.uniqueName} is left running in the container` : `${hungUp.uniqueName} ended`}`);
      return { runs, build, start, answered, prompt, median: median(prompt), max: Math.max(...prompt), shellLeftAfterHangUp };
    } finally {
      await down().catch(() => undefined);
    }
  });
}

/**
 * What the Attach Remote IEx command does once the node is chosen, timed to the first prompt,
 * which must name `node`. Resolves with the terminal still open, at its prompt.
 */
async function attachOnce({ engine, containerNode, attach, containerId, node }) {
  const start = performance.now();
  const container = await engine.inspectContainer(containerId);
  const discovery = await containerNode.discoverContainerNode(engine, container);
  if (discovery.kind !== 'found') throw new Error(`no node found in ${container.name}: ${discovery.advice}`);
  await containerNode.waitForNode(engine, container, discovery, Date.now() + PROMPT_TIMEOUT_MS, undefined);
  const answered = seconds(start);
  const uniqueName = attach.attachingNodeName(randomBytes(4).toString('hex'));
  const command = attach.containerAttachArgv({ docker: 'docker', container: container.id, node: discovery, uniqueName });
  // As the terminal gets it: VS Code's environment with the command's own variables on top.
  const terminal = spawn('python3', ['-c', PTY_SCRIPT, command.command, ...command.args], {
    env: { ...process.env, ...command.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const promptNode = await untilPrompt(terminal).catch((error) => {
    terminal.kill('SIGKILL');
    throw error;
  });
  const elapsed = seconds(start);
  if (promptNode !== node) {
    await leaveIex(terminal);
    throw new Error(`the prompt names ${promptNode}, expected ${node}`);
  }
  return { terminal, answered, seconds: elapsed, uniqueName, container, discovery };
}

/** Reads the terminal's output until IEx's first prompt; resolves with the node it names. */
function untilPrompt(terminal) {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const done = (settle, value) => {
      clearTimeout(timer);
      terminal.stdout.off('data', onOutput);
      terminal.stderr.off('data', onError);
      terminal.off('exit', onExit);
      settle(value);
    };
    const tail = () => `${output}\n${errors}`.replace(ANSI, '').trim().split('\n').slice(-10).join('\n');
    const onOutput = (chunk) => {
      output += chunk.toString('utf8');
      const match = PROMPT.exec(output.replace(ANSI, ''));
      if (match) done(resolve, match[1]);
    };
    const onError = (chunk) => { errors += chunk.toString('utf8'); };
    const onExit = (code, signal) => done(reject, new Error(`the terminal ended (${signal ?? code}) before the iex( prompt:\n${tail()}`));
    const timer = setTimeout(() => done(reject, new Error(`no iex( prompt within ${PROMPT_TIMEOUT_MS} ms:\n${tail()}`)), PROMPT_TIMEOUT_MS);
    terminal.stdout.on('data', onOutput);
    terminal.stderr.on('data', onError);
    terminal.on('exit', onExit);
  });
}

/** Ctrl+C Ctrl+C at the prompt; waits until the shell's BEAM, and with it the terminal, has ended. */
async function leaveIex(terminal) {
  const ended = untilExit(terminal);
  terminal.stdin.write('\x03');
  await sleep(POLL_MS);
  terminal.stdin.write('\x03');
  await withTimeout(ended, CLOSE_TIMEOUT_MS, 'leaving IEx with Ctrl+C Ctrl+C').catch((error) => {
    terminal.kill('SIGKILL');
    throw error;
  });
}

/**
 * Closes the terminal as VS Code does when the user closes it: the pseudo-terminal hangs up, so
 * the `docker exec` client in it ends. Waits until both are gone.
 */
async function hangUp(terminal) {
  // The pty's program: the `docker exec` client, python's only child.
  const children = readIfExists(`/proc/${terminal.pid}/task/${terminal.pid}/children`)?.trim().split(/\s+/).filter(Boolean) ?? [];
  const ended = untilExit(terminal);
  terminal.kill('SIGHUP');
  await withTimeout(ended, CLOSE_TIMEOUT_MS, 'closing the terminal');
  const deadline = Date.now() + CLOSE_TIMEOUT_MS;
  for (const pid of children) {
    while (existsSync(`/proc/${pid}`)) {
      if (Date.now() > deadline) throw new Error(`docker exec (pid ${pid}) still runs ${CLOSE_TIMEOUT_MS} ms after its terminal closed`);
      await sleep(POLL_MS);
    }
  }
}

function untilExit(child) {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

/**
 * After the terminal closed: whether the remote shell's hidden node has left the app's node within
 * CLOSE_TIMEOUT_MS. Fails when the container or its node no longer answers.
 */
async function shellGone({ container, discovery, uniqueName }) {
  const cookie = discovery.cookie.kind === 'value' ? ['--cookie', discovery.cookie.value] : [];
  const listHidden = 'IO.puts(Enum.join(:erlang.nodes(:hidden), " "))';
  const deadline = Date.now() + CLOSE_TIMEOUT_MS;
  for (;;) {
    const checker = `bench_check_${randomBytes(4).toString('hex')}`;
    const result = await ok('docker', ['exec', container.id, 'elixir', '--sname', checker, ...cookie, '--rpc-eval', discovery.node, listHidden]);
    if (!result.stdout.trim().split(/\s+/).some((name) => name.startsWith(`${uniqueName}@`))) return true;
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : RUNS;
  const result = await benchAttach({ runs, log: (line) => console.log(`[attach bench] ${line}`) });
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v), 2));
  console.log(`[attach bench] done in ${seconds(started).toFixed(1)} s`);
}
