import * as vscode from 'vscode';
import { filterTables, formatBytes, formatDuration, limitUsage, ratesBetween, sortTables, type ChartHistory, type EtsSortKey, type SortDirection } from '../core/observer/metrics';
import type { Application, Overview, SupervisorChildren } from '../core/observer/nodeReplies';
import type { EtsTables, ProcessDetails, ProcessList } from '../core/observer/processReplies';
import type { ProcessSort } from '../core/observer/protocol';
import type { ObserverStatus } from '../docker/observerHelper';
import type { Tab } from './observerPage';

/** How often a visible panel asks the node: the status says every second. */
export const REFRESH_MS = 1000;

/** What a panel shows: the user's choices and the node's last answers. */
export interface ObserverState {
  tab: Tab;
  sort: ProcessSort;
  filter: string;
  limit: number;
  etsSort: { key: EtsSortKey; direction: SortDirection };
  etsFilter: string;
  previous: Overview | undefined;
  overview: Overview | undefined;
  readonly history: ChartHistory;
  applications: Application[] | undefined;
  readonly expanded: Map<string, SupervisorChildren | undefined>;
  processes: ProcessList | undefined;
  /** How often the process list is asked for: longer than REFRESH_MS when walking every process costs the node much. */
  processesEveryMs: number;
  detailsPid: string | undefined;
  details: ProcessDetails | undefined;
  detailsGone: boolean;
  ets: EtsTables | undefined;
}

/** Everything the script shows, already in words: it only puts it on the page. */
export function observerView(node: string, status: ObserverStatus, state: Readonly<ObserverState>): unknown {
  const overview = state.overview;
  const rates = overview === undefined ? undefined : ratesBetween(state.previous, overview);
  const perSecond = (value: number | undefined, format: (n: number) => string): string => value === undefined ? '…' : vscode.l10n.t('{0}/s', format(value));
  const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
  return {
    node,
    status: observerStatusText(status, node),
    statusKind: status.kind,
    tab: state.tab,
    overview: overview && {
      facts: [
        [vscode.l10n.t('Node'), overview.node],
        [vscode.l10n.t('OTP'), `${overview.otp} (ERTS ${overview.erts})`],
        [vscode.l10n.t('Elixir'), overview.elixir ?? '—'],
        [vscode.l10n.t('Uptime'), formatDuration(overview.uptimeMs)],
        [vscode.l10n.t('Schedulers'), vscode.l10n.t('{0} online of {1}', overview.schedulersOnline, overview.schedulers)],
        [vscode.l10n.t('Run queue'), String(overview.runQueue)],
        [vscode.l10n.t('Reductions'), perSecond(rates?.reductionsPerSecond, integer)],
        [vscode.l10n.t('IO in'), perSecond(rates?.ioInputPerSecond, formatBytes)],
        [vscode.l10n.t('IO out'), perSecond(rates?.ioOutputPerSecond, formatBytes)],
      ],
      memory: (['total', 'processes', 'binary', 'ets', 'atom', 'code', 'system'] as const).map((kind) => ({
        label: memoryLabel(kind),
        value: formatBytes(overview.memory[kind]),
        fraction: overview.memory.total > 0 ? overview.memory[kind] / overview.memory.total : 0,
      })),
      limits: [
        [vscode.l10n.t('Processes'), limitUsage(overview.processCount, overview.processLimit)],
        [vscode.l10n.t('Ports'), limitUsage(overview.portCount, overview.portLimit)],
        [vscode.l10n.t('Atoms'), limitUsage(overview.atomCount, overview.atomLimit)],
        [vscode.l10n.t('ETS tables'), limitUsage(overview.etsCount, overview.etsLimit)],
      ].map(([label, usage]) => {
        const { count, limit, fraction, level } = usage as ReturnType<typeof limitUsage>;
        return { label, count: integer(count), limit: integer(limit), fraction, level, percent: `${(fraction * 100).toFixed(fraction < 0.01 ? 2 : 0)} %` };
      }),
      charts: [
        chart(vscode.l10n.t('Memory'), state.history.points.map((point) => point.memoryTotal), formatBytes),
        chart(vscode.l10n.t('Processes'), state.history.points.map((point) => point.processCount), integer),
        chart(vscode.l10n.t('Run queue'), state.history.points.map((point) => point.runQueue), integer),
      ],
    },
    applications: state.applications?.map((application) => ({
      name: application.name,
      version: application.version,
      description: application.description,
      supervisor: application.supervisor,
      supervisorName: application.supervisorName,
    })),
    children: Object.fromEntries([...state.expanded].map(([pid, children]) => [pid, children && {
      more: children.count > children.children.length ? vscode.l10n.t('{0} more children not shown', children.count - children.children.length) : undefined,
      children: children.children.map((child) => ({
        label: child.name ?? child.initialCall ?? child.id,
        id: child.id,
        pid: child.pid,
        type: child.type,
        state: child.state,
        initialCall: child.initialCall,
      })),
    }])),
    processes: state.processes && {
      sort: state.sort,
      filter: state.filter,
      limit: state.limit,
      summary: processSummary(state.processes, state),
      reductionsHeader: state.sort === 'reductions' ? vscode.l10n.t('Reductions (interval)') : vscode.l10n.t('Reductions'),
      rows: state.processes.processes.map((row) => ({
        pid: row.pid,
        label: row.name ?? row.initialCall ?? '',
        named: row.name !== undefined,
        currentFunction: row.currentFunction,
        memory: formatBytes(row.memory),
        reductions: integer(state.sort === 'reductions' ? row.value : row.reductions),
        queue: integer(row.messageQueueLength),
      })),
    },
    details: state.detailsPid === undefined ? undefined : detailsView(state.detailsPid, state.details, state.detailsGone),
    ets: state.ets && etsView(state.ets, state),
  };
}

