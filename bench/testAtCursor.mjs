// Run the test at the cursor, command to result: with the dev container of a scaffolded copy of the
// fixture project started once, each run does what the Testing view's run does, from the compiled
// pipeline: the test at the cursor from the file's source (discoverTests), the running app
// container (runningMixContainer), `mix test <file>:<line>` with the extension's formatter
// (testCommand) through `docker exec` (runInContainer, the container's Elixir version asked once per
// container as ContainerMix does), its events parsed (parseOutputLine) until the process ends with
// the test's result. Side by side, in the same run and alternating with it, the same test run by hand:
// `docker compose exec app mix test <file>:<line>`. One untimed run of each first compiles the test
// build. Then test discovery over 500 generated test files, read from disk and parsed.
//
//   node bench/testAtCursor.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeArgs, median, ok, requireCompiled, run, withProject, withTimeout } from './project.mjs';

const RUNS = 7;
const READY_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 120_000;
const PROJECT = 'benchtestatcursor_ours';
const IMAGE_SUFFIX = '-bench-tests';
const TEST_FILE = 'test/hello_phoenix/greeter_test.exs';
/** The cursor: on the assertion inside "greets by name". */
const CURSOR_TEXT = 'hello("Ada")';
const EXPECTED_TEST = 'test hello/1 greets by name';
const GENERATED_FILES = 500;
const DISCOVERY_RUNS = 5;

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   runs: number,
 *   ours: number[],        // ms from the command to the test's result, one a run
 *   raw: number[],         // ms of `docker compose exec app mix test <file>:<line>`, one a run
 *   ratio: number,         // median(ours) / median(raw)
 *   discovery: number[],   // ms to read and parse the 500 generated files, one a run
 *   discovered: number,    // tests found in them
 * }>}
 */
export async function benchTestAtCursor({ runs = RUNS, log = () => {} } = {}) {
  const lifecycle = requireCompiled('docker', 'lifecycle.js');
  const composeCli = requireCompiled('docker', 'composeCli.js');
  const composeProject = requireCompiled('core', 'composeProject.js');
  const { DockerEngine } = requireCompiled('docker', 'engine.js');
  const containerMix = requireCompiled('docker', 'containerMix.js');
  const discovery = requireCompiled('core', 'testing', 'discovery.js');
  const events = requireCompiled('core', 'testing', 'events.js');
  const testRun = requireCompiled('core', 'testing', 'run.js');

  const { discovery: discoveryTimes, discovered } = await benchDiscovery(discovery);
  log(`discovery over ${GENERATED_FILES} files: ${discoveryTimes.map((ms) => ms.toFixed(0)).join(', ')} ms, ${discovered} tests`);

  return withProject({ folder: 'bench tests', imageSuffix: IMAGE_SUFFIX, buildProject: PROJECT, log }, async ({ project, file }) => {
    const compose = (...args) => ok('docker', composeArgs(PROJECT, file, ...args), { timeoutMs: RUN_TIMEOUT_MS });
    try {
      await compose('down', '-v').catch(() => undefined);
      const engine = new DockerEngine({ dockerHost: '' });
      const cli = await withTimeout(composeCli.detectComposeCli('auto', process.env), 30_000, 'detectComposeCli');
      const target = composeProject.devContainerTarget({ root: project, devContainerDir: join(project, '.devcontainer'), adopted: false, projectName: PROJECT });
      await withTimeout(lifecycle.startComposeProject(engine, cli, target, { readyTimeoutMs: READY_TIMEOUT_MS, buildRecords: new Map() }), READY_TIMEOUT_MS + 30_000, 'the start');

      const source = readFileSync(join(project, TEST_FILE), 'utf8');
      const cursorLine = source.split('\n').findIndex((line) => line.includes(CURSOR_TEXT)) + 1;
      if (cursorLine < 1) throw new Error(`${TEST_FILE} has no line with ${CURSOR_TEXT}`);
      const elixirVersions = new Map();
      const ours = () => runAtCursor({ engine, containerMix, discovery, events, testRun, project, source, cursorLine, elixirVersions });
      const raw = async () => {
        const start = performance.now();
        const result = await run('docker', composeArgs(PROJECT, file, 'exec', '-T', 'app', 'mix', 'test', `${TEST_FILE}:${cursorLine}`), { timeoutMs: RUN_TIMEOUT_MS });
        const ms = performance.now() - start;
        if (result.code !== 0 || !/ 0 failures/.test(result.stdout)) throw new Error(`mix test ${TEST_FILE}:${cursorLine} by hand: exit ${result.code}\n${result.stdout}${result.stderr}`);
        return ms;
      };
      // Untimed: compiles the test build, and asks the container's Elixir version as the extension's first run does.
      await raw();
      await ours();
      const timed = { ours: [], raw: [] };
      for (let n = 1; n <= runs; n++) {
        timed.ours.push(await ours());
        timed.raw.push(await raw());
        log(`run ${n}: ours ${timed.ours.at(-1).toFixed(0)} ms, docker compose exec ${timed.raw.at(-1).toFixed(0)} ms`);
      }
      return { runs, ...timed, ratio: median(timed.ours) / median(timed.raw), discovery: discoveryTimes, discovered };
    } finally {
      await compose('down', '-v').catch(() => undefined);
    }
  });
}

