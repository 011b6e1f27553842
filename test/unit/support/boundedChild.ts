// Runs one call for runBounded (bounded.ts) in a child process and sends back its result and time.
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PROGRESS_FD, type BoundedJob } from './bounded';

process.once('message', (job: BoundedJob) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(job.modulePath) as Record<string, unknown>)[job.name];
  if (typeof exported !== 'function') throw new Error(`${job.modulePath} exports no function ${job.name}`);
  const call = exported as (...args: unknown[]) => unknown;
  // Written at once, so the parent knows the last one even when the call then never returns.
  const progress = (label: string): void => { writeSync(PROGRESS_FD, `${label}\n`); };
  const started = performance.now();
  const value = call(...job.args, ...(job.progress ? [progress] : []));
  process.send?.({ value, ms: performance.now() - started }, () => { process.disconnect(); });
});
