import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { DevContainerError } from '../core/devContainerFailure';
import { attachingNodeName, chooseAttachCommand, endSessionArgv, terminalName, type AttachChoice } from '../core/node';
import { runsPhoenix } from '../core/serviceView';
import { discoverContainerNode, waitForNode, type FoundNode } from '../docker/containerNode';
import type { InspectedContainer } from '../docker/engine';
import { showFailure } from '../ui/failureMessages';
import { plainText } from '../core/plainText';
import type { PhoenixProject } from '../ui/phoenixProjects';
import type { Target, TargetOf } from '../ui/target';
import { walkthroughEventHappened } from '../ui/walkthrough';
import type { Services } from './services';

/** How long a closed host terminal's VM may take to unregister from an epmd that one of ours started. */
const HOST_VM_END_MS = 20_000;

export interface Candidate {
  readonly project: PhoenixProject;
  readonly container: InspectedContainer;
  readonly found: FoundNode;
}

/**
 * "Attach Remote IEx": an IEx shell inside a running node, in a terminal named after the node.
 * The node and its cookie are found in the container; the user types neither.
 */
export async function attachRemoteIexCommand(services: Services, target: TargetOf<'service' | 'node'> | undefined): Promise<void> {
  const candidate = await chooseNode(services, target);
  if (candidate === undefined) return;
  const key = `${candidate.container.id}:${candidate.found.node}`;
  if (services.terminals.has(key)) {
    services.terminals.show(key, {});
    return;
  }
  if (!(await waitUntilAnswering(services, candidate))) return;
  const { randomBytes } = await import('node:crypto');
  const uniqueName = attachingNodeName(randomBytes(4).toString('hex'));
  const containerCli = await services.compose.containerCli();
  const { command, place } = attachCommand(services, candidate, uniqueName, containerCli);
  services.log.info(`Attaching to ${candidate.found.node} in ${candidate.container.name} (${place === 'container' ? 'inside the container' : 'from this machine'})`);
  if (place === 'host') await services.localEpmd.beforeVmStarts();
  services.terminals.show(key, {
    name: terminalName(candidate.found.node),
    shellPath: command.command,
    shellArgs: [...command.args],
    env: { ...services.compose.terminalEnv(), ...command.env },
    iconPath: new vscode.ThemeIcon('terminal'),
    // Not revived after a reload: its environment holds the cookie, and its node would be another.
    isTransient: true,
  }, () => {
    // A local shell's VM ends with its terminal's hang-up; one started by docker exec does not.
    if (place === 'container') {
      void services.docker.exec(candidate.container.id, endSessionArgv(uniqueName)).catch(() => undefined);
    } else {
      void services.localEpmd.stopWhenIdle(HOST_VM_END_MS);
    }
  });
  if (candidate.project.environment.inWalkthrough) walkthroughEventHappened('attached');
}

/** The node of the target's container (the one its row showed), else the only running one, else the user's choice. */
export async function chooseNode(services: Services, target: TargetOf<'service' | 'node'> | undefined, placeHolder = vscode.l10n.t('Attach Remote IEx to which node?')): Promise<Candidate | undefined> {
  if (target?.container !== undefined) {
    const shown = target.kind === 'node' ? target.node : undefined;
    return candidateIn(services, target.project, await services.docker.inspectContainer(target.container), shown);
  }
  const inspected = (await Promise.all((await services.projects.scanned()).filter((project) => project.scaffolded).map(async (project) => {
    const containers = await services.docker.listComposeContainers(project.composeProject);
    return Promise.all(containers.filter((container) => container.state === 'running').map(async (container) => {
      const details = await services.docker.inspectContainer(container.id);
      return { project, container: details, discovery: await discoverContainerNode(services.docker, details) };
    }));
  }))).flat();
  const running = inspected.flatMap(({ project, container, discovery }) => (discovery.kind === 'found' ? [{ project, container, found: discovery }] : []));
  if (running.length === 0) {
    // The app runs, but as no distributed node: say what to change rather than "start it".
    const plain = inspected.find(({ container, discovery }) => runsPhoenix(container) && discovery.kind === 'not-distributed');
    if (plain !== undefined && plain.discovery.kind === 'not-distributed') {
      void vscode.window.showErrorMessage(plainText(notDistributedMessage(plain.container, plain.discovery.advice)));
      return undefined;
    }
    const start = vscode.l10n.t('Start Dev Container');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('No Erlang node is running in a dev container of this workspace. Start the dev container first.'), start);
    if (choice === start) await vscode.commands.executeCommand('phoenix.startDevContainer');
    return undefined;
  }
  if (running.length === 1) return running[0];
  const picked = await vscode.window.showQuickPick(
    running.map((candidate) => ({
      label: candidate.found.node,
      description: `${candidate.project.folder.name} · ${candidate.container.labels['com.docker.compose.service'] ?? candidate.container.name}`,
      candidate,
    })),
    { placeHolder },
  );
  return picked?.candidate;
}

