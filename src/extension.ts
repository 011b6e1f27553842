import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ComposeEventsWatcher } from './docker/composeEventsWatcher';
import { DockerEngine } from './docker/engine';
import { LocalEpmd } from './docker/localEpmd';
import { ComposeSession } from './ui/composeSession';
import { ContainerFormatter } from './ui/containerFormatter';
import { ContainerMix } from './ui/containerMix';
import { ContainerTests } from './ui/containerTests';
import { MIX_TASK_TYPE, MixTaskProvider } from './ui/mixTasks';
import { DevContainerTree } from './ui/devContainerTree';
import { ObserverPanels } from './ui/observerPanel';
import { PhoenixProjects } from './ui/phoenixProjects';
import { ProposedFiles } from './ui/proposedFiles';
import { Settings } from './ui/settings';
import { DevContainerStatusBar } from './ui/statusBar';
import { ContainerTerminals } from './ui/terminals';
import { followWalkthrough } from './ui/walkthrough';

/** How long deactivation waits for the test runs and mix tasks still running to clean up in their containers. */
const STOP_RUNS_WAIT_MS = 4000;
let running: { readonly tests: ContainerTests; readonly mixTasks: MixTaskProvider } | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Phoenix Dev Containers', { log: true });
  followWalkthrough(context.extension.id);
  const settings = new Settings(vscode.workspace);
  for (const line of settings.describe()) log.info(line);
  // Follows phoenix.dockerHost; the view and the status bar follow the engine.
  const docker = new DockerEngine(settings);
  const projects = new PhoenixProjects(log, settings);
  // Docker's events, followed while the view is visible; the view and the status bar follow them.
  const events = new ComposeEventsWatcher(docker);
  const tree = new DevContainerTree(projects, docker, log, events);
  const proposedFiles = new ProposedFiles();
  const statusBar = new DevContainerStatusBar(projects, docker, events);
  const view = vscode.window.createTreeView('phoenix.devContainer', { treeDataProvider: tree });
  const terminals = new ContainerTerminals();
  const observers = new ObserverPanels(context.extensionUri, log);
  context.subscriptions.push(
    observers,
    log,
    docker,
    projects,
    tree,
    proposedFiles,
    statusBar,
    terminals,
    view,
    tree.attach(view),
  );
  const compose = new ComposeSession(settings);
  context.subscriptions.push(compose);
  // Tests, mix tasks and the formatter run in the dev container; the Testing view finds the tests in the source.
  const mix = new ContainerMix(projects, docker, compose);
  const mixTasks = new MixTaskProvider(mix);
  const tests = new ContainerTests(mix, log);
  running = { tests, mixTasks };
  context.subscriptions.push(
    tests,
    mixTasks,
    vscode.tasks.registerTaskProvider(MIX_TASK_TYPE, mixTasks),
    new ContainerFormatter(mix, settings),
  );
  registerCommands(context, {
    log,
    projects,
    docker,
    proposedFiles,
    compose,
    settings,
    tree,
    statusBar,
    // Images belong to the engine, not to a workspace: what they were built from is kept globally.
    buildRecords: {
      get: (image) => context.globalState.get(`build:${image}`),
      set: (image, record) => context.globalState.update(`build:${image}`, record),
    },
    terminals,
    localEpmd: new LocalEpmd(),
    mix,
    mixTasks,
    observers,
  });
  // Discovery reads files; activation does not wait for it.
  void projects.refresh();
}

/** Stops the test runs and mix tasks still running and gives them a moment to end their programs in the container and remove their one-off containers. */
export async function deactivate(): Promise<void> {
  await Promise.all([running?.tests.stopRunning(STOP_RUNS_WAIT_MS), running?.mixTasks.stopRunning(STOP_RUNS_WAIT_MS)]);
  running = undefined;
}