/** The Testing view's run of the test at the cursor, timed from the command to its result. */
async function runAtCursor({ engine, containerMix, discovery, events, testRun, project, source, cursorLine, elixirVersions }) {
  const start = performance.now();
  const test = testAtLine(discovery.discoverTests(source), cursorLine);
  if (test === undefined) throw new Error(`no test at line ${cursorLine}`);
  const container = await containerMix.runningMixContainer(engine, PROJECT, project);
  if (container === undefined) throw new Error('the dev container is not running');
  const prefix = `\u0001phoenix-test-${randomBytes(8).toString('hex')}:`;
  const command = testRun.testCommand([`${TEST_FILE}:${test.line}`], prefix, testRun.testsNeedContainerConfig(configFiles(project)));
  const withVersion = testRun.CONTAINER_CONFIG_VARIABLE in command.env ? { ...command, env: { ...command.env, [testRun.ELIXIR_VERSION_VARIABLE]: await elixirVersion(engine, testRun, container.id, elixirVersions) } } : command;
  const finished = [];
  const result = await containerMix.runInContainer(engine, container.id, withVersion, {
    cli: 'docker',
    cliEnv: process.env,
    workdir: container.root,
    timeoutMs: RUN_TIMEOUT_MS,
    onLine: (line) => {
      const { event } = events.parseOutputLine(line, prefix);
      // The file's other tests finish too, excluded by the line filter.
      if (event?.event === 'test_finished' && event.state !== 'excluded') finished.push(event);
    },
  });
  const ms = performance.now() - start;
  const [only] = finished;
  if (result.code !== 0 || finished.length !== 1 || only.name !== EXPECTED_TEST || only.state !== 'passed') {
    throw new Error(`the run at the cursor reported ${JSON.stringify(finished)} (exit ${result.code}):\n${result.output}`);
  }
  return ms;
}

/** The last test (in source order) that starts at or before `line`, as the Testing view's Run Test at Cursor picks. */
function testAtLine(entries, line) {
  let found;
  for (const entry of entries) {
    if (entry.line > line) break;
    if (entry.kind === 'test') found = entry;
    found = testAtLine(entry.children, line) ?? found;
  }
  return found;
}

function configFiles(project) {
  const dir = join(project, 'config');
  return readdirSync(dir).filter((name) => name.endsWith('.exs')).map((name) => readFileSync(join(dir, name), 'utf8'));
}

function elixirVersion(engine, testRun, containerId, versions) {
  if (!versions.has(containerId)) {
    versions.set(containerId, engine.exec(containerId, testRun.ELIXIR_VERSION_ARGV, { timeoutMs: 30_000 }).then((result) => result.output.trim()));
  }
  return versions.get(containerId);
}

/** 500 test files of 10 tests each (describe blocks, tags, strings with `do`/`end` in them), read from disk and parsed. */
async function benchDiscovery(discovery) {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-bench-discovery-'));
  try {
    for (let n = 0; n < GENERATED_FILES; n++) {
      const sub = join(dir, 'test', `area_${n % 20}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `generated_${n}_test.exs`), generatedTestFile(n));
    }
    const files = readdirSync(join(dir, 'test'), { recursive: true }).filter((path) => path.endsWith('_test.exs')).map((path) => join(dir, 'test', path));
    const times = [];
    let discovered = 0;
    for (let n = 0; n < DISCOVERY_RUNS; n++) {
      const start = performance.now();
      const sources = await Promise.all(files.map((path) => readFile(path, 'utf8')));
      discovered = sources.reduce((count, text) => count + countTests(discovery.discoverTests(text)), 0);
      times.push(performance.now() - start);
    }
    if (discovered !== GENERATED_FILES * 10) throw new Error(`discovery found ${discovered} tests in the generated files, not ${GENERATED_FILES * 10}`);
    return { discovery: times, discovered };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countTests(entries) {
  return entries.reduce((count, entry) => count + (entry.kind === 'test' ? 1 : 0) + countTests(entry.children), 0);
}

function generatedTestFile(n) {
  const tests = (group) => Array.from({ length: 5 }, (_, t) => `
    @tag :group_${group}
    test "case ${t} does \\"what\\" it says, #{"end"} to end" do
      value = Enum.map([1, 2, 3], fn x -> x * ${t} end)
      assert length(value) == 3, ~s(do not end here)
    end`).join('\n');
  return `defmodule Generated${n}Test do
  use ExUnit.Case, async: true
  # A comment with do and end in it.

  setup do
    {:ok, value: ${n}}
  end

  describe "first group" do${tests('a')}
  end

  describe "second group" do${tests('b')}
  end
end
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : RUNS;
  const result = await benchTestAtCursor({ runs, log: (line) => console.error(`[test at cursor bench] ${line}`) });
  const ms = (values) => `${Math.round(median(values))} ms`;
  console.log(`test at the cursor, command → result, median of ${runs}: ${ms(result.ours)}`);
  console.log(`docker compose exec app mix test file:line, median of ${runs}: ${ms(result.raw)}`);
  console.log(`ours / by hand: ${result.ratio.toFixed(2)}x (goal <= 1.10x)`);
  console.log(`discovery over ${GENERATED_FILES} test files (${result.discovered} tests), median of ${DISCOVERY_RUNS}: ${ms(result.discovery)} (goal <= 200 ms)`);
}
