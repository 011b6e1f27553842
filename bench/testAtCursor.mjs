// Run the test at the cursor, command to result, on two fixture projects: hello_phoenix, whose
// config names no Repo (`mix test` runs directly), and hello_ecto, whose Repo on localhost makes the
// run go through `app.config` and the dev container's configuration first (against the Postgres of
// its db service). With the dev container of a scaffolded copy of the fixture started once, each run
// does what the Testing view's run does, from the compiled pipeline: the test at the cursor from the
// file's source (discoverTests), the running app container (runningMixContainer), `mix test
// <file>:<line>` with the extension's formatter (testCommand, configured or not as
// testsNeedContainerConfig says) through `docker exec` (runInContainer, the container's Elixir version
// asked once per container as ContainerMix does), its events parsed (parseOutputLine) until the
// process ends with the test's result. Side by side, in the same run and alternating with it, the same
// test run by hand: `docker compose exec -e MIX_ENV=test app mix test <file>:<line>` (the compose file
// sets MIX_ENV=dev, under which `mix test` would run the dev build and config). By hand, hello_ecto's
// Repo reaches the db service only once config/test.exs reads the DB_HOST the compose file sets, as a
// user running it so would write: the copy gets that edit (the extension's run needs none, and still
// takes its configured path). One untimed run of each first compiles the test build and creates the
// test database. Then test discovery over 500 generated test files, read from disk and parsed.
//
//   node bench/testAtCursor.mjs [--runs N]    # after `npm run compile`; `npm run bench` runs it with the others
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeArgs, editOnce, median, ok, requireCompiled, run, withProject, withTimeout } from './project.mjs';

const RUNS = 7;
const READY_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 120_000;
const IMAGE_SUFFIX = '-bench-tests';

/**
 * @typedef {{
 *   fixture: string,        // under test/fixtures
 *   label: string,          // names its figures
 *   folder: string,         // the copy's folder, also its compose project's name
 *   composeProject: string, // the compose project the dev container runs under
 *   testFile: string,
 *   cursorText: string,     // the cursor is on the first line of testFile holding it
 *   expectedTest: string,   // the test the run at the cursor reports
 *   configured: boolean,    // whether the extension's run takes the configured path (asserted)
 *   forHand?: { path: string, find: string, replace: string }, // the edit a run by hand needs
 * }} Fixture
 */

/** @type {Record<'phoenix' | 'ecto', Fixture>} */
export const FIXTURES = {
  phoenix: {
    fixture: 'hello_phoenix',
    label: 'hello_phoenix (no Repo)',
    folder: 'bench tests',
    composeProject: 'benchtestatcursor_ours',
    testFile: 'test/hello_phoenix/greeter_test.exs',
    // On the assertion inside "greets by name".
    cursorText: 'hello("Ada")',
    expectedTest: 'test hello/1 greets by name',
    configured: false,
  },
  ecto: {
    fixture: 'hello_ecto',
    label: 'hello_ecto (Repo, Postgres)',
    folder: 'bench ecto tests',
    composeProject: 'benchtestatcursorecto_ours',
    testFile: 'test/hello_ecto/repo_test.exs',
    cursorText: 'SELECT current_database()',
    expectedTest: 'test the test database is migrated',
    configured: true,
    forHand: { path: 'config/test.exs', find: 'hostname: "localhost"', replace: 'hostname: System.get_env("DB_HOST", "localhost")' },
  },
};
const GENERATED_FILES = 500;
const DISCOVERY_RUNS = 5;

/**
 * @typedef {{
 *   ours: number[],   // ms from the command to the test's result, one a run
 *   raw: number[],    // ms of `docker compose exec -e MIX_ENV=test app mix test <file>:<line>`, one a run
 *   ratio: number,    // median(ours) / median(raw)
 * }} SideBySide
 */

/**
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   runs: number,
 *   phoenix: SideBySide,   // hello_phoenix: no Repo, mix test directly
 *   ecto: SideBySide,      // hello_ecto: app.config and the container's configuration first, real Postgres
 *   discovery: number[],   // ms to read and parse the 500 generated files, one a run
 *   discovered: number,    // tests found in them
 * }>}
 */
