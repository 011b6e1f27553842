import type { TextEdit } from '../scaffold/elixirConfig';
import { namedVolumeEdits, stdinOpenEdit, type ServiceSettings } from './composeEdits';
import type { ContainerWatchFacts } from './containerFacts';
import { classifyMount, mountOf, type MountEntry, type MountKind } from './mounts';
import type { ProbeOutcome } from './probe';
import { POLL_INTERVAL_MS, lastingWatchFlag, pollingBackendEdit, watcherFlagEdit, type ConfigFile, type WatchConfig } from './projectConfig';

/** Everything the check learned: from the container, the probe and the project's files. */
export interface FileWatchingFacts {
  readonly container: ContainerWatchFacts;
  /** Where the project is in the container (the mount of this folder, else the working directory). */
  readonly projectDir: string;
  /** Project folders the container keeps in volumes of its own (deps, _build). */
  readonly volumeFolders: readonly string[];
  readonly probe: ProbeOutcome;
  readonly dependsOnLiveReload: boolean;
  readonly config: WatchConfig;
  /** config/dev.exs, which the fixes edit; undefined when the project has none. */
  readonly devConfig: ConfigFile | undefined;
  /** The config files the watchers were read from, for their edits. */
  readonly configFiles: readonly ConfigFile[];
  /** The compose file that defines the app's service (the override of an adopted one), and what it sets. */
  readonly compose: { readonly file: ConfigFile; readonly service: string; readonly settings: ServiceSettings; readonly dockerfile: ConfigFile | undefined } | undefined;
}

export type Severity = 'ok' | 'info' | 'warning' | 'problem';

/** An exact change that fixes a finding, offered to the user; `edits` are applied together. */
export interface Fix {
  readonly label: string;
  readonly edits: readonly TextEdit[];
}

export interface Finding {
  readonly severity: Severity;
  readonly topic: 'events' | 'mount' | 'inotify' | 'live-reload' | 'watchers' | 'tools';
  readonly title: string;
  readonly detail: string;
  readonly fix: Fix | undefined;
  /** What to do when no edit of the project can fix it. */
  readonly manual?: string;
}

export interface FileWatchingReport {
  readonly verdict: { readonly severity: Exclude<Severity, 'info'>; readonly text: string };
  readonly findings: readonly Finding[];
  readonly mount: { readonly kind: MountKind; readonly entry: MountEntry | undefined };
}

/** An event slower than this makes a reload feel late. */
export const SLOW_EVENT_MS = 1000;
/** Fewer free watches than this, and a `mix deps.get` or a new dependency can exhaust them. */
const FEW_WATCHES_LEFT = 8192;

const RANK: Readonly<Record<Severity, number>> = { ok: 0, info: 0, warning: 1, problem: 2 };

/** Decides, from the facts, whether live reload sees this machine's edits, and what fixes it when not. */
export function decideFileWatching(facts: FileWatchingFacts): FileWatchingReport {
  const entry = mountOf(facts.container.mounts, facts.projectDir);
  const kind = classifyMount(entry);
  const polls = facts.config.liveReload.backend === ':fs_poll';
  const polling = pollingFix(facts);
  const findings: Finding[] = [
    eventsFinding(facts, polls, polling),
    mountFinding(facts, kind, entry),
    ...inotifyFindings(facts, polls),
    ...liveReloadFindings(facts, polls),
    ...watcherFindings(facts),
    ...toolFindings(facts, polls, polling),
  ];
  const worst = findings.reduce<Severity>((max, finding) => (RANK[finding.severity] > RANK[max] ? finding.severity : max), 'ok');
  return { verdict: verdictOf(worst === 'info' ? 'ok' : worst, findings, facts), findings, mount: { kind, entry } };
}

