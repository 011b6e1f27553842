import { isRecord } from '../isRecord';

/*
 * The observer helper's protocol (see helper.ts): requests are written as one tab-separated line,
 * replies are read as one JSON line each and checked field by field, since they come from a
 * program running in the container.
 */

export type ProcessSort = 'memory' | 'reductions' | 'message_queue_len';

export type ObserverRequest =
  | { readonly op: 'overview' }
  | { readonly op: 'applications' }
  | { readonly op: 'children'; readonly pid: string }
  | { readonly op: 'processes'; readonly sort: ProcessSort; readonly limit: number; readonly filter: string }
  | { readonly op: 'process'; readonly pid: string }
  | { readonly op: 'kill'; readonly pid: string }
  | { readonly op: 'gc'; readonly pid: string }
  | { readonly op: 'ets' };

/** The most rows of processes the helper returns (it keeps the top N of them all on the node). */
export const MAX_PROCESS_ROWS = 500;
/** The longest filter text sent; a longer one is cut. */
export const MAX_FILTER_LENGTH = 100;
/** The longest reply line read: the largest bounded reply (2,000 ETS tables) fits many times over. */
export const MAX_REPLY_LENGTH = 16 * 1024 * 1024;

const PID = /^<0\.\d{1,10}\.\d{1,10}>$/;

/** A process id as the node itself writes it, e.g. `<0.123.0>`. */
export function isPid(text: string): boolean {
  return PID.test(text);
}

/** The request's line, newline included. Throws on a pid that is not one, so nothing else reaches the helper. */
export function encodeRequest(id: number, request: ObserverRequest): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError('A request id is a non-negative integer.');
  const fields = [String(id), request.op, ...requestArguments(request)];
  return `${fields.join('\t')}\n`;
}

function requestArguments(request: ObserverRequest): string[] {
  switch (request.op) {
    case 'overview':
    case 'applications':
    case 'ets':
      return [];
    case 'processes':
      return [request.sort, String(clampLimit(request.limit)), cleanFilter(request.filter)];
    case 'children':
    case 'process':
    case 'kill':
    case 'gc':
      if (!isPid(request.pid)) throw new RangeError(`Not a process id: ${request.pid.slice(0, 40)}`);
      return [request.pid];
  }
}

/** 1 to MAX_PROCESS_ROWS rows. */
export function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_PROCESS_ROWS, Math.max(1, Math.trunc(limit))) : 1;
}

/** The filter as sent: trimmed, without the tabs and line breaks that would end its field, at most MAX_FILTER_LENGTH characters. */
export function cleanFilter(filter: string): string {
  return filter.replace(/[\t\r\n]+/g, ' ').trim().slice(0, MAX_FILTER_LENGTH);
}

/** What the helper can answer instead of a result. */
export type HelperFault = 'not-up' | 'refused' | 'node-down' | 'timeout' | 'no-process' | 'bad-request' | 'failed';

const FAULTS: ReadonlySet<string> = new Set<HelperFault>(['not-up', 'refused', 'node-down', 'timeout', 'no-process', 'bad-request', 'failed']);

export type HelperLine =
  | { readonly kind: 'ready'; readonly helper: string; readonly node: string }
  | { readonly kind: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'fault'; readonly id: number | undefined; readonly fault: HelperFault; readonly detail: string };

/** One line of the helper's output; undefined for anything else (a VM's warning, a cut line). */
export function parseHelperLine(line: string): HelperLine | undefined {
  if (line.length > MAX_REPLY_LENGTH || !line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value['ready'] === true) return { kind: 'ready', helper: text(value['helper']), node: text(value['node']) };
  const id = typeof value['id'] === 'string' && /^\d{1,15}$/.test(value['id']) ? Number(value['id']) : undefined;
  if (typeof value['error'] === 'string') {
    const fault = FAULTS.has(value['error']) ? (value['error'] as HelperFault) : 'failed';
    return { kind: 'fault', id, fault, detail: text(value['detail']) };
  }
  if (id === undefined || !('ok' in value)) return undefined;
  return { kind: 'reply', id, result: value['ok'] };
}

/** A reply that does not have the shape its request asks for. */
export class ReplyShapeError extends Error {}

export interface Memory {
  readonly total: number;
  readonly processes: number;
  readonly binary: number;
  readonly ets: number;
  readonly atom: number;
  readonly code: number;
  readonly system: number;
}