export async function benchTestAtCursor({ runs = RUNS, log = () => {} } = {}) {
  const discovery = requireCompiled('core', 'testing', 'discovery.js');
  const { discovery: discoveryTimes, discovered } = await benchDiscovery(discovery);
  log(`discovery over ${GENERATED_FILES} files: ${discoveryTimes.map((ms) => ms.toFixed(0)).join(', ')} ms, ${discovered} tests`);
  const phoenix = await benchFixture(FIXTURES.phoenix, { runs, log });
  const ecto = await benchFixture(FIXTURES.ecto, { runs, log });
  return { runs, phoenix, ecto, discovery: discoveryTimes, discovered };
}

/**
 * The test at the cursor of one fixture, ours and by hand alternating, on its dev container started once.
 *
 * @param {Fixture} fixture
 * @param {{ runs: number, log: (line: string) => void }} options
 * @returns {Promise<SideBySide>}
 */
export async function benchFixture(fixture, { runs, log }) {
  const lifecycle = requireCompiled('docker', 'lifecycle.js');
  const composeCli = requireCompiled('docker', 'composeCli.js');
  const composeProject = requireCompiled('core', 'composeProject.js');
  const { DockerEngine } = requireCompiled('docker', 'engine.js');
  const containerMix = requireCompiled('docker', 'containerMix.js');
  const discovery = requireCompiled('core', 'testing', 'discovery.js');
  const events = requireCompiled('core', 'testing', 'events.js');
  const testRun = requireCompiled('core', 'testing', 'run.js');
  const containerConfig = requireCompiled('core', 'scaffold', 'containerConfig.js');
  const { composeProject: name, testFile } = fixture;
  const say = (line) => log(`${fixture.fixture}: ${line}`);

  return withProject({ folder: fixture.folder, fixture: fixture.fixture, imageSuffix: IMAGE_SUFFIX, buildProject: name, log: say }, async ({ project, file }) => {
    const compose = (...args) => ok('docker', composeArgs(name, file, ...args), { timeoutMs: RUN_TIMEOUT_MS });
    try {
      await compose('down', '-v').catch(() => undefined);
      if (fixture.forHand) editOnce(join(project, fixture.forHand.path), fixture.forHand.find, fixture.forHand.replace);
      const engine = new DockerEngine({ dockerHost: '' });
      const cli = await withTimeout(composeCli.detectComposeCli('auto', process.env), 30_000, 'detectComposeCli');
      const target = composeProject.devContainerTarget({ root: project, devContainerDir: join(project, '.devcontainer'), adopted: false, projectName: name });
      await withTimeout(lifecycle.startComposeProject(engine, cli, target, { readyTimeoutMs: READY_TIMEOUT_MS, buildRecords: new Map() }), READY_TIMEOUT_MS + 30_000, 'the start');

      const source = readFileSync(join(project, testFile), 'utf8');
      const cursorLine = source.split('\n').findIndex((line) => line.includes(fixture.cursorText)) + 1;
      if (cursorLine < 1) throw new Error(`${testFile} has no line with ${fixture.cursorText}`);
      const elixirVersions = new Map();
      const ours = () => runAtCursor({ engine, containerMix, discovery, events, testRun, containerConfig, fixture, project, source, cursorLine, elixirVersions });
      const raw = async () => {
        const start = performance.now();
        const result = await run('docker', composeArgs(name, file, 'exec', '-T', '-e', 'MIX_ENV=test', 'app', 'mix', 'test', `${testFile}:${cursorLine}`), { timeoutMs: RUN_TIMEOUT_MS });
        const ms = performance.now() - start;
        if (result.code !== 0 || testsRunByHand(result.stdout) !== 1) throw new Error(`mix test ${testFile}:${cursorLine} by hand: exit ${result.code}\n${result.stdout}${result.stderr}`);
        return ms;
      };
      // Untimed: compiles the test build, creates the test database, and asks the container's Elixir
      // version as the extension's first run does.
      await raw();
      await ours();
      const timed = { ours: [], raw: [] };
      for (let n = 1; n <= runs; n++) {
        timed.ours.push(await ours());
        timed.raw.push(await raw());
        say(`run ${n}: ours ${timed.ours.at(-1).toFixed(0)} ms, docker compose exec ${timed.raw.at(-1).toFixed(0)} ms`);
      }
      return { ...timed, ratio: median(timed.ours) / median(timed.raw) };
    } finally {
      await compose('down', '-v').catch(() => undefined);
    }
  });
}