/**
 * The node `container` runs, with its cookie: found as the view found `shown` (the same
 * discovery, with what only the running container tells), so it is that node unless the
 * container changed since.
 */
async function candidateIn(services: Services, project: PhoenixProject, container: InspectedContainer, shown: string | undefined): Promise<Candidate | undefined> {
  const service = container.labels['com.docker.compose.service'] ?? container.name;
  if (!container.running) {
    const start = vscode.l10n.t('Start Dev Container');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('The {0} container is not running. Start it first.', service), start);
    if (choice === start) await vscode.commands.executeCommand('phoenix.startDevContainer', { kind: 'environment', project } satisfies Target);
    return undefined;
  }
  const discovery = await discoverContainerNode(services.docker, container);
  if (discovery.kind === 'not-distributed') {
    void vscode.window.showErrorMessage(plainText(notDistributedMessage(container, discovery.advice)));
    return undefined;
  }
  // The view has no hostname: it shows a short name without its host part.
  if (shown !== undefined && discovery.node !== shown && !discovery.node.startsWith(`${shown}@`)) {
    services.log.info(`${service} runs ${discovery.node} now, not ${shown} as the view showed: refreshing the view.`);
    services.tree.refresh();
    void vscode.window.showWarningMessage(vscode.l10n.t('The {0} container no longer runs the node {1}. Attach again from the refreshed view.', service, shown));
    return undefined;
  }
  return { project, container, found: discovery };
}

function notDistributedMessage(container: InspectedContainer, advice: string): string {
  const service = container.labels['com.docker.compose.service'] ?? container.name;
  return vscode.l10n.t('The {0} container runs no distributed Erlang node, so there is nothing to attach to. {1}', service, advice);
}

/** Waits (cancellably) until the node answers; says why when it does not. */
async function waitUntilAnswering(services: Services, candidate: Candidate): Promise<boolean> {
  const timeoutMs = services.settings.readyTimeoutMs(candidate.project.folder);
  const controller = new AbortController();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to {0}', candidate.found.node), cancellable: true },
      async (_progress, token) => {
        const cancellation = token.onCancellationRequested(() => { controller.abort(); });
        try {
          await waitForNode(services.docker, candidate.container, candidate.found, Date.now() + timeoutMs, controller.signal);
        } finally {
          cancellation.dispose();
        }
      },
    );
    return true;
  } catch (error) {
    if (controller.signal.aborted) return false;
    if (!(error instanceof DevContainerError)) throw error;
    showFailure(services.log, error.failure, candidate.project);
    return false;
  }
}

/** In the container (works everywhere), or from this machine's iex when the user's own settings ask for it and it is possible. */
function attachCommand(services: Services, candidate: Candidate, uniqueName: string, containerCli: string): AttachChoice {
  const linux = process.platform === 'linux';
  const choice = chooseAttachCommand({
    // The user's settings only: a repository's .vscode/settings.json must not choose host mode.
    attachModeSetting: services.settings.attachMode(),
    docker: containerCli,
    container: candidate.container.id,
    containerEnv: candidate.container.env,
    node: candidate.found,
    uniqueName,
    local: {
      iex: linux ? findOnPath('iex') : undefined,
      address: linux ? candidate.container.networks.find((network) => network.gateway !== '')?.gateway : undefined,
    },
  });
  if (choice.hostImpossible) {
    services.log.warn(`Host mode is not possible for ${candidate.found.node}: attaching inside the container instead.`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Attaching from this machine needs iex here, Linux, and a long-name node with an IP address (set "phoenix.fixedSubnet" and scaffold again). Attached inside the container instead.'));
  }
  return choice;
}

function findOnPath(program: string): string | undefined {
  return (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, program)).find((path) => existsSync(path));
}