export interface Overview {
  readonly node: string;
  readonly otp: string;
  readonly erts: string;
  readonly elixir: string | undefined;
  readonly uptimeMs: number;
  /** The node's monotonic clock, to turn counters into rates. */
  readonly timeMs: number;
  readonly schedulers: number;
  readonly schedulersOnline: number;
  readonly memory: Memory;
  readonly processCount: number;
  readonly processLimit: number;
  readonly portCount: number;
  readonly portLimit: number;
  readonly atomCount: number;
  readonly atomLimit: number;
  readonly etsCount: number;
  readonly etsLimit: number;
  readonly runQueue: number;
  /** Reductions since the node started. */
  readonly reductions: number;
  /** Bytes received and sent through ports since the node started. */
  readonly ioInput: number;
  readonly ioOutput: number;
}

export function parseOverview(value: unknown): Overview {
  const record = recordOf(value);
  const memory = recordOf(record['memory']);
  return {
    node: text(record['node']),
    otp: text(record['otp']),
    erts: text(record['erts']),
    elixir: optionalText(record['elixir']),
    uptimeMs: count(record, 'uptime_ms'),
    timeMs: integer(record, 'time_ms'),
    schedulers: count(record, 'schedulers'),
    schedulersOnline: count(record, 'schedulers_online'),
    memory: {
      total: count(memory, 'total'),
      processes: count(memory, 'processes'),
      binary: count(memory, 'binary'),
      ets: count(memory, 'ets'),
      atom: count(memory, 'atom'),
      code: count(memory, 'code'),
      system: count(memory, 'system'),
    },
    processCount: count(record, 'process_count'),
    processLimit: count(record, 'process_limit'),
    portCount: count(record, 'port_count'),
    portLimit: count(record, 'port_limit'),
    atomCount: count(record, 'atom_count'),
    atomLimit: count(record, 'atom_limit'),
    etsCount: count(record, 'ets_count'),
    etsLimit: count(record, 'ets_limit'),
    runQueue: count(record, 'run_queue'),
    reductions: count(record, 'reductions'),
    ioInput: count(record, 'io_input'),
    ioOutput: count(record, 'io_output'),
  };
}

export interface Application {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  /** Its top supervisor; undefined for a library application. */
  readonly supervisor: string | undefined;
  /** The top supervisor's registered name, e.g. `MyApp.Supervisor`. */
  readonly supervisorName: string | undefined;
}

export function parseApplications(value: unknown): Application[] {
  return listOf(value).map((item) => {
    const record = recordOf(item);
    return {
      name: text(record['name']),
      description: text(record['description']),
      version: text(record['version']),
      supervisor: optionalPid(record['supervisor']),
      supervisorName: optionalText(record['supervisor_name']),
    };
  });
}

export interface SupervisorChild {
  readonly id: string;
  readonly pid: string | undefined;
  /** `running`, `restarting` or `undefined` (a child not started). */
  readonly state: string;
  /** `worker` or `supervisor`. */
  readonly type: string;
  readonly name: string | undefined;
  readonly initialCall: string | undefined;
}

export interface SupervisorChildren {
  /** All the supervisor's children; `children` holds the first of them. */
  readonly count: number;
  readonly children: readonly SupervisorChild[];
}

export function parseChildren(value: unknown): SupervisorChildren {
  const record = recordOf(value);
  return {
    count: count(record, 'count'),
    children: listOf(record['children']).map((item) => {
      const child = recordOf(item);
      return {
        id: text(child['id']),
        pid: optionalPid(child['pid']),
        state: text(child['state']),
        type: text(child['type']),
        name: optionalText(child['name']),
        initialCall: optionalText(child['initial_call']),
      };
    }),
  };
}

export interface ProcessRow {
  readonly pid: string;
  readonly name: string | undefined;
  readonly initialCall: string | undefined;
  readonly currentFunction: string;
  readonly memory: number;
  /** Since the process started. */
  readonly reductions: number;
  readonly messageQueueLength: number;
  /** What the list is sorted by: memory, reductions in the last interval, or queue length. */
  readonly value: number;
}

export interface ProcessList {
  /** Processes on the node. */
  readonly total: number;
  /** Processes that match the filter. */
  readonly matching: number;
  readonly sort: ProcessSort;
  /** The interval the reductions were counted over; undefined on the first sample (counted since each process started). */
  readonly intervalMs: number | undefined;
  readonly processes: readonly ProcessRow[];
}

