import type { PhoenixProject } from './phoenixProjects';

/**
 * What a command acts on. The view's rows carry one; commands/index.ts parses whatever VS Code
 * passes into one (nothing from the palette), and each command takes the kinds it accepts.
 */
export type Target =
  /** An environment of a project: its dev container, its release run locally. */
  | { readonly kind: 'environment'; readonly project: PhoenixProject }
  /** A service of an environment, with its container; none when the service is defined but not created yet. */
  | { readonly kind: 'service'; readonly project: PhoenixProject; readonly service: string; readonly container: string | undefined }
  /** The Erlang node the view found in a container, as the view found it. */
  | { readonly kind: 'node'; readonly project: PhoenixProject; readonly service: string; readonly container: string; readonly node: string }
  /** A URL the app answers on. */
  | { readonly kind: 'url'; readonly url: string };

export type TargetKind = Target['kind'];
export type TargetOf<K extends TargetKind> = Extract<Target, { kind: K }>;

/** Whether a target is of one of these kinds. */
export function isTargetOf<K extends TargetKind>(target: Target, kinds: readonly K[]): target is TargetOf<K> {
  return (kinds as readonly TargetKind[]).includes(target.kind);
}

/**
 * The services a lifecycle command on `target` acts on: the service of a row that has a
 * container; otherwise (undefined) the whole environment. A service without a container yet is
 * created by starting its environment, which is what Start on its row does.
 */
export function servicesOf(target: Target | undefined): readonly string[] | undefined {
  return target?.kind === 'service' && target.container !== undefined ? [target.service] : undefined;
}
