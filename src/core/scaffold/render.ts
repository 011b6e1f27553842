import { DEFAULT_FOLDER, OVERRIDE_FILE } from '../contract';
import { expectedMountKind } from '../fileWatching/mounts';
import { pathToRoot } from '../generated/compose';
import { ignoreEnvFile, lfLineEndings } from '../generated/gitFiles';
import { renderCompose } from './compose';
import type { AdoptedCompose, DevContainerContext } from './context';
import { renderDevcontainerJson } from './devcontainerJson';
import { renderDockerfile } from './dockerfile';
import { DEV_DOCKERIGNORE } from './dockerignore';
import type { TextEdit } from './elixirConfig';
import { renderEntrypoint } from './entrypoint';
import { renderEnv } from './env';
import type { RenderedFile } from './files';
import { normalizeFolder } from './folder';
import { hostName, requireAppName } from './names';
import { networkPlan, parseSubnet } from './network';
import { renderOverride } from './override';
import type { ProjectDescription } from './project';
import { chooseBaseImage, type BaseImageOptions } from './versions';

/** Facts about the machine that runs Docker's client. */
export interface HostFacts {
  /** The user's UID and GID; undefined on Windows, where the container uses 1000. */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly platform: NodeJS.Platform;
  /** The project is on a Windows drive seen from WSL2, where edits made from Windows raise no inotify event. */
  readonly fileEventsUnreliable?: boolean;
}

export interface RenderOptions extends BaseImageOptions {
  /** Folder for the files, relative to the project root; `.devcontainer` by default. */
  readonly folder?: string;
  readonly host: HostFacts;
  /** The compose project name (see composeProjectName), pinned in .env. */
  readonly composeProject: string;
  /**
   * Adopt the user's own compose file at the project root instead of generating one: it stays as
   * written, and an override file next to the other files adds what the dev container needs.
   */
  readonly adopt?: AdoptedCompose;
  /** Random bytes for a new Erlang cookie, at least 16 (e.g. crypto.randomBytes(32)). */
  readonly randomBytes: Uint8Array;
  /** Keep deps and _build in named volumes instead of the bind mount (faster on macOS). */
  readonly namedVolumes?: boolean;
  /** Put the containers on a fixed subnet; the node then uses a long name with the app's address. */
  readonly fixedSubnet?: { readonly subnet: string };
}

/** An edit of a project file that the scaffold recommends but never applies itself. */
export interface Advice extends TextEdit {
  readonly reason: string;
}

export interface RenderedDevContainer {
  readonly files: RenderedFile[];
  readonly notes: string[];
  readonly advice: Advice[];
}

