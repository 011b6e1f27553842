import * as vscode from 'vscode';

/** What the user has really done, each completing a step of the "Zero to IEx" walkthrough. */
export type WalkthroughEvent = 'started' | 'pageOpened' | 'attached' | 'stopped';

/** Sets the context key that completes the walkthrough's step for `event` (package.json names them). */
export function walkthroughEventHappened(event: WalkthroughEvent): void {
  void vscode.commands.executeCommand('setContext', `phoenix.walkthrough.${event}`, true);
}
