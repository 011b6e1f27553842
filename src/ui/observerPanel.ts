import * as vscode from 'vscode';
import { ChartHistory, ETS_SORT_KEYS, filterTables, formatBytes, formatDuration, limitUsage, pacedInterval, ratesBetween, sortTables, type EtsSortKey, type SortDirection } from '../core/observer/metrics';
import {
  clampLimit, cleanFilter, isPid, parseApplications, parseChildren, parseEtsTables, parseOverview, parseProcessDetails, parseProcessList,
  type Application, type EtsTables, type ObserverRequest, type Overview, type ProcessDetails, type ProcessList, type ProcessSort, type SupervisorChildren,
} from '../core/observer/protocol';
import { HelperFaultError, ObserverSession, type HelperProgram, type ObserverStatus } from '../docker/observerHelper';

/** How often a visible panel asks the node. */
export const REFRESH_MS = 1000;
/** The applications and ETS tables change slowly: asked every this many refreshes. */
const SLOW_EVERY = 5;

type Tab = 'overview' | 'applications' | 'processes' | 'ets';
const TABS: readonly Tab[] = ['overview', 'applications', 'processes', 'ets'];
const SORTS: readonly ProcessSort[] = ['memory', 'reductions', 'message_queue_len'];

/** What the command gives a panel: the node, and how to start its helper. */
export interface ObservedNode {
  /** Identifies the panel: one per container and node. */
  readonly key: string;
  readonly node: string;
  readonly program: () => Promise<HelperProgram>;
  readonly containerRunning: () => Promise<boolean>;
}

