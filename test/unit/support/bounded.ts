import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the worker runs: `name` exported by the compiled module at `modulePath`, called with `args`. */
export interface BoundedJob {
  readonly modulePath: string;
  readonly name: string;
  readonly args: readonly unknown[];
  /** Whether the call gets a last argument `(label: string) => void` to report where it is. */
  readonly progress: boolean;
}

export interface BoundedResult<T> {
  readonly value: T;
  /** How long the call itself took, in the worker. */
  readonly ms: number;
}

/** The compiled module of a source file, e.g. `src/core/scaffold/project` (tests run from out/). */
export function compiled(sourcePath: string): string {
  return path.resolve(__dirname, '..', '..', '..', sourcePath);
}

/**
 * Calls a function of a compiled module in a worker thread and resolves with its result and how
 * long it took. A call still running after `deadlineMs` is stopped (terminating a worker ends
 * even a loop that never yields) and rejects with the last progress label it reported: a hang
 * fails the test instead of hanging the suite.
 */
export function runBounded<T>(
  job: Omit<BoundedJob, 'progress'>,
  options: { readonly deadlineMs: number; readonly onProgress?: (label: string) => void },
): Promise<BoundedResult<T>> {
  const worker = new Worker(path.join(__dirname, 'boundedWorker.js'), { workerData: { ...job, progress: options.onProgress !== undefined } });
  let lastProgress: string | undefined;
  return new Promise<BoundedResult<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${job.name} did not return within ${options.deadlineMs} ms${lastProgress === undefined ? '' : ` (last at: ${lastProgress})`}`));
      void worker.terminate();
    }, options.deadlineMs);
    worker.on('message', (message: { progress: string } | BoundedResult<T>) => {
      if ('progress' in message) {
        lastProgress = message.progress;
        options.onProgress?.(message.progress);
        return;
      }
      clearTimeout(timer);
      resolve(message);
      void worker.terminate();
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      // After an answer this changes nothing.
      reject(new Error(`the worker for ${job.name} exited (${code}) without an answer`));
    });
  });
}
