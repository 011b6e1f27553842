// Runs one call for runBounded (bounded.ts) in a worker thread and posts back its result and time.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { BoundedJob } from './bounded';

const job = workerData as BoundedJob;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exported = (require(job.modulePath) as Record<string, unknown>)[job.name];
if (typeof exported !== 'function') throw new Error(`${job.modulePath} exports no function ${job.name}`);
const call = exported as (...args: unknown[]) => unknown;
const progress = (label: string): void => parentPort?.postMessage({ progress: label });
const started = performance.now();
const value = call(...job.args, ...(job.progress ? [progress] : []));
parentPort?.postMessage({ value, ms: performance.now() - started });
