import * as vscode from 'vscode';
import { helperExecArgv, observerHelperCommand } from '../core/observer/helperCommand';
import { chooseNode } from './attachRemoteIex';
import { phoenixContainer } from '../core/serviceView';
import type { PhoenixProject } from '../ui/phoenixProjects';
import type { TargetOf } from '../ui/target';
import type { Services } from './services';

/**
 * "Observe Node": a panel that shows inside the running node (system, supervision trees, top
 * processes, ETS tables), fed by a hidden helper VM in the node's container that the panel starts
 * and ends. Nothing is added to the app or its image.
 */
export async function observeNodeCommand(services: Services, target: TargetOf<'environment' | 'service' | 'node'> | undefined): Promise<void> {
  const candidate = await chooseNode(services, target?.kind === 'environment' ? await appServiceOf(services, target.project) : target, vscode.l10n.t('Observe which node?'));
  if (candidate === undefined) return;
  const { container, found: node } = candidate;
  if (node.release !== undefined && node.cookie.kind !== 'value') {
    // Without it the helper's VM would read (or even create) a ~/.erlang.cookie the release does not use.
    void vscode.window.showErrorMessage(vscode.l10n.t('The cookie of the release running {0} could not be read (neither RELEASE_COOKIE nor its releases/COOKIE file), so nothing can connect to it. Set RELEASE_COOKIE in the container\'s environment, then restart it.', node.node));
    return;
  }
  await services.observers.show({
    key: `${container.id}:${node.node}`,
    node: node.node,
    program: async () => {
      const { randomBytes } = await import('node:crypto');
      const command = observerHelperCommand({
        node: node.node,
        mode: node.mode,
        cookie: node.cookie,
        release: node.release,
        helperName: `observer_${randomBytes(4).toString('hex')}`,
        containerEnv: container.env,
      });
      const exec = helperExecArgv({ docker: await services.compose.containerCli(), container: container.id, command });
      return { command: exec.command, args: exec.args, env: { ...services.compose.terminalEnv(), ...exec.env } };
    },
    containerRunning: async () => (await services.docker.inspectContainer(container.id).catch(() => undefined))?.running === true,
  });
}

/** The service that runs Phoenix in a project's row: the one its node is in. Undefined when none runs (the choice is then the user's). */
async function appServiceOf(services: Services, project: PhoenixProject): Promise<TargetOf<'service'> | undefined> {
  const app = phoenixContainer(await services.docker.listComposeContainers(project.composeProject));
  return app?.state === 'running' ? { kind: 'service', project, service: app.service, container: app.id } : undefined;
}
