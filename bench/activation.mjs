// Activation time of the built bundle, over fresh processes, and whether dockerode was loaded.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = 20;
const host = fileURLToPath(new URL('./activationHost.cjs', import.meta.url));

export function benchActivation() {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, [host], { encoding: 'utf8' })));
  }
  const times = runs.map((run) => run.elapsed).sort((a, b) => a - b);
  const median = (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2;
  return {
    median,
    max: times[RUNS - 1],
    dockerodeLoaded: runs.some((run) => run.dockerodeLoaded),
  };
}
