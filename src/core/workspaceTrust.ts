/** What the trust step needs from VS Code. */
export interface TrustPrompt {
  readonly isTrusted: () => boolean;
  /** Shows a warning that is not modal, with one action; resolves with whether the user chose it. */
  readonly warn: (message: string, action: string) => PromiseLike<boolean>;
  /** Opens VS Code's workspace trust editor (`workbench.trust.manage`). */
  readonly manageTrust: () => PromiseLike<unknown>;
}

/**
 * The first step of a command that writes into the workspace or runs what it contains. In a
 * trusted workspace it returns true. Otherwise it says why the command needs trust (`why`), offers
 * the trust editor (`action`), and returns false without waiting for an answer: the command stops,
 * and the user runs it again once the workspace is trusted.
 */
export function requireTrust(prompt: TrustPrompt, why: string, action: string): boolean {
  if (prompt.isTrusted()) return true;
  void Promise.resolve(prompt.warn(why, action))
    .then((chosen) => (chosen ? prompt.manageTrust() : undefined))
    // Nothing is left to do when the notification or the trust editor fails.
    .catch(() => undefined);
  return false;
}
