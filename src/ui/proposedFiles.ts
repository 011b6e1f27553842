import * as vscode from 'vscode';

/**
 * Serves generated files that were not written (read-only, never saved), so that a diff editor
 * can show them next to the user's own file.
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

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
