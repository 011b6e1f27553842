import type { Overview } from './nodeReplies';
import type { EtsTable } from './processReplies';

/** Counters turned into rates between two samples of the same node. */
export interface Rates {
  readonly reductionsPerSecond: number;
  readonly ioInputPerSecond: number;
  readonly ioOutputPerSecond: number;
}

/**
 * The rates between two overviews; undefined when they cannot be compared: no earlier sample,
 * another node, no time between them, or a node that restarted (its counters went back).
 */
export function ratesBetween(previous: Overview | undefined, current: Overview): Rates | undefined {
  if (previous === undefined || previous.node !== current.node) return undefined;
  const seconds = (current.timeMs - previous.timeMs) / 1000;
  if (!(seconds > 0) || restarted(previous, current)) return undefined;
  const rate = (before: number, after: number): number => Math.max(0, after - before) / seconds;
  return {
    reductionsPerSecond: rate(previous.reductions, current.reductions),
    ioInputPerSecond: rate(previous.ioInput, current.ioInput),
    ioOutputPerSecond: rate(previous.ioOutput, current.ioOutput),
  };
}

/** Whether `current` comes from a node that started again since `previous`. */
export function restarted(previous: Overview, current: Overview): boolean {
  return current.uptimeMs < previous.uptimeMs || current.reductions < previous.reductions;
}

export type LimitLevel = 'ok' | 'warning' | 'critical';

export interface LimitUsage {
  readonly count: number;
  readonly limit: number;
  /** 0 to 1. */
  readonly fraction: number;
  readonly level: LimitLevel;
}

/** Above these fractions of a system limit (processes, ports, atoms, ETS tables) the view warns: at the limit the node crashes or refuses. */
const WARNING_FRACTION = 0.7;
const CRITICAL_FRACTION = 0.9;

export function limitUsage(count: number, limit: number): LimitUsage {
  const fraction = limit > 0 ? Math.min(1, count / limit) : 0;
  const level: LimitLevel = fraction >= CRITICAL_FRACTION ? 'critical' : fraction >= WARNING_FRACTION ? 'warning' : 'ok';
  return { count, limit, fraction, level };
}

/** One point of the charts. */
export interface ChartSample {
  readonly timeMs: number;
  readonly memoryTotal: number;
  readonly processCount: number;
  readonly runQueue: number;
}

/** Ten minutes of one-second samples. */
const HISTORY_CAPACITY = 600;

/** The last `capacity` samples of the charts, oldest first, in bounded memory. */
export class ChartHistory {
  private readonly samples: ChartSample[] = [];

  constructor(private readonly capacity = HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('A history holds at least one sample.');
  }

  /** Adds the overview's point; a node that restarted starts the history again. */
  add(previous: Overview | undefined, overview: Overview): void {
    if (previous !== undefined && (previous.node !== overview.node || restarted(previous, overview))) this.samples.length = 0;
    this.samples.push({ timeMs: overview.timeMs, memoryTotal: overview.memory.total, processCount: overview.processCount, runQueue: overview.runQueue });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /** The samples, oldest first. */
  get points(): readonly ChartSample[] {
    return this.samples;
  }
}

export type SortDirection = 'ascending' | 'descending';

export type EtsSortKey = 'name' | 'type' | 'size' | 'memory' | 'owner' | 'protection';

export const ETS_SORT_KEYS: readonly EtsSortKey[] = ['name', 'type', 'size', 'memory', 'owner', 'protection'];

/** The tables sorted by a column (numbers by value, texts by their natural order), then by name; a new array. */
export function sortTables(tables: readonly EtsTable[], key: EtsSortKey, direction: SortDirection): EtsTable[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...tables].sort((a, b) => {
    const first = compareValues(a[key], b[key]) * sign;
    return first !== 0 ? first : a.name.localeCompare(b.name);
  });
}

/** The tables whose name or owner contains `filter`, ignoring case. */
export function filterTables(tables: readonly EtsTable[], filter: string): EtsTable[] {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') return [...tables];
  return tables.filter((table) => table.name.toLowerCase().includes(wanted) || table.owner.includes(wanted));
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** A byte count for people: `1.5 MB`, with 1 kB = 1024 bytes as the VM counts memory. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}

/** An uptime for people: `3 d 4 h`, `2 h 5 min`, `45 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${seconds % 60} s`;
  return `${seconds} s`;
}

/** The share of the node's time the observer may spend on a costly request (the process list walks every process). */
const NODE_TIME_BUDGET = 0.01;

/**
 * How long to wait before asking again for something that took `costMs` on the node, so that
 * asking again and again spends at most `budget` of its time: at least `minimumMs` (the panel's
 * refresh), longer for a node with many processes.
 */
export function pacedInterval(costMs: number, minimumMs: number, budget = NODE_TIME_BUDGET): number {
  if (!(costMs > 0) || !(budget > 0)) return minimumMs;
  return Math.max(minimumMs, Math.ceil(costMs / budget));
}