/** The Testing view's run of the test at the cursor, timed from the command to its result. */
async function runAtCursor({ engine, containerMix, discovery, events, testRun, containerConfig, fixture, project, source, cursorLine, elixirVersions }) {
  const start = performance.now();
  const test = testAtLine(discovery.discoverTests(source), cursorLine);
  if (test === undefined) throw new Error(`no test at line ${cursorLine}`);
  const container = await containerMix.runningMixContainer(engine, fixture.composeProject, project);
  if (container === undefined) throw new Error('the dev container is not running');
  const prefix = `\u0001phoenix-test-${randomBytes(8).toString('hex')}:`;
  const configured = testRun.testsNeedContainerConfig(configFiles(project));
  if (configured !== fixture.configured) throw new Error(`${fixture.fixture}'s run would ${configured ? '' : 'not '}take the configured path`);
  const command = testRun.testCommand([`${fixture.testFile}:${test.line}`], prefix, configured);
  // As ContainerMix.run: only a run after app.config needs the version (else the script starts a VM to ask it).
  const afterAppConfig = containerConfig.CONTAINER_CONFIG_VARIABLE in command.env;
  if (afterAppConfig !== configured) throw new Error(`the run's command ${afterAppConfig ? 'carries' : 'lacks'} the container configuration`);
  const withVersion = afterAppConfig ? { ...command, env: { ...command.env, [testRun.ELIXIR_VERSION_VARIABLE]: await elixirVersion(engine, testRun, container.id, elixirVersions) } } : command;
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
  if (result.code !== 0 || finished.length !== 1 || only.name !== fixture.expectedTest || only.state !== 'passed') {
    throw new Error(`the run at the cursor reported ${JSON.stringify(finished)} (exit ${result.code}):\n${result.output}`);
  }
  return ms;
}

/** How many tests mix test's summary says ran and passed ("1 doctest, 3 tests, 0 failures, 3 excluded" is one); undefined when any failed. */
function testsRunByHand(output) {
  const summary = /^((?:\d+ \w+, )+)0 failures(?:, (\d+) excluded)?/m.exec(output);
  if (!summary) return undefined;
  const counted = [...summary[1].matchAll(/(\d+) (?:doctests?|tests?|propert(?:y|ies)), /g)].reduce((sum, [, count]) => sum + Number(count), 0);
  return counted - Number(summary[2] ?? 0);
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
    versions.set(containerId, engine.exec(containerId, testRun.ELIXIR_VERSION_ARGV, { timeoutMs: 30_000 }).then((result) => {
      const version = result.output.trim();
      if (result.exitCode !== 0 || !/^\d+\.\d+\.\d+/.test(version)) throw new Error(`the container's Elixir answered ${JSON.stringify(result.output)} (exit ${result.exitCode}) for its version`);
      return version;
    }));
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
  for (const [key, { label }] of Object.entries(FIXTURES)) {
    const { ours, raw, ratio } = result[key];
    console.log(`${label}, median of ${runs}:`);
    console.log(`  test at the cursor, command → result: ${ms(ours)}`);
    console.log(`  docker compose exec -e MIX_ENV=test app mix test file:line: ${ms(raw)}`);
    console.log(`  ours / by hand: ${ratio.toFixed(2)}x (goal <= 1.10x)`);
  }
  console.log(`discovery over ${GENERATED_FILES} test files (${result.discovered} tests), median of ${DISCOVERY_RUNS}: ${ms(result.discovery)} (goal <= 200 ms)`);
}
