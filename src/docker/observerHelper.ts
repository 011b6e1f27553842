import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { HELPER_SOURCE_LINE } from '../core/observer/helperSource';
import { LineSplitter, TextTail } from '../core/lines';
import { MAX_REPLY_LENGTH, encodeRequest, parseHelperLine, type HelperFault, type ObserverRequest } from '../core/observer/protocol';

/** The helper's VM compiles its code and connects within this, or it counts as failed. */
const HELPER_START_TIMEOUT_MS = 30_000;
/**
 * A reply takes at most this long: the helper connects to the node (the VM's 7 s setup time at
 * most), then makes up to two calls there (a pid's lookup, or the process list's two passes),
 * each given up after 15 s.
 */
const REQUEST_TIMEOUT_MS = 40_000;
/** How long the helper may take to end once its input is closed, before it is killed. */
const END_GRACE_MS = 3000;
/** The end of the helper's output kept for messages: what a VM that did not start printed. */
const KEPT_OUTPUT = 4000;

/** The helper answered with a fault instead of a result. */
export class HelperFaultError extends Error {
  constructor(readonly fault: HelperFault, readonly detail: string) {
    super(detail === '' ? fault : `${fault}: ${detail}`);
  }
}

/** The helper is gone (or never started): `output` holds the end of what it printed. */
export class HelperGoneError extends Error {
  constructor(message: string, readonly output: string) {
    super(message);
  }
}

export interface HelperProgram {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment for the program only. */
  readonly env: Readonly<Record<string, string>>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One running observer helper (`docker exec -i` of the helper VM in the node's container): sends
 * it its code, then requests, and matches each reply line to its request by id.
 */
export class ObserverHelper {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly output = new TextTail(KEPT_OUTPUT);
  private gone: HelperGoneError | undefined;
  /** Settles when the program has ended, for whatever reason. */
  readonly ended: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams, onReady: () => void) {
    const lines = new LineSplitter((line) => { this.onLine(line, onReady); }, MAX_REPLY_LENGTH);
    child.stdout.setEncoding('utf8').on('data', (text: string) => { lines.push(text); });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { this.output.push(text); });
    this.ended = new Promise((resolve) => {
      child.on('close', (code) => {
        lines.flush();
        this.fail(new HelperGoneError(`The observer's helper ended (exit code ${code ?? 'none'}).`, this.output.value));
        resolve();
      });
      child.on('error', (error) => {
        this.fail(new HelperGoneError(`The observer's helper could not run: ${error.message}`, this.output.value));
        resolve();
      });
    });
    // A helper that went away makes writes fail: the close above says so.
    child.stdin.on('error', () => undefined);
  }

  /** Starts the program, sends it the helper's code and waits until it says it is ready. */
  static async start(program: HelperProgram, startTimeoutMs = HELPER_START_TIMEOUT_MS): Promise<ObserverHelper> {
    const { spawn } = await import('node:child_process');
    const child = spawn(program.command, [...program.args], { env: { ...process.env, ...program.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => { ready = resolve; });
    const helper = new ObserverHelper(child, () => { ready(); });
    child.stdin.write(`${HELPER_SOURCE_LINE}\n`);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      isReady.then(() => 'ready' as const),
      helper.ended.then(() => 'ended' as const),
      new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout'); }, startTimeoutMs); }),
    ]);
    clearTimeout(timer);
    if (outcome === 'ready') return helper;
    helper.dispose();
    throw outcome === 'timeout'
      ? new HelperGoneError(`The observer's helper did not start within ${Math.round(startTimeoutMs / 1000)} s.`, helper.output.value)
      : helper.gone ?? new HelperGoneError('The observer\'s helper ended before it was ready.', helper.output.value);
  }

  /** Whether the program still runs. */
  get running(): boolean {
    return this.gone === undefined;
  }

