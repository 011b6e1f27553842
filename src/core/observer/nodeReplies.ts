import { count, integer, listOf, optionalPid, optionalText, recordOf, text } from './replyFields';

/*
 * The replies about the node as a whole: its overview, its applications and their supervision trees.
 */

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

/** The most supervisors a panel keeps expanded: each is asked for its children at every slow refresh. */
export const MAX_EXPANDED_SUPERVISORS = 200;

/**
 * Whether the node's last replies listed `pid` as a supervisor: an application's top process, or
 * a child of type supervisor of an expanded one. Only those may be expanded (the helper checks
 * again on the node: asking another process for its children could crash it).
 */
export function listedAsSupervisor(pid: string, applications: readonly Application[] | undefined, expanded: ReadonlyMap<string, SupervisorChildren | undefined>): boolean {
  if (applications?.some((application) => application.supervisor === pid) === true) return true;
  for (const children of expanded.values()) {
    if (children?.children.some((child) => child.type === 'supervisor' && child.pid === pid) === true) return true;
  }
  return false;
}
