// `npm run bench`: compiles, builds the production bundle and .vsix, then prints every benchmark's figures
// next to its goal.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchActivation } from './activation.mjs';
import { benchAttach } from './attach.mjs';
import { benchEctoStart } from './ectoStart.mjs';
import { benchImageSizes, megabytes } from './imageSizes.mjs';
import { benchLiveReload } from './liveReload.mjs';
import { benchObserver } from './observer.mjs';
import { benchScaffold } from './scaffold.mjs';
import { benchTreeLatency } from './treeLatency.mjs';
import { benchStart, median } from './start.mjs';
import { FIXTURES, benchTestAtCursor } from './testAtCursor.mjs';
import { benchVsix } from './vsix.mjs';
import { benchZeroToIex } from './zeroToIex.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vsix = `${root}dist/phoenix-dev-containers.vsix`;

for (const script of ['compile', 'package']) {
  execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const rows = [];
const notes = [];
const report = (name, value, goal, met) => rows.push({ name, value, goal, verdict: met ? 'ok' : 'MISSED' });

const activation = benchActivation();
report('activation median (20 fresh processes)', `${activation.median.toFixed(1)} ms`, '<= 20 ms', activation.median <= 20);
report('activation max', `${activation.max.toFixed(1)} ms`, '', true);
report('dockerode loaded by activation', String(activation.dockerodeLoaded), 'false', !activation.dockerodeLoaded);

const packaged = benchVsix(vsix);
report('.vsix size', `${(packaged.bytes / 1024 / 1024).toFixed(2)} MB`, '<= 1.5 MB', packaged.bytes <= 1.5 * 1024 * 1024);
report('.vsix files', String(packaged.files), '<= 30', packaged.files <= 30);

const scaffold = benchScaffold();
report('scaffold, first run (read + render + write)', `${scaffold.first.toFixed(1)} ms`, '<= 100 ms', scaffold.first <= 100);
report('scaffold, median of 20', `${scaffold.median.toFixed(1)} ms`, '<= 100 ms', scaffold.median <= 100);

const started = await benchStart({ log: (line) => console.error(`[start bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (started.error) {
  report('start to ready, warm image', 'failed', '', false);
  notes.push(`start bench failed: ${started.error.message}`);
} else {
  const { runs, raw, devcontainer, ours } = started.result;
  const secs = (values) => `${median(values).toFixed(2)} s`;
  const times = (a, b) => median(a) / median(b);
  report(`start, raw: up -d to node answering (median of ${runs})`, secs(raw.node), '', true);
  report('start, raw: up -d to HTTP answering', secs(raw.http), '', true);
  report('start, devcontainer up (CLI returns)', secs(devcontainer.up), '', true);
  report('start, devcontainer up to node answering', secs(devcontainer.node), '', true);
  report('start, devcontainer up to HTTP answering', secs(devcontainer.http), '', true);
  const versusRaw = times(ours.ready, raw.http);
  const versusDevcontainer = times(ours.ready, devcontainer.node);
  report('start, ours to ready (node and HTTP)', secs(ours.ready), '', true);
  report('start, ours / raw to HTTP', `${versusRaw.toFixed(2)}x`, '<= 1.10x', versusRaw <= 1.1);
  report('start, ours / raw to node', `${times(ours.ready, raw.node).toFixed(2)}x`, '', true);
  report('start, ours / devcontainer to node', `${versusDevcontainer.toFixed(2)}x`, '< 1.00x', versusDevcontainer < 1);
  report('start, ours / devcontainer to HTTP', `${times(ours.ready, devcontainer.http).toFixed(2)}x`, '', true);
  report('start, warm starts where ours built', `${ours.builds} of ${runs}`, '0', ours.builds === 0);
}

const ecto = await benchEctoStart({ log: (line) => console.error(`[ecto start bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (ecto.error) {
  report('Ecto start, ours / raw to ready', 'failed', '<= 1.00x', false);
  notes.push(`Ecto start bench failed: ${ecto.error.message}`);
} else {
  const { runs, raw, ours, ratio } = ecto.result;
  report(`Ecto start, raw: up -d to node and HTTP (median of ${runs})`, `${median(raw).toFixed(2)} s`, '', true);
  report('Ecto start, ours to ready', `${median(ours).toFixed(2)} s`, '', true);
  report('Ecto start, ours / raw to ready', `${ratio.toFixed(2)}x`, '<= 1.00x', ratio <= 1);
}

const tree = await benchTreeLatency().then((result) => ({ result }), (error) => ({ error }));
if (tree.error) {
  report('view shows docker stop (die event to fresh list)', 'failed', '<= 500 ms', false);
  notes.push(`tree latency bench failed: ${tree.error.message}`);
} else {
  const { runs, medianFromDie, medianFromStopReturned } = tree.result;
  report(`view shows docker stop, from die event (median of ${runs})`, `${medianFromDie.toFixed(0)} ms`, '<= 500 ms', medianFromDie <= 500);
  report('view shows docker stop, from docker stop returning', `${medianFromStopReturned.toFixed(0)} ms`, '', true);
}

const attached = await benchAttach({ log: (line) => console.error(`[attach bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (attached.error) {
  report('attach: command to iex( prompt', 'failed', '<= 2 s', false);
  notes.push(`attach bench failed: ${attached.error.message}`);
} else {
  const { runs, median: promptMedian, max, shellLeftAfterHangUp } = attached.result;
  report(`attach: command to iex( prompt (median of ${runs})`, `${promptMedian.toFixed(2)} s`, '<= 2 s', promptMedian <= 2);
  report('attach: command to iex( prompt, max', `${max.toFixed(2)} s`, '', true);
  if (shellLeftAfterHangUp) notes.push('attach: closing the terminal (pty hang-up) left the remote IEx shell running in the container');
}

const zero = await benchZeroToIex({ log: (line) => console.error(`[zero to IEx bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (zero.error) {
  report('zero to IEx, warm image', 'failed', '<= 15 s', false);
  notes.push(`zero to IEx bench failed: ${zero.error.message}`);
} else {
  report(`zero to IEx, window to iex( prompt, Enter only, warm image (median of ${zero.result.warm.length})`, `${zero.result.warmMedian.toFixed(2)} s`, '<= 15 s', zero.result.warmMedian <= 15);
  report('zero to IEx, cold (no image, no _build)', `${zero.result.cold.toFixed(2)} s`, '', true);
}

const reload = await benchLiveReload({ log: (line) => console.error(`[live reload bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (reload.error) {
  report('live reload: edit to reloaded page, dev container', 'failed', '', false);
  notes.push(`live reload bench failed: ${reload.error.message}`);
} else {
  const { runs, container, native, polling, nativeSkipped } = reload.result;
  const ms = (values) => `${median(values).toFixed(0)} ms`;
  report(`live reload: edit to reloaded page, dev container (median of ${runs})`, ms(container), '', true);
  if (native) {
    const ratio = median(container) / median(native);
    report('live reload: edit to reloaded page, native', ms(native), '', true);
    report('live reload: dev container / native', `${ratio.toFixed(2)}x`, '<= 1.10x', ratio <= 1.1);
  } else {
    notes.push(`live reload: not measured natively (${nativeSkipped})`);
  }
  report('live reload: edit to reloaded page, polling every 500 ms', ms(polling), '', true);
}

const tests = await benchTestAtCursor({ log: (line) => console.error(`[test at cursor bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (tests.error) {
  for (const { label } of Object.values(FIXTURES)) report(`test at the cursor, ${label}, ours / by hand`, 'failed', '<= 1.10x', false);
  report('test discovery, 500 files', 'failed', '<= 200 ms', false);
  notes.push(`test at cursor bench failed: ${tests.error.message}`);
} else {
  const { runs, discovery, discovered } = tests.result;
  const ms = (values) => `${Math.round(median(values))} ms`;
  for (const [key, { label }] of Object.entries(FIXTURES)) {
    const { ours, raw, ratio } = tests.result[key];
    report(`test at the cursor, ${label}, ours: command to result (median of ${runs})`, ms(ours), '', true);
    report(`test at the cursor, ${label}, by hand: compose exec mix test file:line`, ms(raw), '', true);
    report(`test at the cursor, ${label}, ours / by hand`, `${ratio.toFixed(2)}x`, '<= 1.10x', ratio <= 1.1);
  }
  report(`test discovery, 500 files (${discovered} tests)`, ms(discovery), '<= 200 ms', median(discovery) <= 200);
}

const sizes = await benchImageSizes({ log: (line) => console.error(`[image sizes bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (sizes.error) {
  report('dev image size', 'failed', '', false);
  report('release image size', 'failed', '', false);
  notes.push(`image sizes bench failed: ${sizes.error.message}`);
} else {
  report('dev image size', megabytes(sizes.result.dev.bytes), '', true);
  report('release image size', megabytes(sizes.result.release.bytes), '', true);
}

const observed = await benchObserver({ log: (line) => console.error(`[observer bench] ${line}`) }).then((result) => ({ result }), (error) => ({ error }));
if (observed.error) {
  report('observer refresh at 10k processes', 'failed', '<= 50 ms', false);
  notes.push(`observer bench failed: ${observed.error.message}`);
} else {
  const { start, refresh10k, refresh100k, reductions100k, cpuIdle, cpuOverview, cpuProcesses } = observed.result;
  report(`observer helper start (median of ${start.length})`, `${median(start).toFixed(0)} ms`, '<= 1000 ms', median(start) <= 1000);
  report(`observer refresh at 10k processes (median of ${refresh10k.length})`, `${median(refresh10k).toFixed(1)} ms`, '<= 50 ms', median(refresh10k) <= 50);
  report('observer refresh at 100k processes', `${median(refresh100k).toFixed(1)} ms`, '', true);
  report('observer refresh by reductions at 100k processes', `${median(reductions100k).toFixed(1)} ms`, '', true);
  report('observer CPU added on the node, Overview tab at 1 s', `${((cpuOverview - cpuIdle) * 100).toFixed(2)} %`, '< 1 %', cpuOverview - cpuIdle < 0.01);
  report('observer CPU added on the node, Processes tab (paced)', `${((cpuProcesses - cpuIdle) * 100).toFixed(2)} %`, '< 1 %', cpuProcesses - cpuIdle < 0.01);
}

const width = Math.max(...rows.map((row) => row.name.length));
for (const row of rows) {
  console.log(`${row.name.padEnd(width)}  ${row.value.padStart(10)}  ${row.goal.padEnd(9)} ${row.goal ? row.verdict : ''}`);
}
for (const note of notes) console.log(note);
