import * as vscode from 'vscode';
import { ChartHistory, pacedInterval } from '../core/observer/metrics';
import { MAX_EXPANDED_SUPERVISORS, listedAsSupervisor, parseApplications, parseChildren, parseOverview } from '../core/observer/nodeReplies';
import { parseEtsTables, parseProcessDetails, parseProcessList } from '../core/observer/processReplies';
import { clampLimit, cleanFilter, type ObserverRequest } from '../core/observer/protocol';
import { HelperFaultError, ObserverSession, type HelperProgram } from '../docker/observerHelper';
import { panelHtml, parseMessage } from './observerPage';
import { REFRESH_MS, observerView, observerStatusText, type ObserverState } from './observerView';

/** The applications and ETS tables change slowly: asked every this many refreshes. */
const SLOW_EVERY = 5;

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

class ObserverPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly session: ObserverSession;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private refreshing = false;
  private disposed = false;
  private readonly state: ObserverState = {
    tab: 'overview',
    sort: 'memory',
    filter: '',
    limit: 50,
    etsSort: { key: 'memory', direction: 'descending' },
    etsFilter: '',
    previous: undefined,
    overview: undefined,
    history: new ChartHistory(),
    applications: undefined,
    expanded: new Map(),
    processes: undefined,
    processesEveryMs: REFRESH_MS,
    detailsPid: undefined,
    details: undefined,
    detailsGone: false,
    ets: undefined,
  };

  /** When the process list may be asked for again: it walks every process, so it is paced by what it cost. */
  private processesDueAt = 0;

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
        this.state.previous = this.state.overview;
        this.state.overview = parseOverview(value);
        this.state.history.add(this.state.previous, this.state.overview);
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
    if (this.state.tab === 'applications' && (slow || this.state.applications === undefined)) {
      await this.ask({ op: 'applications' }, (value) => { this.state.applications = parseApplications(value); });
      for (const pid of this.state.expanded.keys()) await this.loadChildren(pid);
    }
    if (this.state.tab === 'processes') {
      if (Date.now() >= this.processesDueAt) {
        const started = Date.now();
        await this.ask({ op: 'processes', sort: this.state.sort, limit: this.state.limit, filter: this.state.filter }, (value) => { this.state.processes = parseProcessList(value); });
        this.state.processesEveryMs = pacedInterval(Date.now() - started, REFRESH_MS);
        this.processesDueAt = started + this.state.processesEveryMs;
      }
      if (this.state.detailsPid !== undefined) await this.loadDetails(this.state.detailsPid);
    }
    if (this.state.tab === 'ets' && (slow || this.state.ets === undefined)) {
      await this.ask({ op: 'ets' }, (value) => { this.state.ets = parseEtsTables(value); });
    }
  }

  private async loadChildren(pid: string): Promise<void> {
    try {
      await this.ask({ op: 'children', pid }, (value) => { this.state.expanded.set(pid, parseChildren(value)); });
    } catch (error) {
      // A supervisor that ended (or an application's top process that is no supervisor) folds away.
      if (!(error instanceof HelperFaultError)) throw error;
      this.state.expanded.delete(pid);
    }
  }

  private async loadDetails(pid: string): Promise<void> {
    try {
      await this.ask({ op: 'process', pid }, (value) => {
        this.state.details = parseProcessDetails(value);
        this.state.detailsGone = false;
      });
    } catch (error) {
      if (!(error instanceof HelperFaultError && error.fault === 'no-process')) throw error;
      this.state.detailsGone = true;
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
        this.state.tab = parsed.tab;
        break;
      case 'sort':
        this.state.sort = parsed.sort;
        break;
      case 'filter':
        this.state.filter = cleanFilter(parsed.text);
        break;
      case 'limit':
        this.state.limit = clampLimit(parsed.limit);
        break;
      case 'expand':
        if (!listedAsSupervisor(parsed.pid, this.state.applications, this.state.expanded) || this.state.expanded.size >= MAX_EXPANDED_SUPERVISORS) return;
        this.state.expanded.set(parsed.pid, undefined);
        await this.loadChildren(parsed.pid).catch(() => undefined);
        this.post();
        return;
      case 'collapse':
        this.state.expanded.delete(parsed.pid);
        this.post();
        return;
      case 'details':
        this.state.detailsPid = parsed.pid;
        this.state.details = undefined;
        await this.loadDetails(parsed.pid).catch(() => undefined);
        this.post();
        return;
      case 'closeDetails':
        this.state.detailsPid = undefined;
        this.state.details = undefined;
        this.post();
        return;
      case 'kill':
      case 'gc':
        await this.act(parsed.type, parsed.pid);
        break;
      case 'etsSort':
        this.state.etsSort = { key: parsed.key, direction: this.state.etsSort.key === parsed.key && this.state.etsSort.direction === 'descending' ? 'ascending' : 'descending' };
        this.post();
        return;
      case 'etsFilter':
        this.state.etsFilter = cleanFilter(parsed.text);
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
      if ((await this.session.request({ op: action, pid })) === undefined) throw new Error(observerStatusText(this.session.current, this.node.node));
      this.log.info(`Observer of ${this.node.node}: ${action} ${pid} (${label})`);
    } catch (error) {
      const reason = error instanceof HelperFaultError && error.fault === 'no-process' ? vscode.l10n.t('it is no longer alive') : error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(action === 'kill'
        ? vscode.l10n.t('Could not kill process {0}: {1}', label, reason)
        : vscode.l10n.t('Could not garbage-collect process {0}: {1}', label, reason));
    }
  }

  private labelOf(pid: string): string {
    const row = this.state.processes?.processes.find((candidate) => candidate.pid === pid);
    const name = row?.name ?? (this.state.details?.pid === pid ? this.state.details.name : undefined);
    return name === undefined ? pid : `${name} (${pid})`;
  }

  private post(): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage({ type: 'view', view: observerView(this.node.node, this.session.current, this.state) });
  }
}
