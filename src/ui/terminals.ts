import * as vscode from 'vscode';

/**
 * Terminals the extension opened, by what they are attached to, so that attaching again to the
 * same node (or opening the same shell) shows the live terminal instead of opening another.
 */
export class ContainerTerminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; onClose: (() => unknown) | undefined }>();
  private readonly subscription = vscode.window.onDidCloseTerminal((terminal) => {
    for (const [key, known] of this.open) {
      if (known.terminal !== terminal) continue;
      this.open.delete(key);
      known.onClose?.();
    }
  });

  /** Shows the live terminal for `key`, or creates one with `options`; `onClose` runs when the user closes it. */
  show(key: string, options: vscode.TerminalOptions, onClose?: () => unknown): vscode.Terminal {
    const existing = this.open.get(key)?.terminal;
    if (existing !== undefined && existing.exitStatus === undefined) {
      existing.show();
      return existing;
    }
    const terminal = vscode.window.createTerminal(options);
    this.open.set(key, { terminal, onClose });
    terminal.show();
    return terminal;
  }

  /** Whether a live terminal exists for `key`. */
  has(key: string): boolean {
    const existing = this.open.get(key)?.terminal;
    return existing !== undefined && existing.exitStatus === undefined;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
