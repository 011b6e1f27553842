import * as vscode from 'vscode';
import { lastLines } from '../core/lines';
import { MAX_FORMAT_LENGTH, formatCommand, formatOutcome } from '../core/testing/mixTasks';
import { relativeTo } from '../core/testing/paths';
import { NO_MIX_MARKER } from '../core/testing/run';
import type { ContainerMix } from './containerMix';
import type { Settings } from './settings';
import type { Target } from './target';

/** Elixir source, scripts and HEEx templates, whatever language the editor gives them. */
const ELIXIR_FILES: readonly vscode.DocumentFilter[] = [
  { scheme: 'file', language: 'elixir' },
  { scheme: 'file', language: 'phoenix-heex' },
  { scheme: 'file', pattern: '**/*.{ex,exs,heex}' },
];
/** Extensions that format Elixir themselves: with one installed, ours stays out unless the setting asks. */
const ELIXIR_FORMATTERS = ['jakebecker.elixir-ls', 'lexical-lsp.lexical', 'elixir-tools.elixir-tools'];
const FORMAT_TIMEOUT_MS = 60_000;

/**
 * Format Document for Elixir files with `mix format -` in the dev container (the project's
 * .formatter.exs and its plugins apply), registered for all of them when no Elixir extension
 * formats them, and otherwise for those of the workspace folders whose `phoenix.formatInContainer` asks.
 */
export class ContainerFormatter implements vscode.Disposable {
  private registration: { readonly scope: string; readonly disposable: vscode.Disposable } | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** Projects told their dev container is down, told once until a format there works again: format on save stays quiet. */
  private readonly toldNotRunning = new Set<string>();

  constructor(private readonly mix: ContainerMix, private readonly settings: Settings) {
    this.subscriptions = [
      vscode.extensions.onDidChange(() => { this.update(); }),
      settings.onDidChange((changed) => { if (changed.has('formatInContainer')) this.update(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => { this.update(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => { this.update(); }),
    ];
    this.update();
  }

  /** Registered only in a trusted workspace: formatting runs the project's .formatter.exs and plugins. */
  private update(): void {
    const folders = this.foldersToFormat();
    const scope = folders === 'all' ? 'all' : folders.map((folder) => folder.uri.toString()).join('\n');
    if (this.registration?.scope === scope) return;
    this.registration?.disposable.dispose();
    this.registration = undefined;
    if (folders !== 'all' && folders.length === 0) return;
    const selector = folders === 'all'
      ? ELIXIR_FILES
      : folders.flatMap((folder) => ELIXIR_FILES.map((filter) => ({ ...filter, pattern: new vscode.RelativePattern(folder, typeof filter.pattern === 'string' ? filter.pattern : '**') })));
    const disposable = vscode.languages.registerDocumentFormattingEditProvider(selector, { provideDocumentFormattingEdits: (document, _options, token) => this.format(document, token) });
    this.registration = { scope, disposable };
  }

  /** Every Elixir file when no other extension formats them; else the files of the folders whose setting asks. */
  private foldersToFormat(): 'all' | vscode.WorkspaceFolder[] {
    if (!vscode.workspace.isTrusted) return [];
    if (!ELIXIR_FORMATTERS.some((id) => vscode.extensions.getExtension(id) !== undefined)) return 'all';
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => this.settings.formatInContainer(folder));
  }

  /** One edit of the whole document when `mix format` changed it; none when it did not, or could not run. */
  async format(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.TextEdit[] | undefined> {
    const project = this.mix.projectOf(document.uri);
    const relative = project === undefined ? undefined : relativeTo(project.folder.uri.path, document.uri.path);
    if (project === undefined || relative === undefined || relative === '') return undefined;
    const container = await this.mix.container(project, false);
    if (container === undefined) {
      if (this.toldNotRunning.has(project.composeProject)) return undefined;
      this.toldNotRunning.add(project.composeProject);
      const start = vscode.l10n.t('Start Dev Container');
      void vscode.window.showWarningMessage(vscode.l10n.t('The dev container of {0} is not running: mix format runs inside it. Start it, then format again.', project.folder.name), start).then((choice) => {
        if (choice === start) void vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'environment', project } satisfies Target);
      });
      return undefined;
    }
    const text = document.getText();
    if (text.length > MAX_FORMAT_LENGTH) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} is too large to format from the editor ({1} KiB, at most {2} KiB): run mix format on it in a terminal of the dev container.', relative, Math.ceil(text.length / 1024), MAX_FORMAT_LENGTH / 1024));
      return undefined;
    }
    const stop = new AbortController();
    const cancelled = token.onCancellationRequested(() => { stop.abort(); });
    try {
      const result = await this.mix.run(container, this.mix.rootOf(project), formatCommand(relative), { input: text, signal: stop.signal, timeoutMs: FORMAT_TIMEOUT_MS });
      if (result.code !== 0) {
        const reason = result.output.includes(NO_MIX_MARKER)
          ? vscode.l10n.t('its dev container has no mix')
          : lastLines(result.output, 8).join('\n');
        void vscode.window.showErrorMessage(vscode.l10n.t('mix format could not format {0}: {1}', relative, reason));
        return undefined;
      }
      this.toldNotRunning.delete(project.composeProject);
      const outcome = formatOutcome(text, result);
      if (outcome.kind === 'output-cut') {
        void vscode.window.showWarningMessage(vscode.l10n.t('mix format gave back more text for {0} than can be read, so the document was left as it was: run mix format on it in a terminal of the dev container.', relative));
        return undefined;
      }
      if (outcome.kind === 'unchanged') return [];
      return [vscode.TextEdit.replace(new vscode.Range(document.positionAt(0), document.positionAt(text.length)), outcome.text)];
    } catch (error) {
      if (!stop.signal.aborted) void vscode.window.showErrorMessage(vscode.l10n.t('mix format could not format {0}: {1}', relative, error instanceof Error ? error.message : String(error)));
      return undefined;
    } finally {
      cancelled.dispose();
    }
  }

  dispose(): void {
    this.registration?.disposable.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