  /** The request's result; fails with a HelperFaultError, or a HelperGoneError once the helper is gone. */
  request(request: ObserverRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<unknown> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    const id = this.nextId++;
    const line = encodeRequest(id, request);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HelperFaultError('timeout', `no reply within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin.write(line);
    });
  }

  /** Closes the helper's input, which ends it; kills the program if it lingers. */
  dispose(): void {
    this.child.stdin.end();
    const kill = setTimeout(() => { this.child.kill('SIGKILL'); }, END_GRACE_MS);
    void this.ended.then(() => { clearTimeout(kill); });
  }

  private onLine(line: string, onReady: () => void): void {
    const parsed = parseHelperLine(line);
    if (parsed === undefined) {
      this.output.push(`${line.slice(0, 1000)}\n`);
      return;
    }
    if (parsed.kind === 'ready') {
      onReady();
      return;
    }
    if (parsed.id === undefined) return;
    const waiting = this.pending.get(parsed.id);
    if (waiting === undefined) return;
    this.pending.delete(parsed.id);
    clearTimeout(waiting.timer);
    if (parsed.kind === 'reply') waiting.resolve(parsed.result);
    else waiting.reject(new HelperFaultError(parsed.fault, parsed.detail));
  }

  private fail(error: HelperGoneError): void {
    this.gone ??= error;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(this.gone);
      this.pending.delete(id);
    }
  }
}

/** What the observer can say about its connection. */
export type ObserverStatus =
  | { readonly kind: 'starting' }
  | { readonly kind: 'connected' }
  /** epmd does not list the node: it is starting, or stopped; retried. */
  | { readonly kind: 'not-up' }
  /** The node is up but refuses the helper: another cookie. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'container-stopped' }
  | { readonly kind: 'failed'; readonly detail: string };

/** Starting the helper again sooner than this after it failed would only repeat the failure. */
const RESTART_PAUSE_MS = 3000;

/**
 * The observer's connection to one node: starts the helper on the first request, and again after
 * it ended (the container restarted, the node went away) once the container runs; reports what
 * it sees as an ObserverStatus.
 */
export class ObserverSession {
  private helper: Promise<ObserverHelper> | undefined;
  private lastFailure = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private status: ObserverStatus = { kind: 'starting' };

  constructor(private readonly deps: {
    readonly program: () => Promise<HelperProgram>;
    readonly containerRunning: () => Promise<boolean>;
    readonly onStatus: (status: ObserverStatus) => void;
    readonly startTimeoutMs?: number;
    readonly now?: () => number;
  }) {}

  get current(): ObserverStatus {
    return this.status;
  }

  /** The request's result, or undefined when there is none now (the status says why). A fault of the request itself (no such process) is thrown. */
  async request(request: ObserverRequest): Promise<unknown> {
    const helper = await this.runningHelper();
    if (helper === undefined) return undefined;
    try {
      const result = await helper.request(request);
      this.report({ kind: 'connected' });
      return result;
    } catch (error) {
      if (error instanceof HelperFaultError && (error.fault === 'not-up' || error.fault === 'node-down')) {
        this.report({ kind: 'not-up' });
        return undefined;
      }
      if (error instanceof HelperFaultError && error.fault === 'refused') {
        this.report({ kind: 'refused' });
        return undefined;
      }
      if (error instanceof HelperGoneError) {
        await this.helperEnded(error, false);
        return undefined;
      }
      throw error;
    }
  }

  dispose(): void {
    this.disposed = true;
    const helper = this.helper;
    this.helper = undefined;
    void helper?.then((running) => { running.dispose(); }, () => undefined);
  }

  private async runningHelper(): Promise<ObserverHelper | undefined> {
    if (this.disposed) return undefined;
    if (this.helper === undefined) {
      const now = (this.deps.now ?? Date.now)();
      if (now - this.lastFailure < RESTART_PAUSE_MS) return undefined;
      if (!(await this.deps.containerRunning())) {
        this.lastFailure = now;
        this.report({ kind: 'container-stopped' });
        return undefined;
      }
      this.helper = this.deps.program().then((program) => ObserverHelper.start(program, this.deps.startTimeoutMs));
      const started = this.helper;
      void started.then((helper) => helper.ended.then(() => { if (this.helper === started) this.helper = undefined; }), () => undefined);
    }
    try {
      const helper = await this.helper;
      // Disposed while it started: it must not outlive the panel.
      if (this.isDisposed()) {
        helper.dispose();
        return undefined;
      }
      return helper;
    } catch (error) {
      await this.helperEnded(error instanceof HelperGoneError ? error : new HelperGoneError(error instanceof Error ? error.message : String(error), ''), true);
      return undefined;
    }
  }

  /** A helper that never started failed (and is tried again after a pause); one that ran ended with its container or node, and is started again. */
  private async helperEnded(error: HelperGoneError, whileStarting: boolean): Promise<void> {
    this.helper = undefined;
    if (whileStarting) this.lastFailure = (this.deps.now ?? Date.now)();
    const running = await this.deps.containerRunning().catch(() => false);
    if (!running) this.report({ kind: 'container-stopped' });
    else if (whileStarting) this.report({ kind: 'failed', detail: [error.message, error.output.trim()].filter((part) => part !== '').join('\n') });
    else this.report({ kind: 'starting' });
  }

  /** A method, so that a check after an await reads the field again. */
  private isDisposed(): boolean {
    return this.disposed;
  }

  private report(status: ObserverStatus): void {
    if (this.disposed) return;
    const same = status.kind === this.status.kind && (status.kind !== 'failed' || (this.status.kind === 'failed' && this.status.detail === status.detail));
    this.status = status;
    if (!same) this.deps.onStatus(status);
  }
}
