import * as vscode from 'vscode';

/** What the user has really done, each completing a step of the "Zero to IEx" walkthrough. */
export type WalkthroughEvent = 'projectOpened' | 'started' | 'pageOpened' | 'attached' | 'stopped';

const WALKTHROUGH = 'zeroToIex';
const STEPS: Record<WalkthroughEvent, string> = {
  projectOpened: 'openProject',
  started: 'start',
  pageOpened: 'openInBrowser',
  attached: 'attach',
  stopped: 'stop',
};

let extensionId: string | undefined;
const happened = new Set<WalkthroughEvent>();

/** Names the extension whose walkthrough the events complete (its id prefixes the steps' ids). */
export function followWalkthrough(id: string): void {
  extensionId = id;
}

/*
 * Completes the step for `event`. The context key is what the step's completion event in
 * package.json waits for; the workbench only notices it while the walkthrough service is alive
 * (it is created lazily, and a key that is already set when it starts completes nothing), so the
 * step is also completed directly.
 */
export function walkthroughEventHappened(event: WalkthroughEvent): void {
  // Each rescan of the projects says the project is open again: once a session is enough.
  if (happened.has(event)) return;
  happened.add(event);
  void vscode.commands.executeCommand('setContext', `phoenix.walkthrough.${event}`, true);
  if (extensionId === undefined) return;
  void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', `${extensionId}#${WALKTHROUGH}#${STEPS[event]}`)).catch(() => undefined);
}
