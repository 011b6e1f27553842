// The whole test suite (`npm test`): lint, compile, package, provision the real stack, then the
// three layers: unit (node:test), integration (mocha in a real VS Code's extension host) and e2e
// (user journeys in a real VS Code workbench driven through Chromium).
//
//   npm test                       # everything
//   npm test -- unit               # a subset: any of unit, integration, e2e
//
// A layer whose tools are missing (Docker, Chromium, code-server) is skipped with the reason on a
// developer's machine, and fails under CI=true, so CI can never pass by skipping.
// The output ends with one line per layer and `total: N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { findChromium } from './stack/browser.mjs';
import { ensureCodeServer } from './stack/tools.mjs';
import { REPO } from './stack/workspace.mjs';

const LAYERS = ['unit', 'integration', 'e2e'];
// Both VS Code layers drive real containers, so they need the whole stack.
const NEEDS = {
  unit: [],
  integration: ['docker', 'chromium', 'codeServer'],
  e2e: ['docker', 'chromium', 'codeServer'],
};
const CI = process.env.CI === 'true' || process.env.CI === '1';
const ARTIFACTS = join(REPO, 'test-artifacts');

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !LAYERS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown layer(s): ${unknown.join(', ')}; choose from ${LAYERS.join(', ')}`);
  process.exit(2);
}
const layers = requested.length > 0 ? LAYERS.filter((name) => requested.includes(name)) : LAYERS;
const fullRun = requested.length === 0;

const results = [];
const startedAt = Date.now();

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function stage(title) {
  console.log(`\n==> ${title}`);
}

/** Runs a command with inherited output; resolves with its exit code. `tee` also captures stdout. */
function run(cmd, args, { env, tee = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', tee ? 'pipe' : 'inherit', 'inherit'],
    });
    let output = '';
    if (tee) {
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        output += chunk;
      });
    }
    child.on('error', (error) => {
      console.error(`${cmd}: ${error.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

// --- build -------------------------------------------------------------------------------------

const build = { name: 'build', passed: 0, failed: 0, skipped: 0, notes: [] };
results.push(build);
const built = {};

async function npmScript(script) {
  stage(`npm run ${script}`);
  const started = Date.now();
  const { code } = await run('npm', ['run', '--silent', script]);
  built[script] = code === 0;
  if (code === 0) {
    build.passed += 1;
    console.log(`--- ${script} ok (${seconds(started)})`);
  } else {
    build.failed += 1;
    build.notes.push(`${script} failed`);
    console.log(`--- ${script} FAILED with exit code ${code} (${seconds(started)})`);
  }
}

// --- stack: Debian packages, Docker, Chromium, code-server ------------------------------------

function log(prefix) {
  return (message) => console.log(`[${prefix}] ${message}`);
}

/** Provisions the machine and installs code-server; resolves with what is available and why not. */
async function prepareStack() {
  const stack = { docker: false, chromium: false, codeServer: false, reasons: {} };
  const started = Date.now();
  try {
    const { provision } = await import('./stack/provision.mjs');
    const provisioned = await provision({ log: log('provision') });
    stack.docker = provisioned.docker;
    for (const line of provisioned.missing) {
      console.log(`[provision] missing ${line}`);
    }
    const reasonFor = (name) => provisioned.missing.find((line) => line.startsWith(`${name}:`)) ?? `${name}: not available`;
    stack.reasons.docker = reasonFor('docker');
    stack.reasons.chromium = reasonFor('chromium');
  } catch (error) {
    stack.reasons.docker = stack.reasons.chromium = `provisioning failed: ${error.message}`;
  }
  // The browser the layers will launch (CHROMIUM_PATH counts too).
  stack.chromium = Boolean(findChromium());
  // Independent of each other, so side by side: the image and code-server each take a while cold.
  await Promise.all([
    (async () => {
      if (!stack.docker) return;
      // The suites run containers from the offline Elixir image, build release images on the
      // offline runner image and run Ecto projects' databases on the offline PostgreSQL image
      // (each about 20 s cold once the first has cached a minimal Debian, then no time); no
      // registry can supply any of them. One after the other: they share the package caches.
      const { ensureBaseImage, ensureRunnerImage } = await import('./stack/baseImage.mjs');
      const { ensurePostgresImage } = await import('./stack/postgresImage.mjs');
      for (const [ensure, what] of [[ensureBaseImage, 'Elixir base image'], [ensureRunnerImage, 'release runner image'], [ensurePostgresImage, 'PostgreSQL image']]) {
        try {
          await ensure({ log: log(what) });
        } catch (error) {
          stack.docker = false;
          stack.reasons.docker = `docker: the offline ${what} could not be built: ${error.message}`;
          break;
        }
      }
    })(),
    (async () => {
      try {
        await ensureCodeServer({ log: log('tools') });
        stack.codeServer = true;
      } catch (error) {
        stack.reasons.codeServer = `code-server: could not be installed: ${error.message}`;
      }
    })(),
  ]);
  console.log(`[stack] ready in ${seconds(started)}: docker=${stack.docker} chromium=${stack.chromium} code-server=${stack.codeServer}`);
  return stack;
}

// --- layers ------------------------------------------------------------------------------------

function findFiles(dir, suffix) {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix))
    .sort()
    .map((file) => join(dir, file));
}