function verdictOf(severity: Exclude<Severity, 'info'>, findings: readonly Finding[], facts: FileWatchingFacts): FileWatchingReport['verdict'] {
  if (severity === 'problem') {
    const first = findings.find((finding) => finding.severity === 'problem');
    return { severity, text: `Live reload will miss your edits: ${first?.title ?? 'see below'}.` };
  }
  const latency = facts.probe.kind === 'arrived' ? ` An edit here reaches the container in ${Math.round(facts.probe.latencyMs)} ms.` : '';
  if (severity === 'warning') return { severity, text: `Live reload works, with caveats below.${latency}` };
  return { severity, text: `Live reload sees your edits.${latency}` };
}

function pollingFix(facts: FileWatchingFacts): Fix | undefined {
  if (!facts.dependsOnLiveReload || facts.config.liveReload.backend === ':fs_poll' || facts.devConfig === undefined) return undefined;
  return { label: `Let phoenix_live_reload poll the files every ${POLL_INTERVAL_MS} ms (config/dev.exs)`, edits: [pollingBackendEdit(facts.devConfig)] };
}

function eventsFinding(facts: FileWatchingFacts, polls: boolean, polling: Fix | undefined): Finding {
  const { probe } = facts;
  switch (probe.kind) {
    case 'arrived': {
      const ms = Math.round(probe.latencyMs);
      if (probe.latencyMs < SLOW_EVENT_MS) return { severity: 'ok', topic: 'events', title: `File change events arrive (${ms} ms)`, detail: `A file written here was seen by inotify in the container after ${ms} ms.`, fix: undefined };
      return { severity: 'warning', topic: 'events', title: `File change events arrive late (${ms} ms)`, detail: `A file written here was seen in the container only after ${ms} ms, so each reload comes that late.`, fix: polling };
    }
    case 'no-event':
      if (polls) return { severity: 'warning', topic: 'events', title: 'File change events do not arrive', detail: `Nothing reached inotify in the container within ${Math.round(probe.waitedMs / 1000)} s of a write here, but live reload polls the files, so it still sees your edits.`, fix: undefined };
      return { severity: 'problem', topic: 'events', title: 'file change events from this machine do not reach the container', detail: `A file written here raised no inotify event in the container within ${Math.round(probe.waitedMs / 1000)} s, so live reload never hears of your edits.`, fix: polling, ...(polling ? {} : { manual: 'Configure your file watcher to poll the files.' }) };
    case 'not-visible':
      return { severity: 'problem', topic: 'events', title: 'the container does not see this project folder', detail: `A folder made here did not appear at ${probe.containerPath} in the container: its project is a copy or another folder, so edits here never reach it.`, fix: undefined, manual: `Bind-mount this folder at ${facts.projectDir} in the compose file (volumes: - "..:${facts.projectDir}" for a dev container in .devcontainer), then restart the dev container.` };
    case 'no-inotifywait':
      return { severity: polls ? 'info' : 'problem', topic: 'events', title: polls ? 'Events not probed: no inotifywait in the container' : 'inotifywait is missing from the container', detail: 'phoenix_live_reload watches files with inotifywait (inotify-tools) on Linux; without it, it watches nothing.', fix: polls ? undefined : polling, manual: 'Install inotify-tools in the image (apt-get install inotify-tools) and rebuild the dev container.' };
    case 'failed':
      return { severity: 'warning', topic: 'events', title: 'The probe could not run', detail: probe.detail, fix: undefined };
  }
}

