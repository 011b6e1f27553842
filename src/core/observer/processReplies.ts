import { MAX_PROCESS_ROWS, type ProcessSort } from './protocol';
import { ReplyShapeError, count, integer, listOf, optionalText, pidOf, recordOf, text, texts } from './replyFields';

/*
 * The replies about processes: the top of them, one in detail, and the ETS tables they own.
 */

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

/** What a process row and a process's details both say of it. */
function processFields(record: Readonly<Record<string, unknown>>): Omit<ProcessRow, 'value'> {
  return {
    pid: pidOf(record['pid']),
    name: optionalText(record['name']),
    initialCall: optionalText(record['initial_call']),
    currentFunction: text(record['current_function']),
    memory: count(record, 'memory'),
    reductions: count(record, 'reductions'),
    messageQueueLength: count(record, 'message_queue_len'),
  };
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
      return { ...processFields(row), value: integer(row, 'value') };
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
    ...processFields(record),
    status: text(record['status']),
    heapSize: count(record, 'heap_size'),
    totalHeapSize: count(record, 'total_heap_size'),
    stackSize: count(record, 'stack_size'),
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
