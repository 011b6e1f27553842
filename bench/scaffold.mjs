// Time to scaffold the fixture project: read its files, render the dev container, plan the
// writes and write them, the way the Scaffold command does (here with Node's fs instead of
// VS Code's), on a fresh copy each time.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaffoldDevContainerFiles } from './project.mjs';

const RUNS = 20;
const root = fileURLToPath(new URL('..', import.meta.url));

function scaffold(project) {
  scaffoldDevContainerFiles(project, 'hello_phoenix', 'bench_scaffold_devcontainer');
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
