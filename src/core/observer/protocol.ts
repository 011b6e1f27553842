import { isRecord } from '../isRecord';
import { isPid, text } from './replyFields';

/*
 * The observer helper's protocol (see helperSource.ts): requests are written as one tab-separated line,
 * replies are read as one JSON line each and checked field by field (nodeReplies.ts,
 * processReplies.ts), since they come from a program running in the container.
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
const MAX_FILTER_LENGTH = 100;
/** The longest reply line read: the largest bounded reply (2,000 ETS tables) fits many times over. */
export const MAX_REPLY_LENGTH = 16 * 1024 * 1024;

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
export type HelperFault = 'not-up' | 'refused' | 'node-down' | 'timeout' | 'no-process' | 'not-a-supervisor' | 'bad-request' | 'failed';

const FAULTS: ReadonlySet<string> = new Set<HelperFault>(['not-up', 'refused', 'node-down', 'timeout', 'no-process', 'not-a-supervisor', 'bad-request', 'failed']);

export type HelperLine =
  | { readonly kind: 'ready' }
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
  if (value['ready'] === true) return { kind: 'ready' };
  const id = typeof value['id'] === 'string' && /^\d{1,15}$/.test(value['id']) ? Number(value['id']) : undefined;
  if (typeof value['error'] === 'string') {
    const fault = FAULTS.has(value['error']) ? (value['error'] as HelperFault) : 'failed';
    return { kind: 'fault', id, fault, detail: text(value['detail']) };
  }
  if (id === undefined || !('ok' in value)) return undefined;
  return { kind: 'reply', id, result: value['ok'] };
}