/** Renders the dev container's files for a project, with notes and recommended edits. */
export function renderDevContainer(project: ProjectDescription, options: RenderOptions): RenderedDevContainer {
  if (options.randomBytes.length < 16) throw new RangeError('renderDevContainer needs at least 16 random bytes for the Erlang cookie.');
  requireAppName(project.app, 'The app name');
  const notes: string[] = [];
  const folder = normalizeFolder(options.folder, notes, `${DEFAULT_FOLDER} was used; set it to a relative path such as ${DEFAULT_FOLDER}.`);
  const base = chooseBaseImage(project.versions, options);
  notes.push(...base.notes);

  const hostname = hostName(project.app);
  const subnet = options.fixedSubnet && parseSubnet(options.fixedSubnet.subnet);
  const network = subnet && networkPlan(subnet);
  if (options.fixedSubnet && network === undefined) {
    notes.push(`The subnet "${options.fixedSubnet.subnet}" is not an IPv4 subnet of at least 8 addresses (such as 172.40.0.0/24), so the containers use Docker's default network; correct the setting to use a fixed subnet.`);
  }
  const dbService = (project.database === 'postgres' || project.database === 'mysql') && (options.adopt === undefined || options.adopt.databaseService !== undefined)
    ? project.database
    : undefined;
  const context: DevContainerContext = {
    project,
    folder,
    rootFromFolder: pathToRoot(folder),
    image: base.image,
    hasWatchman: base.hasWatchman,
    uid: options.host.uid ?? 1000,
    gid: options.host.gid ?? 1000,
    hostname,
    nodeName: `${project.app}@${network?.app ?? hostname}`,
    nodeMode: network ? 'name' : 'sname',
    network,
    dbService,
    namedVolumes: options.namedVolumes ?? false,
    composeProject: options.composeProject,
    workdir: options.adopt?.service.projectMount ?? '/app',
    dbHost: options.adopt?.databaseService ?? 'db',
    adopt: options.adopt,
  };

  if (options.adopt !== undefined && network !== undefined) {
    notes.push(`The fixed subnet is not applied to your own ${options.adopt.file}; define the network there if you need one.`);
  }
  if (expectedMountKind(options.host.platform, options.host.fileEventsUnreliable) === 'vm-share' && !context.namedVolumes && options.adopt === undefined) {
    notes.push('Docker Desktop shares the project into its VM, where compiling deps and _build is slow: turn on the phoenix.namedVolumes setting and scaffold again to keep them in named volumes.');
  }
  if (project.existingComposeFile !== undefined && options.adopt === undefined) {
    notes.push(`The project already has ${project.existingComposeFile}; the dev container uses its own ${folder}/docker-compose.yml, so copy any services you need from one to the other.`);
  }
  if (project.repo !== undefined && dbService !== undefined && (project.repo.username === undefined || project.repo.password === undefined)) {
    notes.push(`The database user or password in config/dev.exs is not a plain string, so the ${dbService} service uses the defaults; make the db service's environment in ${folder}/docker-compose.yml match your Repo configuration.`);
  }

  const files: RenderedFile[] = [
    ...(context.adopt === undefined
      ? [
          { path: `${folder}/Dockerfile`, content: renderDockerfile(context) },
          { path: `${folder}/entrypoint.sh`, content: renderEntrypoint(context), mode: 0o755 },
          { path: `${folder}/docker-compose.yml`, content: renderCompose(context) },
          { path: `${folder}/.dockerignore`, content: DEV_DOCKERIGNORE, merge: 'lines' as const },
        ]
      : [
          { path: `${folder}/entrypoint.sh`, content: renderEntrypoint(context), mode: 0o755 },
          { path: `${folder}/${OVERRIDE_FILE}`, content: renderOverride(context, context.adopt) },
        ]),
    { path: `${folder}/devcontainer.json`, content: renderDevcontainerJson(context) },
    { path: `${folder}/.env`, content: renderEnv(context, options.randomBytes), mode: 0o600, merge: 'env' },
    ignoreEnvFile(folder),
  ];
  if (/^[\w./-]+$/.test(folder)) {
    files.push(lfLineEndings('Dev container scripts', [`${folder}/*.sh`]));
  } else {
    notes.push(`On Windows, keep ${folder}/entrypoint.sh with LF line endings (a .gitattributes rule "*.sh text eol=lf" does it): sh in the container cannot run it with CRLF.`);
  }
  return { files, notes, advice: advise(context, options.host) };
}

/*
 * The endpoint's loopback address and the Repo's localhost need no edit: the entrypoint adjusts
 * them inside the container only (see containerConfig.ts).
 */
function advise(c: DevContainerContext, host: HostFacts): Advice[] {
  const { project } = c;
  const advice: Advice[] = [];
  // The same knowledge as Check File Watching: only the same kernel's mount delivers every event.
  const eventsUnreliable = expectedMountKind(host.platform, host.fileEventsUnreliable) !== 'native';
  if (project.usesLiveReload && !project.liveReloadPolls && project.liveReloadPollingEdit && eventsUnreliable) {
    advice.push({
      ...project.liveReloadPollingEdit,
      reason: 'File change events from this machine may not reach the container through the bind mount, so live reload would miss your edits. Let phoenix_live_reload poll the files instead.',
    });
  }
  return advice;
}