function count(text, label) {
  const match = new RegExp(`^# ${label} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** node:test with the human-readable spec reporter on the console and TAP in a file for counting. */
async function nodeTest(layer, files, extraArgs = []) {
  await mkdir(ARTIFACTS, { recursive: true });
  const tapFile = join(ARTIFACTS, `${layer}.tap`);
  const { code } = await run(process.execPath, [
    '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...extraArgs,
    ...files,
  ]);
  const tap = existsSync(tapFile) ? await readFile(tapFile, 'utf8') : '';
  return {
    code,
    passed: count(tap, 'pass'),
    failed: count(tap, 'fail') + count(tap, 'cancelled'),
    skipped: count(tap, 'skipped') + count(tap, 'todo'),
  };
}

const runners = {
  async unit() {
    if (!built.compile) {
      return { failedReason: 'npm run compile failed' };
    }
    const files = findFiles(join(REPO, 'out', 'test', 'unit'), '.test.js');
    if (files.length === 0) {
      return { failedReason: 'no unit tests found in out/test/unit' };
    }
    return nodeTest('unit', files);
  },

  async integration() {
    if (!built.compile || !built.package) {
      return { failedReason: 'the build failed (npm run compile / npm run package)' };
    }
    const { code, output } = await run(process.execPath, [join(REPO, 'test', 'integration', 'runTests.mjs')], { tee: true });
    const summary = /phoenix-test-summary passed=(\d+) failed=(\d+) skipped=(\d+)/.exec(output);
    return summary
      ? { code, passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3]) }
      : { code, passed: 0, failed: 0, skipped: 0 };
  },

  async e2e() {
    if (!built.package) {
      return { failedReason: 'npm run package failed' };
    }
    // e.g. PHOENIX_TEST_JOURNEY=runDevContainer to run one journey
    const journey = process.env.PHOENIX_TEST_JOURNEY;
    // The file's own name: the checkout's path may hold the word too.
    const files = findFiles(join(REPO, 'test', 'e2e'), '.test.mjs').filter((file) => !journey || basename(file).includes(journey));
    if (files.length === 0) {
      return { failedReason: 'no journeys found in test/e2e' };
    }
    // One workbench at a time: each takes about 1 GiB and both cores while it loads.
    return nodeTest('e2e', files, ['--test-concurrency=1']);
  },
};

async function runLayer(name, stackPromise) {
  stage(`${name} tests`);
  const started = Date.now();
  const result = { name, passed: 0, failed: 0, skipped: 0, notes: [] };
  results.push(result);

  if (NEEDS[name].length > 0) {
    const stack = await stackPromise;
    const missing = NEEDS[name].filter((need) => !stack[need]).map((need) => stack.reasons[need] ?? `${need}: not available`);
    if (missing.length > 0) {
      const reason = missing.join('; ');
      if (CI) {
        result.failed = 1;
        result.notes.push(`FAILED, required under CI: ${reason}`);
      } else {
        result.skipped = 1;
        result.notes.push(`SKIPPED: ${reason}`);
      }
      console.log(`--- ${name}: ${result.notes.at(-1)}`);
      return;
    }
  }

  const outcome = await runners[name]();
  if (outcome.failedReason) {
    result.failed = 1;
    result.notes.push(outcome.failedReason);
  } else {
    Object.assign(result, { passed: outcome.passed, failed: outcome.failed, skipped: outcome.skipped });
    // A run that failed without a failing test (a crash, no summary) still fails.
    if (outcome.code !== 0 && outcome.failed === 0) {
      result.failed = 1;
      result.notes.push(`exited with code ${outcome.code} without reporting a failed test`);
    }
    if (outcome.code === 0 && outcome.passed + outcome.failed + outcome.skipped === 0) {
      result.failed = 1;
      result.notes.push('ran no tests');
    }
  }
  console.log(`--- ${name} done in ${seconds(started)}`);
}

// --- main --------------------------------------------------------------------------------------

console.log(`test run: ${layers.join(', ')}${CI ? ' (CI: missing tools fail)' : ''}; artifacts in ${relative(process.cwd(), ARTIFACTS) || '.'}`);
const needsStack = layers.some((name) => NEEDS[name].length > 0);
// Provisioning (apt, dockerd, a cold code-server install) takes minutes: it runs alongside the build.
const stackPromise = needsStack ? prepareStack() : undefined;

if (fullRun) {
  await npmScript('lint');
}
// Compiled tests of deleted sources would otherwise still run.
await rm(join(REPO, 'out'), { recursive: true, force: true });
await npmScript('compile');
if (layers.some((name) => name !== 'unit')) {
  await npmScript('package');
}
if (stackPromise) {
  stage('waiting for provisioning (Debian packages, Docker, Chromium, code-server)');
  await stackPromise;
}
for (const name of layers) {
  await runLayer(name, stackPromise);
}

const line = (r) => `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
const summary = results.map((r) => `${r.name}: ${line(r)}${r.notes.length > 0 ? ` (${r.notes.join('; ')})` : ''}`);
const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
await mkdir(ARTIFACTS, { recursive: true });
await writeFile(join(ARTIFACTS, 'summary.txt'), `${[...summary, `total: ${line(total)}`].join('\n')}\n`);
console.log(`\n==> summary (${seconds(startedAt)})`);
for (const text of summary) {
  console.log(text);
}
console.log(`total: ${line(total)}`);
process.exitCode = total.failed > 0 ? 1 : 0;