function mountFinding(facts: FileWatchingFacts, kind: MountKind, entry: MountEntry | undefined): Finding {
  const fsType = entry?.fsType ?? 'unknown';
  const slowVolumes = facts.compose && !['deps', '_build'].every((folder) => facts.volumeFolders.includes(folder))
    ? namedVolumeEdits(facts.compose.file, facts.compose.service, facts.projectDir, facts.compose.dockerfile)
    : undefined;
  switch (kind) {
    case 'native':
      return { severity: 'ok', topic: 'mount', title: `The project is a native mount (${fsType})`, detail: `${facts.projectDir} in the container is this machine's folder through the same kernel: writes raise inotify events there.`, fix: undefined };
    case 'vm-share':
      return {
        severity: 'warning',
        topic: 'mount',
        title: `The project is shared into Docker's VM (${fsType})`,
        detail: 'Docker Desktop forwards file events through its VM share, sometimes late or not at all, and reads through it are slow: compiling deps and _build there takes much longer.',
        fix: slowVolumes && { label: 'Keep deps and _build in named volumes (compose file; rebuild the dev container afterwards)', edits: slowVolumes },
      };
    case 'no-events':
      return { severity: 'warning', topic: 'mount', title: `The project is on a ${fsType} file system`, detail: 'Writes made on the other side of this file system raise no inotify event in the container (a Windows drive seen from WSL2, a network share). Keep the project in the Linux file system, or let live reload poll.', fix: undefined };
    case 'not-shared':
      return { severity: 'problem', topic: 'mount', title: `${facts.projectDir} is not mounted from this machine`, detail: `It is part of the container's own file system (${fsType}): a copy that edits here never reach.`, fix: undefined };
  }
}

function inotifyFindings(facts: FileWatchingFacts, polls: boolean): Finding[] {
  const { maxUserWatches, maxUserInstances, watchesInUse, instancesInUse } = facts.container;
  const findings: Finding[] = [];
  const sysctl = 'Raise the limit on the machine that runs the containers (on Docker Desktop, its VM): sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512, and persist it in /etc/sysctl.conf.';
  if (maxUserWatches !== undefined && watchesInUse !== undefined && !polls) {
    const left = maxUserWatches - watchesInUse;
    if (left < FEW_WATCHES_LEFT) {
      findings.push({ severity: left <= 0 ? 'problem' : 'warning', topic: 'inotify', title: `only ${Math.max(left, 0)} inotify watches are left`, detail: `The container's processes use ${watchesInUse} of ${maxUserWatches} watches; each watched folder takes one, and a watcher that cannot add one misses changes in that folder.`, fix: undefined, manual: sysctl });
    }
  }
  if (maxUserInstances !== undefined && instancesInUse !== undefined && !polls && instancesInUse >= maxUserInstances - 1) {
    findings.push({ severity: 'problem', topic: 'inotify', title: 'no inotify instance is left', detail: `The container's processes hold ${instancesInUse} of ${maxUserInstances} inotify instances (leaked watchers hold one each), so a new watcher fails to start.`, fix: undefined, manual: sysctl });
  }
  if (findings.length === 0 && maxUserWatches !== undefined) {
    const use = watchesInUse === undefined ? '' : `${watchesInUse} of `;
    findings.push({ severity: 'ok', topic: 'inotify', title: 'Inotify limits are ample', detail: `${use}${maxUserWatches} watches and ${instancesInUse ?? '?'} of ${maxUserInstances ?? '?'} instances in use.`, fix: undefined });
  }
  return findings;
}

function liveReloadFindings(facts: FileWatchingFacts, polls: boolean): Finding[] {
  const { liveReload } = facts.config;
  if (!facts.dependsOnLiveReload) {
    return [{ severity: 'info', topic: 'live-reload', title: 'phoenix_live_reload is not a dependency', detail: 'The project does not reload the browser by itself; the findings below still tell whether file watchers in the container see your edits.', fix: undefined }];
  }
  const findings: Finding[] = [];
  const backend = polls ? `polls every ${liveReload.pollIntervalMs ?? 1000} ms (:fs_poll)` : `uses ${liveReload.backend ?? 'the default backend (inotify on Linux)'}`;
  if (liveReload.patterns === undefined || liveReload.patterns.length === 0) {
    findings.push({ severity: 'warning', topic: 'live-reload', title: 'live reload watches no files', detail: `phoenix_live_reload is a dependency but the endpoint in config/dev.exs has no live_reload patterns, so no edit reloads the page. It ${backend}.`, fix: undefined, manual: 'Add live_reload: [patterns: [...]] to the endpoint in config/dev.exs, as mix phx.new writes it.' });
  } else {
    findings.push({ severity: 'ok', topic: 'live-reload', title: `phoenix_live_reload watches ${liveReload.patterns.length} pattern${liveReload.patterns.length === 1 ? '' : 's'}`, detail: `It ${backend}. Patterns: ${liveReload.patterns.join(', ')}`, fix: undefined });
  }
  if (polls && (liveReload.pollIntervalMs ?? 1000) > 2000) {
    findings.push({ severity: 'warning', topic: 'live-reload', title: `live reload polls only every ${liveReload.pollIntervalMs ?? 1000} ms`, detail: 'Each reload comes up to that late.', fix: undefined, manual: `Lower backend_opts: [interval: ${POLL_INTERVAL_MS}] in the phoenix_live_reload config.` });
  }
  return findings;
}

