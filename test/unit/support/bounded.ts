import path from 'node:path';
import { fork } from 'node:child_process';
import { Readable } from 'node:stream';
import { LineSplitter } from '../../../src/core/lines';

/** What the child process runs: `name` exported by the compiled module at `modulePath`, called with `args`. */
export interface BoundedJob {
  readonly modulePath: string;
  readonly name: string;
  readonly args: readonly unknown[];
  /** Whether the call gets a last argument `(label: string) => void` to report where it is. */
  readonly progress: boolean;
}

/** The child's file descriptor for progress labels, one a line. */
export const PROGRESS_FD = 4;

export interface BoundedResult<T> {
  readonly value: T;
  /** How long the call itself took, in the child process. */
  readonly ms: number;
}

/** The compiled module of a source file, e.g. `src/core/scaffold/project` (tests run from out/). */
export function compiled(sourcePath: string): string {
  return path.resolve(__dirname, '..', '..', '..', sourcePath);
}

/**
 * Calls a function of a compiled module in a child process and resolves with its result and how
 * long the call took. A call still running after `deadlineMs` is killed (SIGKILL ends anything,
 * where terminating a worker thread waits for some regular expressions to finish) and rejects
 * with the last progress label it reported: a hang fails the test instead of hanging the suite.
 */
export function runBounded<T>(
  job: Omit<BoundedJob, 'progress'>,
  options: { readonly deadlineMs: number; readonly onProgress?: (label: string) => void },
): Promise<BoundedResult<T>> {
  const child = fork(path.join(__dirname, 'boundedChild.js'), [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  child.send({ ...job, progress: options.onProgress !== undefined });
  let lastProgress: string | undefined;
  const progress = new LineSplitter((label) => {
    lastProgress = label;
    options.onProgress?.(label);
  });
  const labels = child.stdio[PROGRESS_FD];
  if (labels instanceof Readable) labels.setEncoding('utf8').on('data', (text: string) => { progress.push(text); });
  return new Promise<BoundedResult<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${job.name} did not return within ${options.deadlineMs} ms${lastProgress === undefined ? '' : ` (last at: ${lastProgress})`}`));
      child.kill('SIGKILL');
    }, options.deadlineMs);
    child.on('message', (message: BoundedResult<T>) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // After an answer this changes nothing.
      reject(new Error(`the process for ${job.name} ended (${signal ?? code ?? ''}) without an answer`));
    });
  });
}