/** The open observer panels, one per node. */
export class ObserverPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ObserverPanel>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  /** Shows the node's panel, opening it when there is none. */
  async show(node: ObservedNode): Promise<void> {
    const open = this.panels.get(node.key);
    if (open !== undefined) {
      open.reveal();
      return;
    }
    const { randomBytes } = await import('node:crypto');
    const panel = new ObserverPanel(this.extensionUri, node, this.log, randomBytes(16).toString('hex'), () => { this.panels.delete(node.key); });
    this.panels.set(node.key, panel);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

/** Messages from the panel's script; anything else is ignored. */
type FromWebview =
  | { type: 'ready' }
  | { type: 'tab'; tab: Tab }
  | { type: 'sort'; sort: ProcessSort }
  | { type: 'filter'; text: string }
  | { type: 'limit'; limit: number }
  | { type: 'expand' | 'collapse' | 'details' | 'kill' | 'gc'; pid: string }
  | { type: 'closeDetails' }
  | { type: 'etsSort'; key: EtsSortKey }
  | { type: 'etsFilter'; text: string };

class ObserverPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly session: ObserverSession;
  private readonly history = new ChartHistory();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private refreshing = false;
  private disposed = false;

  private tab: Tab = 'overview';
  private sort: ProcessSort = 'memory';
  private filter = '';
  private limit = 50;
  private etsSort: { key: EtsSortKey; direction: SortDirection } = { key: 'memory', direction: 'descending' };
  private etsFilter = '';
  private previous: Overview | undefined;
  private overview: Overview | undefined;
  private applications: Application[] | undefined;
  private readonly expanded = new Map<string, SupervisorChildren | undefined>();
  private processes: ProcessList | undefined;
  /** When the process list may be asked for again: it walks every process, so it is paced by what it cost. */
  private processesDueAt = 0;
  private processesEveryMs = REFRESH_MS;
  private detailsPid: string | undefined;
  private details: ProcessDetails | undefined;
  private detailsGone = false;
  private ets: EtsTables | undefined;

  constructor(extensionUri: vscode.Uri, private readonly node: ObservedNode, private readonly log: vscode.LogOutputChannel, nonce: string, onDispose: () => void) {
    const media = vscode.Uri.joinPath(extensionUri, 'media', 'observer');
    this.panel = vscode.window.createWebviewPanel('phoenix.observer', vscode.l10n.t('Observe {0}', node.node), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'phoenix.svg');
    this.panel.webview.html = panelHtml(this.panel.webview, media, node.node, nonce);
    this.session = new ObserverSession({
      program: node.program,
      containerRunning: node.containerRunning,
      onStatus: (status) => {
        this.log.info(`Observer of ${node.node}: ${status.kind}${status.kind === 'failed' ? `\n${status.detail}` : ''}`);
        this.post();
      },
    });
    this.disposables.push(
      this.panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
      this.panel.onDidChangeViewState(() => { this.schedule(0); }),
      this.panel.webview.onDidReceiveMessage((message: unknown) => { void this.receive(message); }),
    );
    this.schedule(0);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.session.dispose();
    for (const disposable of this.disposables) disposable.dispose();
    this.panel.dispose();
  }

  /** The next refresh, while the panel is visible; a hidden panel asks nothing, and its charts pause. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.disposed || !this.panel.visible) return;
    this.timer = setTimeout(() => { void this.refresh(); }, delayMs);
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const slow = this.ticks % SLOW_EVERY === 0;
      this.ticks++;
      await this.ask({ op: 'overview' }, (value) => {
        this.previous = this.overview;
        this.overview = parseOverview(value);
        this.history.add(this.previous, this.overview);
      });
      if (this.session.current.kind === 'connected') await this.refreshTab(slow);
    } catch (error) {
      this.log.warn(`Observer of ${this.node.node}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.refreshing = false;
      this.post();
      this.schedule(REFRESH_MS);
    }
  }

  private async refreshTab(slow: boolean): Promise<void> {
    if (this.tab === 'applications' && (slow || this.applications === undefined)) {
      await this.ask({ op: 'applications' }, (value) => { this.applications = parseApplications(value); });
      for (const pid of this.expanded.keys()) await this.loadChildren(pid);
    }
    if (this.tab === 'processes') {
      if (Date.now() >= this.processesDueAt) {
        const started = Date.now();
        await this.ask({ op: 'processes', sort: this.sort, limit: this.limit, filter: this.filter }, (value) => { this.processes = parseProcessList(value); });
        this.processesEveryMs = pacedInterval(Date.now() - started, REFRESH_MS);
        this.processesDueAt = started + this.processesEveryMs;
      }
      if (this.detailsPid !== undefined) await this.loadDetails(this.detailsPid);
    }
    if (this.tab === 'ets' && (slow || this.ets === undefined)) {
      await this.ask({ op: 'ets' }, (value) => { this.ets = parseEtsTables(value); });
    }
  }

  private async loadChildren(pid: string): Promise<void> {
    try {
      await this.ask({ op: 'children', pid }, (value) => { this.expanded.set(pid, parseChildren(value)); });
    } catch (error) {
      // A supervisor that ended (or a pid that is no supervisor) folds away.
      if (!(error instanceof HelperFaultError)) throw error;
      this.expanded.delete(pid);
    }
  }

  private async loadDetails(pid: string): Promise<void> {
    try {
      await this.ask({ op: 'process', pid }, (value) => {
        this.details = parseProcessDetails(value);
        this.detailsGone = false;
      });
    } catch (error) {
      if (!(error instanceof HelperFaultError && error.fault === 'no-process')) throw error;
      this.detailsGone = true;
    }
  }

  /** Runs a request and hands its result on; nothing when the node cannot answer now (the status says why). */
  private async ask(request: ObserverRequest, use: (value: unknown) => void): Promise<void> {
    const value = await this.session.request(request);
    if (value !== undefined) use(value);
  }

  private async receive(message: unknown): Promise<void> {
    const parsed = parseMessage(message);
    if (parsed === undefined) return;
    switch (parsed.type) {
      case 'ready':
        this.post();
        return;
      case 'tab':
        this.tab = parsed.tab;
        break;
      case 'sort':
        this.sort = parsed.sort;
        break;
      case 'filter':
        this.filter = cleanFilter(parsed.text);
        break;
      case 'limit':
        this.limit = clampLimit(parsed.limit);
        break;
      case 'expand':
        this.expanded.set(parsed.pid, undefined);
        await this.loadChildren(parsed.pid).catch(() => undefined);
        this.post();
        return;
      case 'collapse':
        this.expanded.delete(parsed.pid);
        this.post();
        return;
      case 'details':
        this.detailsPid = parsed.pid;
        this.details = undefined;
        await this.loadDetails(parsed.pid).catch(() => undefined);
        this.post();
        return;
      case 'closeDetails':
        this.detailsPid = undefined;
        this.details = undefined;
        this.post();
        return;
      case 'kill':
      case 'gc':
        await this.act(parsed.type, parsed.pid);
        break;
      case 'etsSort':
        this.etsSort = { key: parsed.key, direction: this.etsSort.key === parsed.key && this.etsSort.direction === 'descending' ? 'ascending' : 'descending' };
        this.post();
        return;
      case 'etsFilter':
        this.etsFilter = cleanFilter(parsed.text);
        this.post();
        return;
    }
    // What the user changed is asked for at once.
    this.processesDueAt = 0;
    this.post();
    this.schedule(0);
  }

  /** Kills or garbage-collects a process once the user confirms. */
  private async act(action: 'kill' | 'gc', pid: string): Promise<void> {
    const label = this.labelOf(pid);
    const confirm = action === 'kill' ? vscode.l10n.t('Kill') : vscode.l10n.t('Collect Garbage');
    const question = action === 'kill'
      ? vscode.l10n.t('Kill process {0} on {1}? It exits with reason kill; its supervisor, if any, restarts it.', label, this.node.node)
      : vscode.l10n.t('Run a garbage collection in process {0} on {1}?', label, this.node.node);
    if ((await vscode.window.showWarningMessage(question, { modal: true }, confirm)) !== confirm) return;
    try {
      // Undefined: the node cannot be reached now, which the panel's status says.
      if ((await this.session.request({ op: action, pid })) === undefined) throw new Error(statusText(this.session.current, this.node.node));
      this.log.info(`Observer of ${this.node.node}: ${action} ${pid} (${label})`);
    } catch (error) {
      const reason = error instanceof HelperFaultError && error.fault === 'no-process' ? vscode.l10n.t('it is no longer alive') : error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(action === 'kill'
        ? vscode.l10n.t('Could not kill process {0}: {1}', label, reason)
        : vscode.l10n.t('Could not garbage-collect process {0}: {1}', label, reason));
    }
  }

  private labelOf(pid: string): string {
    const row = this.processes?.processes.find((candidate) => candidate.pid === pid);
    const name = row?.name ?? (this.details?.pid === pid ? this.details.name : undefined);
    return name === undefined ? pid : `${name} (${pid})`;
  }

  private post(): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage({ type: 'view', view: this.view() });
  }

  /** Everything the script shows, already in words: it only puts it on the page. */
  private view(): unknown {
    const overview = this.overview;
    const rates = overview === undefined ? undefined : ratesBetween(this.previous, overview);
    const perSecond = (value: number | undefined, format: (n: number) => string): string => value === undefined ? '…' : vscode.l10n.t('{0}/s', format(value));
    const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
    return {
      node: this.node.node,
      status: statusText(this.session.current, this.node.node),
      statusKind: this.session.current.kind,
      tab: this.tab,
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
          chart(vscode.l10n.t('Memory'), this.history.points.map((point) => point.memoryTotal), formatBytes),
          chart(vscode.l10n.t('Processes'), this.history.points.map((point) => point.processCount), integer),
          chart(vscode.l10n.t('Run queue'), this.history.points.map((point) => point.runQueue), integer),
        ],
      },
      applications: this.applications?.map((application) => ({
        name: application.name,
        version: application.version,
        description: application.description,
        supervisor: application.supervisor,
        supervisorName: application.supervisorName,
      })),
      children: Object.fromEntries([...this.expanded].map(([pid, children]) => [pid, children && {
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
      processes: this.processes && {
        sort: this.sort,
        filter: this.filter,
        limit: this.limit,
        summary: this.processSummary(this.processes),
        reductionsHeader: this.sort === 'reductions' ? vscode.l10n.t('Reductions (interval)') : vscode.l10n.t('Reductions'),
        rows: this.processes.processes.map((row) => ({
          pid: row.pid,
          label: row.name ?? row.initialCall ?? '',
          named: row.name !== undefined,
          currentFunction: row.currentFunction,
          memory: formatBytes(row.memory),
          reductions: integer(this.sort === 'reductions' ? row.value : row.reductions),
          queue: integer(row.messageQueueLength),
        })),
      },
      details: this.detailsPid === undefined ? undefined : detailsView(this.detailsPid, this.details, this.detailsGone),
      ets: this.ets && this.etsView(this.ets),
    };
  }

  private processSummary(list: ProcessList): string {
    const shown = list.processes.length;
    if (list.matching !== list.total) return vscode.l10n.t('Top {0} of {1} processes matching "{2}" ({3} in all)', shown, list.matching, this.filter, list.total);
    const by = list.sort === 'memory' ? vscode.l10n.t('by memory') : list.sort === 'message_queue_len' ? vscode.l10n.t('by message queue length') : list.intervalMs === undefined ? vscode.l10n.t('by reductions since they started') : vscode.l10n.t('by reductions in the last {0} ms', list.intervalMs);
    const top = vscode.l10n.t('Top {0} of {1} processes {2}', shown, list.total, by);
    return this.processesEveryMs > REFRESH_MS
      ? vscode.l10n.t('{0}, refreshed every {1} s to keep its cost under 1 % of the node\'s time', top, Math.round(this.processesEveryMs / 1000))
      : top;
  }

  private etsView(ets: EtsTables): unknown {
    const rows = sortTables(filterTables(ets.tables, this.etsFilter), this.etsSort.key, this.etsSort.direction);
    return {
      sortKey: this.etsSort.key,
      direction: this.etsSort.direction,
      filter: this.etsFilter,
      summary: ets.count > ets.tables.length ? vscode.l10n.t('The {0} largest of {1} tables', ets.tables.length, ets.count) : vscode.l10n.t('{0} tables', ets.count),
      rows: rows.map((table) => ({ ...table, memory: formatBytes(table.memory), size: table.size.toLocaleString('en-US') })),
    };
  }
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

function statusText(status: ObserverStatus, node: string): string {
  switch (status.kind) {
    case 'starting': return vscode.l10n.t('Connecting to {0}…', node);
    case 'connected': return vscode.l10n.t('Connected to {0}, refreshing every second while this panel is visible.', node);
    case 'not-up': return vscode.l10n.t('The node {0} is not up (epmd in its container does not list it): it may be starting or have stopped. Trying again every second.', node);
    case 'refused': return vscode.l10n.t('The node {0} is up but refuses the connection: its cookie is not the one found in the container. Restart the dev container so that both use the same cookie.', node);
    case 'container-stopped': return vscode.l10n.t('The container of {0} is not running. Start it again: this panel reconnects by itself.', node);
    case 'failed': return vscode.l10n.t('The observer\'s helper could not start in the container: {0}', status.detail.split('\n')[0] ?? '');
  }
}

function parseMessage(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type } = message as { type?: unknown };
  const field = (name: string): unknown => (message as Record<string, unknown>)[name];
  const pid = field('pid');
  switch (type) {
    case 'ready':
    case 'closeDetails':
      return { type };
    case 'tab':
      return TABS.includes(field('tab') as Tab) ? { type, tab: field('tab') as Tab } : undefined;
    case 'sort':
      return SORTS.includes(field('sort') as ProcessSort) ? { type, sort: field('sort') as ProcessSort } : undefined;
    case 'filter':
    case 'etsFilter':
      return typeof field('text') === 'string' ? { type, text: field('text') as string } : undefined;
    case 'limit':
      return typeof field('limit') === 'number' ? { type, limit: field('limit') as number } : undefined;
    case 'etsSort':
      return ETS_SORT_KEYS.includes(field('key') as EtsSortKey) ? { type, key: field('key') as EtsSortKey } : undefined;
    case 'expand':
    case 'collapse':
    case 'details':
    case 'kill':
    case 'gc':
      return typeof pid === 'string' && isPid(pid) ? { type, pid } : undefined;
    default:
      return undefined;
  }
}

/** The page: a strict policy (this panel's own script and style only, nothing remote), static labels, and the script that fills it. */
function panelHtml(webview: vscode.Webview, media: vscode.Uri, node: string, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'observer.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'observer.css'));
  const t = (text: string): string => escapeHtml(text);
  const tab = (id: Tab, label: string, selected: boolean): string =>
    `<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected="${selected}" tabindex="${selected ? 0 : -1}">${t(label)}</button>`;
  return `<!DOCTYPE html>
<html lang="${t(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${t(vscode.l10n.t('Observe {0}', node))}</title>
</head>
<body>
<header>
<h1 id="node">${t(node)}</h1>
<p id="status" role="status" aria-live="polite"></p>
</header>
<div role="tablist" aria-label="${t(vscode.l10n.t('Observer views'))}">
${tab('overview', vscode.l10n.t('Overview'), true)}
${tab('applications', vscode.l10n.t('Applications'), false)}
${tab('processes', vscode.l10n.t('Processes'), false)}
${tab('ets', vscode.l10n.t('ETS Tables'), false)}
</div>
<section role="tabpanel" id="panel-overview" aria-labelledby="tab-overview" tabindex="0">
<dl id="facts" class="facts"></dl>
<div class="columns">
<div><h2>${t(vscode.l10n.t('Memory'))}</h2><table id="memory" class="bars"><tbody></tbody></table></div>
<div><h2>${t(vscode.l10n.t('System limits'))}</h2><table id="limits" class="bars"><tbody></tbody></table></div>
</div>
<div id="charts" class="charts"></div>
</section>
<section role="tabpanel" id="panel-applications" aria-labelledby="tab-applications" hidden>
<p class="hint">${t(vscode.l10n.t('Each running application with its supervision tree; expand a supervisor to see its children.'))}</p>
<ul id="applications" class="tree"></ul>
</section>
<section role="tabpanel" id="panel-processes" aria-labelledby="tab-processes" hidden>
<div class="toolbar">
<label>${t(vscode.l10n.t('Top by'))} <select id="sort">
<option value="memory">${t(vscode.l10n.t('Memory'))}</option>
<option value="reductions">${t(vscode.l10n.t('Reductions per interval'))}</option>
<option value="message_queue_len">${t(vscode.l10n.t('Message queue length'))}</option>
</select></label>
<label>${t(vscode.l10n.t('Rows'))} <select id="limit"><option>20</option><option selected>50</option><option>100</option><option>500</option></select></label>
<label>${t(vscode.l10n.t('Filter by name or module'))} <input id="filter" type="search" maxlength="100" spellcheck="false"></label>
</div>
<p id="process-summary" class="hint"></p>
<table id="processes" class="grid">
<thead><tr><th scope="col">${t(vscode.l10n.t('Process'))}</th><th scope="col">${t(vscode.l10n.t('Name or initial call'))}</th><th scope="col">${t(vscode.l10n.t('Current function'))}</th><th scope="col" class="number">${t(vscode.l10n.t('Memory'))}</th><th scope="col" class="number" id="reductions-header">${t(vscode.l10n.t('Reductions'))}</th><th scope="col" class="number">${t(vscode.l10n.t('Queue'))}</th><th scope="col">${t(vscode.l10n.t('Actions'))}</th></tr></thead>
<tbody></tbody>
</table>
<section id="details" class="details" aria-labelledby="details-title" hidden>
<h2 id="details-title"></h2>
<p id="details-note"></p>
<dl id="details-facts" class="facts"></dl>
<h3>${t(vscode.l10n.t('Current stacktrace'))}</h3>
<ol id="details-stack" class="stack"></ol>
<div class="actions">
<button id="details-kill" class="danger">${t(vscode.l10n.t('Kill…'))}</button>
<button id="details-gc">${t(vscode.l10n.t('Garbage-Collect…'))}</button>
<button id="details-close">${t(vscode.l10n.t('Close Details'))}</button>
</div>
</section>
</section>
<section role="tabpanel" id="panel-ets" aria-labelledby="tab-ets" hidden>
<div class="toolbar"><label>${t(vscode.l10n.t('Filter by name or owner'))} <input id="ets-filter" type="search" maxlength="100" spellcheck="false"></label></div>
<p id="ets-summary" class="hint"></p>
<table id="ets" class="grid">
<thead><tr>
${ETS_SORT_KEYS.map((key) => `<th scope="col" data-key="${key}"${key === 'size' || key === 'memory' ? ' class="number"' : ''}><button class="sort">${t(etsHeader(key))}</button></th>`).join('\n')}
</tr></thead>
<tbody></tbody>
</table>
</section>
<script nonce="${nonce}" id="labels" type="application/json">${jsonForScript({
    kill: vscode.l10n.t('Kill…'),
    gc: vscode.l10n.t('Garbage-Collect…'),
    details: vscode.l10n.t('Details'),
    expand: vscode.l10n.t('Expand'),
    noSupervisor: vscode.l10n.t('library application: no processes'),
    loading: vscode.l10n.t('Loading…'),
    noData: vscode.l10n.t('No data yet.'),
  })}</script>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function etsHeader(key: EtsSortKey): string {
  switch (key) {
    case 'name': return vscode.l10n.t('Name');
    case 'type': return vscode.l10n.t('Type');
    case 'size': return vscode.l10n.t('Objects');
    case 'memory': return vscode.l10n.t('Memory');
    case 'owner': return vscode.l10n.t('Owner');
    case 'protection': return vscode.l10n.t('Protection');
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON safe inside a script element: no `<` that could close it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