/*
 * Phoenix runs its watchers with their standard input open as long as the server runs, so a plain
 * `--watch` holds there; it stops at once where a watcher runs without input (its own compose
 * service, `docker compose up` without stdin_open). Hence information, with the lasting flag offered.
 */
function watcherFindings(facts: FileWatchingFacts): Finding[] {
  const findings: Finding[] = [];
  for (const watcher of facts.config.watchers) {
    if (watcher.watch !== 'plain') continue;
    const flag = lastingWatchFlag(watcher);
    const file = facts.configFiles.find((candidate) => candidate.path === watcher.flag?.file);
    const edit = file && watcherFlagEdit(watcher, file);
    if (flag !== undefined && edit !== undefined) {
      findings.push({ severity: 'info', topic: 'watchers', title: `The ${watcher.name} watcher stops when its standard input closes`, detail: `${watcher.name} --watch exits once its input closes: under mix phx.server it stays open, but run on its own in a container without stdin_open it stops at once. ${flag} keeps it watching either way.`, fix: { label: `Use ${flag} for ${watcher.name} (${edit.file})`, edits: [edit] } });
      continue;
    }
    const compose = facts.compose;
    if (compose === undefined || compose.settings.stdinOpen || compose.settings.tty) continue;
    const stdin = stdinOpenEdit(compose.file, compose.service);
    findings.push({
      severity: 'info',
      topic: 'watchers',
      title: `The ${watcher.name} watcher may need standard input`,
      detail: `${watcher.name} runs with --watch; a watcher that stops when its input closes stops at once when it runs on its own in a container started without stdin_open.`,
      fix: stdin && { label: `Keep standard input open for ${compose.service} (stdin_open: true in ${stdin.file})`, edits: [stdin] },
    });
  }
  const lasting = facts.config.watchers.filter((watcher) => watcher.watch === 'forever' || watcher.watch === 'always');
  if (findings.length === 0 && lasting.length > 0) {
    findings.push({ severity: 'ok', topic: 'watchers', title: 'The asset watchers keep running', detail: lasting.map((watcher) => `${watcher.name} --watch=${watcher.watch}`).join(', '), fix: undefined });
  }
  return findings;
}

function toolFindings(facts: FileWatchingFacts, polls: boolean, polling: Fix | undefined): Finding[] {
  const findings: Finding[] = [];
  // The probe's own finding says it when the probe could not run without it.
  if (!facts.container.hasInotifywait && facts.probe.kind !== 'no-inotifywait') {
    findings.push({ severity: polls ? 'info' : 'problem', topic: 'tools', title: 'inotifywait is missing from the container', detail: 'phoenix_live_reload watches files with inotifywait (inotify-tools) on Linux.', fix: polls ? undefined : polling, manual: 'Install inotify-tools in the image and rebuild the dev container.' });
  }
  if (!facts.container.hasWatchman) {
    findings.push({ severity: 'info', topic: 'tools', title: 'watchman is not in the container', detail: 'Only asset tools that use watchman need it (Debian trixie images have no watchman package).', fix: undefined });
  }
  if (facts.container.hasInotifywait && facts.container.hasWatchman) {
    findings.push({ severity: 'ok', topic: 'tools', title: 'inotify-tools and watchman are installed', detail: 'inotifywait and watchman are on the PATH in the container.', fix: undefined });
  }
  return findings;
}
