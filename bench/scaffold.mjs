// Time to scaffold the fixture project: read its files, render the dev container, plan the
// writes and write them, the way the Scaffold command does (here with Node's fs instead of
// VS Code's), on a fresh copy each time.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 20;
const root = fileURLToPath(new URL('..', import.meta.url));
// The compiled core (npm run compile).
const core = createRequire(import.meta.url)(join(root, 'out', 'src', 'core', 'scaffold', 'index.js'));

function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function scaffold(project) {
  const files = {};
  for (const path of core.PROJECT_FILES) {
    const text = readIfExists(join(project, path));
    if (text !== undefined) files[path] = text;
  }
  const { project: description } = core.readProject({ files, folderName: 'hello_phoenix' });
  const rendered = core.renderDevContainer(description, {
    host: { uid: process.getuid(), gid: process.getgid(), platform: process.platform },
    composeProject: 'bench_scaffold_devcontainer',
    randomBytes: randomBytes(32),
  });
  const existing = Object.fromEntries(rendered.files.map((file) => [file.path, readIfExists(join(project, file.path))]));
  for (const plan of core.planWrites(rendered.files, existing)) {
    if (plan.action === 'create' || plan.action === 'update') {
      mkdirSync(dirname(join(project, plan.path)), { recursive: true });
      writeFileSync(join(project, plan.path), plan.content, plan.action === 'create' && plan.mode ? { mode: plan.mode } : {});
    }
  }
}

export function benchScaffold() {
  const scratch = mkdtempSync(join(tmpdir(), 'phoenix scaffold bench '));
  const times = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const project = join(scratch, `run ${i}`);
      cpSync(join(root, 'test', 'fixtures', 'hello_phoenix'), project, { recursive: true });
      const start = performance.now();
      scaffold(project);
      times.push(performance.now() - start);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const first = times[0];
  times.sort((a, b) => a - b);
  return { first, median: (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2, max: times[RUNS - 1] };
}
