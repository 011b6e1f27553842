import type { ContainerEvent } from '../core/containerEvents';

/** The part of the engine the watcher uses (DockerEngine, or a stand-in in tests). */
export interface ComposeEventSource {
  watchComposeEvents(onEvent: (event: ContainerEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void>;
}

export interface ComposeEventsWatcherOptions {
  /** How long the events of a burst are gathered before the listeners hear of them. */
  readonly debounceMs?: number;
  /** The waits between attempts while the engine does not answer; the last one repeats. */
  readonly retryDelaysMs?: readonly number[];
}

/** Which compose projects changed; undefined when any may have (the stream (re)opened, the engine went away). */
export type ComposeChange = ReadonlySet<string> | undefined;

export interface Subscription {
  dispose(): void;
}

/** A stream that ends sooner than this after opening is opened again only after a wait. */
const SHORTEST_STREAM_MS = 1000;

/**
 * Follows the engine's container events of compose projects between `start()` and `stop()`, and
 * tells which projects changed, a burst of events (stop: kill, die, stop) gathered into one
 * notification. While the engine does not answer it tries again after 1, 2, 5, then every 10
 * seconds; stopped, it has no timer and no connection.
 */
export class ComposeEventsWatcher {
  private readonly debounceMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly changeListeners = new Set<(change: ComposeChange) => void>();
  private readonly connectionListeners = new Set<(connected: boolean, error: unknown) => void>();
  private running: AbortController | undefined;
  /** Whether the engine answered the last attempt; undefined while stopped or before the first answer. */
  private state: boolean | undefined;
  private pending: Set<string> | 'all' | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly engine: ComposeEventSource, options: ComposeEventsWatcherOptions = {}) {
    this.debounceMs = options.debounceMs ?? 100;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 2000, 5000, 10_000];
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  onChange(listener: (change: ComposeChange) => void): Subscription {
    this.changeListeners.add(listener);
    return { dispose: () => { this.changeListeners.delete(listener); } };
  }

  /** Called when the engine starts or stops answering (with why not). */
  onConnectionChange(listener: (connected: boolean, error: unknown) => void): Subscription {
    this.connectionListeners.add(listener);
    return { dispose: () => { this.connectionListeners.delete(listener); } };
  }

  start(): void {
    if (this.running !== undefined) return;
    const controller = new AbortController();
    this.running = controller;
    void this.follow(controller.signal);
  }

  stop(): void {
    this.running?.abort();
    this.running = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.state = undefined;
  }

  /** Tries again now instead of at the end of the current wait (the user asked to retry). */
  retryNow(): void {
    this.wake?.();
  }

  private async follow(signal: AbortSignal): Promise<void> {
    let failures = 0;
    // A function, so that the checks after each await are not narrowed away.
    const stopped = (): boolean => signal.aborted;
    while (!stopped()) {
      const opened: { at?: number } = {};
      try {
        await this.engine.watchComposeEvents((event) => { if (!stopped()) this.queue(event.project); }, signal, () => {
          opened.at = Date.now();
          this.setConnected(true, undefined);
          // Whatever happened while nobody was watching.
          this.queue(undefined);
        });
      } catch (error) {
        if (stopped()) return;
        this.setConnected(false, error);
      }
      if (stopped()) return;
      // A stream that lived a while ended because the engine went away or restarted: try at once.
      if (opened.at !== undefined && Date.now() - opened.at >= SHORTEST_STREAM_MS) {
        failures = 0;
        continue;
      }
      const delay = this.retryDelaysMs[Math.min(failures, this.retryDelaysMs.length - 1)] ?? 10_000;
      failures += 1;
      await this.pause(delay, signal);
    }
  }

  private setConnected(connected: boolean, error: unknown): void {
    if (this.state === connected) return;
    this.state = connected;
    // Not from inside the engine's callbacks: a listener's failure must not look like the engine's.
    queueMicrotask(() => {
      for (const listener of this.connectionListeners) listener(connected, error);
    });
    if (!connected) this.queue(undefined);
  }

  private queue(project: string | undefined): void {
    if (project === undefined) this.pending = 'all';
    else if (this.pending === undefined) this.pending = new Set([project]);
    else if (this.pending !== 'all') this.pending.add(project);
    this.timer ??= setTimeout(() => { this.flush(); }, this.debounceMs);
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    this.timer = undefined;
    if (pending === undefined) return;
    const change = pending === 'all' ? undefined : pending;
    for (const listener of this.changeListeners) listener(change);
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