function processSummary(list: ProcessList, state: Readonly<ObserverState>): string {
  const shown = list.processes.length;
  if (list.matching !== list.total) return vscode.l10n.t('Top {0} of {1} processes matching "{2}" ({3} in all)', shown, list.matching, state.filter, list.total);
  const by = list.sort === 'memory' ? vscode.l10n.t('by memory') : list.sort === 'message_queue_len' ? vscode.l10n.t('by message queue length') : list.intervalMs === undefined ? vscode.l10n.t('by reductions since they started') : vscode.l10n.t('by reductions in the last {0} ms', list.intervalMs);
  const top = vscode.l10n.t('Top {0} of {1} processes {2}', shown, list.total, by);
  return state.processesEveryMs > REFRESH_MS
    ? vscode.l10n.t('{0}, refreshed every {1} s to keep its cost under 1 % of the node\'s time', top, Math.round(state.processesEveryMs / 1000))
    : top;
}

function etsView(ets: EtsTables, state: Readonly<ObserverState>): unknown {
  const rows = sortTables(filterTables(ets.tables, state.etsFilter), state.etsSort.key, state.etsSort.direction);
  return {
    sortKey: state.etsSort.key,
    direction: state.etsSort.direction,
    filter: state.etsFilter,
    summary: ets.count > ets.tables.length ? vscode.l10n.t('The {0} largest of {1} tables', ets.tables.length, ets.count) : vscode.l10n.t('{0} tables', ets.count),
    rows: rows.map((table) => ({ ...table, memory: formatBytes(table.memory), size: table.size.toLocaleString('en-US') })),
  };
}

function memoryLabel(kind: keyof Overview['memory']): string {
  switch (kind) {
    case 'total': return vscode.l10n.t('Total');
    case 'processes': return vscode.l10n.t('Processes');
    case 'binary': return vscode.l10n.t('Binary');
    case 'ets': return vscode.l10n.t('ETS');
    case 'atom': return vscode.l10n.t('Atoms');
    case 'code': return vscode.l10n.t('Code');
    case 'system': return vscode.l10n.t('System');
  }
}

function chart(label: string, values: readonly number[], format: (n: number) => string): unknown {
  const last = values[values.length - 1];
  const peak = values.reduce((max, value) => Math.max(max, value), 0);
  const minutes = Math.max(1, Math.round(values.length / 60));
  return {
    label,
    values,
    description: last === undefined ? label : vscode.l10n.t('{0}: {1} now, at most {2} over the last {3} min', label, format(last), format(peak), minutes),
  };
}

function detailsView(pid: string, details: ProcessDetails | undefined, gone: boolean): unknown {
  if (gone) return { pid, title: pid, gone: vscode.l10n.t('Process {0} is no longer alive.', pid) };
  if (details === undefined) return { pid, title: pid, loading: true };
  const list = (items: readonly string[]): string => (items.length === 0 ? '—' : items.join(', '));
  return {
    pid,
    title: details.name === undefined ? pid : `${details.name} (${pid})`,
    facts: [
      [vscode.l10n.t('Status'), details.status],
      [vscode.l10n.t('Current function'), details.currentFunction],
      [vscode.l10n.t('Initial call'), details.initialCall ?? '—'],
      [vscode.l10n.t('Message queue'), String(details.messageQueueLength)],
      [vscode.l10n.t('Memory'), formatBytes(details.memory)],
      [vscode.l10n.t('Heap'), vscode.l10n.t('{0} words ({1} words in all with the old heap and stack)', details.heapSize, details.totalHeapSize)],
      [vscode.l10n.t('Reductions'), details.reductions.toLocaleString('en-US')],
      [vscode.l10n.t('Traps exits'), details.trapExit ? vscode.l10n.t('yes') : vscode.l10n.t('no')],
      [vscode.l10n.t('Group leader'), details.groupLeader],
      [vscode.l10n.t('Links'), list(details.links)],
      [vscode.l10n.t('Monitors'), list(details.monitors)],
      [vscode.l10n.t('Monitored by'), list(details.monitoredBy)],
      [vscode.l10n.t('Dictionary keys'), list(details.dictionaryKeys)],
    ],
    stacktrace: details.stacktrace,
  };
}

export function observerStatusText(status: ObserverStatus, node: string): string {
  switch (status.kind) {
    case 'starting': return vscode.l10n.t('Connecting to {0}…', node);
    case 'connected': return vscode.l10n.t('Connected to {0}, refreshing every second while this panel is visible.', node);
    case 'not-up': return vscode.l10n.t('The node {0} is not up (epmd in its container does not list it): it may be starting or have stopped. Trying again every second.', node);
    case 'refused': return vscode.l10n.t('The node {0} is up but refuses the connection: its cookie is not the one found in the container. Restart the dev container so that both use the same cookie.', node);
    case 'container-stopped': return vscode.l10n.t('The container of {0} is not running. Start it again: this panel reconnects by itself.', node);
    case 'failed': return vscode.l10n.t('The observer\'s helper could not start in the container: {0}', status.detail.split('\n')[0] ?? '');
  }
}
