// `npm run bench`: compiles, builds the production bundle and .vsix, then prints every benchmark's figures
// next to its goal.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchActivation } from './activation.mjs';
import { benchScaffold } from './scaffold.mjs';
import { benchVsix } from './vsix.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vsix = `${root}dist/phoenix-dev-containers.vsix`;

for (const script of ['compile', 'package']) {
  execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const rows = [];
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

const width = Math.max(...rows.map((row) => row.name.length));
for (const row of rows) {
  console.log(`${row.name.padEnd(width)}  ${row.value.padStart(10)}  ${row.goal.padEnd(9)} ${row.goal ? row.verdict : ''}`);
}
