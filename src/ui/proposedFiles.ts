import * as vscode from 'vscode';

/**
 * Serves generated files that were not written (read-only, never saved), so that a diff editor
 * can show them next to the user's own file, and reports shown rendered.
 */
export class ProposedFiles implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'phoenix-proposed';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A diff still open from an earlier scaffold shows the new content, not the old. */
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(ProposedFiles.scheme, this);

  /** Opens a diff of the user's file (left) against the generated content (right). */
  async showDiff(usersFile: vscode.Uri, generated: string, title: string): Promise<void> {
    const proposal = vscode.Uri.from({ scheme: ProposedFiles.scheme, path: usersFile.path });
    this.contents.set(proposal.toString(), generated);
    this.changed.fire(proposal);
    await vscode.commands.executeCommand('vscode.diff', usersFile, proposal, title, { preview: true });
  }

  /** Shows `markdown` rendered, as a read-only document named `name` (a report: nothing to save). */
  async showMarkdown(name: string, markdown: string): Promise<void> {
    const document = vscode.Uri.from({ scheme: ProposedFiles.scheme, path: `/${name}.md` });
    this.contents.set(document.toString(), markdown);
    this.changed.fire(document);
    // Opened here first: the preview may run in another extension host, which reads it from this one.
    await vscode.workspace.openTextDocument(document);
    await vscode.commands.executeCommand('markdown.showPreview', document);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
