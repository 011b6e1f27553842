import type { spawn as Spawn } from 'node:child_process';
import type { Argv } from '../core/compose';
import { LineSplitter, TextTail } from '../core/lines';

/**
 * How much of a program's output runProcess keeps: the last 1M characters of stdout and of the
 * whole output. That holds any error message, and is more than a compose file that is parsed
 * (MAX_COMPOSE_YAML_LENGTH), so a `compose config` output that was cut is refused, not misread.
 */
export const MAX_KEPT_OUTPUT = 1024 * 1024;

export interface ProcessResult {
  /** The exit code; undefined when the program could not be started (see `startError`). */
  readonly code: number | undefined;
  /** The last MAX_KEPT_OUTPUT characters of stdout. */
  readonly stdout: string;
  /** Whether stdout was longer than MAX_KEPT_OUTPUT, so `stdout` lacks its start. */
  readonly stdoutTruncated: boolean;
  /** stdout and stderr interleaved as they came, for messages and logs: the last MAX_KEPT_OUTPUT characters. */
  readonly output: string;
  /** Why the program could not be started, e.g. ENOENT when it is not installed. */
  readonly startError: NodeJS.ErrnoException | undefined;
}

export interface ProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stops the program: SIGINT first (compose then stops its own work cleanly), SIGKILL if it lingers. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Each line of output as it arrives. */
  readonly onLine?: (line: string) => void;
  /** Text written to the program's standard input, which is then closed; without it stdin is empty. */
  readonly input?: string;
}

const KILL_GRACE_MS = 5000;

/** Runs a program from an argv array (never through a shell) and collects its output. */
export async function runProcess(argv: Argv, options: ProcessOptions = {}): Promise<ProcessResult> {
  // Loaded on first use, like the other costly Node modules: activation need not pay for them.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortReason(options.signal));
      return;
    }
    const child = spawn(argv.command, [...argv.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // A group of its own, so that stopping it also stops what it started: `docker compose`
      // runs the compose plugin as a child that the docker CLI does not pass signals on to.
      detached: process.platform !== 'win32',
    });
    // A program that exits without reading its input must not fail the write.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    const stdout = new TextTail(MAX_KEPT_OUTPUT);
    const output = new TextTail(MAX_KEPT_OUTPUT);
    const stdoutLines = new LineSplitter((line) => options.onLine?.(line));
    const stderrLines = new LineSplitter((line) => options.onLine?.(line));
    // Decoded as streams, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout.push(text);
      output.push(text);
      stdoutLines.push(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output.push(text);
      stderrLines.push(text);
    });

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      signalTree(spawn, child.pid, 'SIGINT');
      killTimer = setTimeout(() => { signalTree(spawn, child.pid, 'SIGKILL'); }, KILL_GRACE_MS);
    };
    const timeout = options.timeoutMs === undefined ? undefined : setTimeout(stop, options.timeoutMs);
    options.signal?.addEventListener('abort', stop, { once: true });

    let startError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      startError = error;
      // A program that never started emits no 'close' on every Node version.
      if (child.pid === undefined) {
        clearTimeout(timeout);
        options.signal?.removeEventListener('abort', stop);
        resolve({ code: undefined, stdout: stdout.value, stdoutTruncated: stdout.truncated, output: output.value, startError });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      stdoutLines.flush();
      stderrLines.flush();
      if (options.signal?.aborted) reject(abortReason(options.signal));
      else resolve({ code: code ?? undefined, stdout: stdout.value, stdoutTruncated: stdout.truncated, output: output.value, startError });
    });
  });
}

/** Signals a program and everything it started: its process group on POSIX, its process tree on Windows. */
function signalTree(spawn: typeof Spawn, pid: number | undefined, signal: 'SIGINT' | 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], { stdio: 'ignore' }).on('error', () => undefined);
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // Already gone.
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}