export function parseProcessList(value: unknown): ProcessList {
  const record = recordOf(value);
  const sort = record['sort'];
  if (sort !== 'memory' && sort !== 'reductions' && sort !== 'message_queue_len') throw new ReplyShapeError('unknown sort');
  return {
    total: count(record, 'total'),
    matching: count(record, 'matching'),
    sort,
    intervalMs: record['interval_ms'] === null ? undefined : count(record, 'interval_ms'),
    processes: listOf(record['processes']).slice(0, MAX_PROCESS_ROWS).map((item) => {
      const row = recordOf(item);
      return {
        pid: pidOf(row['pid']),
        name: optionalText(row['name']),
        initialCall: optionalText(row['initial_call']),
        currentFunction: text(row['current_function']),
        memory: count(row, 'memory'),
        reductions: count(row, 'reductions'),
        messageQueueLength: count(row, 'message_queue_len'),
        value: integer(row, 'value'),
      };
    }),
  };
}

export interface ProcessDetails {
  readonly pid: string;
  readonly name: string | undefined;
  readonly status: string;
  readonly initialCall: string | undefined;
  readonly currentFunction: string;
  readonly messageQueueLength: number;
  readonly memory: number;
  /** In words, as the VM counts them. */
  readonly heapSize: number;
  readonly totalHeapSize: number;
  readonly stackSize: number;
  readonly reductions: number;
  readonly trapExit: boolean;
  readonly groupLeader: string;
  readonly links: readonly string[];
  readonly monitors: readonly string[];
  readonly monitoredBy: readonly string[];
  readonly dictionaryKeys: readonly string[];
  readonly stacktrace: readonly string[];
}

export function parseProcessDetails(value: unknown): ProcessDetails {
  const record = recordOf(value);
  return {
    pid: pidOf(record['pid']),
    name: optionalText(record['name']),
    status: text(record['status']),
    initialCall: optionalText(record['initial_call']),
    currentFunction: text(record['current_function']),
    messageQueueLength: count(record, 'message_queue_len'),
    memory: count(record, 'memory'),
    heapSize: count(record, 'heap_size'),
    totalHeapSize: count(record, 'total_heap_size'),
    stackSize: count(record, 'stack_size'),
    reductions: count(record, 'reductions'),
    trapExit: record['trap_exit'] === true,
    groupLeader: text(record['group_leader']),
    links: texts(record['links']),
    monitors: texts(record['monitors']),
    monitoredBy: texts(record['monitored_by']),
    dictionaryKeys: texts(record['dictionary_keys']),
    stacktrace: texts(record['stacktrace']),
  };
}

export interface EtsTable {
  readonly id: string;
  readonly name: string;
  readonly named: boolean;
  readonly type: string;
  readonly size: number;
  /** Bytes. */
  readonly memory: number;
  readonly owner: string;
  readonly protection: string;
}

export interface EtsTables {
  /** Tables on the node; `tables` holds the largest of them. */
  readonly count: number;
  readonly tables: readonly EtsTable[];
}

export function parseEtsTables(value: unknown): EtsTables {
  const record = recordOf(value);
  return {
    count: count(record, 'count'),
    tables: listOf(record['tables']).map((item) => {
      const table = recordOf(item);
      return {
        id: text(table['id']),
        name: text(table['name']),
        named: table['named'] === true,
        type: text(table['type']),
        size: count(table, 'size'),
        memory: count(table, 'memory'),
        owner: text(table['owner']),
        protection: text(table['protection']),
      };
    }),
  };
}

/** The longest text kept from a reply's field. */
const MAX_TEXT = 1000;
/** The most items kept from a reply's list. */
const MAX_ITEMS = 5000;

function recordOf(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new ReplyShapeError('expected an object');
  return value;
}

function listOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ReplyShapeError('expected a list');
  return value.slice(0, MAX_ITEMS);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : undefined;
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.slice(0, MAX_ITEMS).filter((item): item is string => typeof item === 'string').map((item) => item.slice(0, MAX_TEXT)) : [];
}

function optionalPid(value: unknown): string | undefined {
  return typeof value === 'string' && isPid(value) ? value : undefined;
}

function pidOf(value: unknown): string {
  const pid = optionalPid(value);
  if (pid === undefined) throw new ReplyShapeError('expected a process id');
  return pid;
}

function integer(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ReplyShapeError(`expected a number for ${key}`);
  return value;
}

function count(record: Record<string, unknown>, key: string): number {
  const value = integer(record, key);
  if (value < 0) throw new ReplyShapeError(`expected a count for ${key}`);
  return value;
}
