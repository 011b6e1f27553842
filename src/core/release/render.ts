import { composeDefaultName } from '../composeProject';
import { DEFAULT_FOLDER, RELEASE_FOLDER } from '../contract';
import { ignoreEnvFile, lfLineEndings } from '../generated/gitFiles';
import type { Advice, RenderedFile } from '../scaffold';
import { normalizeFolder } from '../scaffold/folder';
import { hostName, requireAppName } from '../scaffold/names';
import { chooseBaseImage } from '../scaffold/versions';
import { RELEASE_PORT, renderCompose } from './compose';
import type { ReleaseContext } from './context';
import { renderDockerfile } from './dockerfile';
import { renderDockerignore } from './dockerignore';
import { RELEASE_RANDOM_BYTES, renderEnv } from './env';
import { renderEnvSh } from './envSh';
import { LOOPBACK_FORWARD_FILE, renderLoopbackForward } from './loopbackForward';
import { ENV_SH, MIGRATE_SCRIPT, SERVER_SCRIPT, bindsEndpointToLoopback, readsEnvironment, releaseDockerfileGaps, type ReleaseProject } from './project';
import { renderReleaseModule } from './releaseModule';
import { renderMigrate, renderServer } from './scripts';

export interface ReleaseRenderOptions {
  /** The dev container folder, relative to the project root; `.devcontainer` by default. */
  readonly folder?: string;
  /** The Debian part of the hexpm/elixir tag (`bookworm-20250113-slim`), as for the dev container. */
  readonly debian?: string;
  /** The compose project that runs the release locally (see releaseComposeProjectName), pinned in its .env. */
  readonly composeProject: string;
  /** Random bytes for RELEASE_COOKIE and SECRET_KEY_BASE: at least 96 (e.g. crypto.randomBytes(96)). */
  readonly randomBytes: Uint8Array;
}

export interface RenderedReleaseImage {
  readonly files: RenderedFile[];
  readonly notes: string[];
  readonly advice: Advice[];
}


/** The compose project that runs a project's release locally, beside the dev container's. */
export function releaseComposeProjectName(folderName: string): string {
  return `${composeDefaultName(folderName)}_release`;
}

/**
 * Renders the release image's files for a project: a multi-stage Dockerfile at the root (unless
 * the project has one that builds a release), .dockerignore, rel/ (env.sh.eex, bin/server,
 * bin/migrate), the Ecto release module, and a compose file with its .env to run it locally.
 */
export function renderReleaseImage(project: ReleaseProject, options: ReleaseRenderOptions): RenderedReleaseImage {
  if (options.randomBytes.length < RELEASE_RANDOM_BYTES) {
    throw new RangeError(`renderReleaseImage needs at least ${RELEASE_RANDOM_BYTES} random bytes (32 for RELEASE_COOKIE, 64 for SECRET_KEY_BASE).`);
  }
  const { release } = project;
  requireAppName(project.app, 'The app name');
  requireAppName(release.name, 'The release name');
  const notes: string[] = [];
  const folder = normalizeFolder(options.folder, notes, `${DEFAULT_FOLDER}/${RELEASE_FOLDER} was used for the release's compose file.`);
  const base = chooseBaseImage(project.versions, options.debian === undefined ? {} : { debian: options.debian });
  // An adopted Dockerfile keeps its own versions: notes about choosing them would not apply.
  if (release.releaseDockerfile === undefined) {
    for (const note of base.notes) {
      if (!/watchman/.test(note)) notes.push(note.replace(/\bthe dev container\b/g, 'the release image').replace(/\bin the container\b/g, 'in the image'));
    }
  }
  const tag = /^hexpm\/elixir:(.+)-erlang-(.+)-debian-(.+)$/.exec(base.image);
  const versions = { elixir: tag?.[1] ?? '', otp: tag?.[2] ?? '', debian: tag?.[3] ?? '' };
  // Room for `-release` in a 63-character hostname.
  const hostname = `${hostName(release.name, 55)}-release`;
  const dbAdapter = project.database;
  const context: ReleaseContext = {
    project,
    name: release.name,
    folder,
    composeFolder: `${folder}/${RELEASE_FOLDER}`,
    versions,
    debianRelease: base.debianRelease,
    // Next to the dev server's port, so both can run at once.
    hostPort: project.http.port < 65535 ? project.http.port + 1 : RELEASE_PORT + 1,
    hostname,
    node: `${release.name}@${hostname}`,
    releaseModule: release.ecto && (release.existing.releaseModule ? release.existing.releaseModule.module : `${release.ecto.namespace}.Release`),
    db: dbAdapter === 'postgres' || dbAdapter === 'mysql' ? dbAdapter : undefined,
  };

  const files: RenderedFile[] = [];
  const written: string[] = [];
  if (release.releaseDockerfile === undefined) {
    files.push({ path: 'Dockerfile', content: renderDockerfile(context) });
  } else {
    notes.push(...adoptionNotes(context, release.releaseDockerfile));
  }
  files.push({ path: '.dockerignore', content: renderDockerignore(context), merge: 'lines' });

  if (release.existing.envSh) {
    notes.push(`The project already has ${ENV_SH}, so it was kept; make sure it sets RELEASE_DISTRIBUTION and RELEASE_NODE from the environment, or remote shells cannot find the release's node.`);
  } else {
    files.push({ path: ENV_SH, content: renderEnvSh(context) });
    written.push(ENV_SH);
  }
  const loopbackForward: RenderedFile = { path: `rel/overlays/${LOOPBACK_FORWARD_FILE}`, content: renderLoopbackForward() };
  if (!release.existing.server) {
    files.push({ path: SERVER_SCRIPT, content: renderServer(context), mode: 0o755 }, loopbackForward);
    written.push(SERVER_SCRIPT);
  } else if (release.existing.serverForwardsLoopback) {
    files.push(loopbackForward);
  }
  if (release.ecto !== undefined) {
    if (!release.existing.migrate) {
      if (context.releaseModule === undefined) {
        notes.push(`${release.existing.releaseModule?.path ?? 'The release module'} defines no module that could be read, so ${MIGRATE_SCRIPT} was not written; add one that runs "exec ./${context.name} eval YourApp.Release.migrate".`);
      } else {
        files.push({ path: MIGRATE_SCRIPT, content: renderMigrate(context, context.releaseModule), mode: 0o755 });
        written.push(MIGRATE_SCRIPT);
      }
    }
    if (release.existing.releaseModule === undefined) {
      files.push({ path: `${release.ecto.dir === '' ? '' : `${release.ecto.dir}/`}lib/${release.ecto.app}/release.ex`, content: renderReleaseModule(release.ecto.app, `${release.ecto.namespace}.Release`) });
    }
  }

  files.push(
    { path: `${context.composeFolder}/docker-compose.yml`, content: renderCompose(context) },
    { path: `${context.composeFolder}/.env`, content: renderEnv(context, options.composeProject, options.randomBytes), mode: 0o600, merge: 'env' },
    ignoreEnvFile(context.composeFolder),
  );
  if (written.length > 0) files.push(lfLineEndings('Release scripts', written));

  notes.push(...projectNotes(context));
  const advice: Advice[] = release.umbrellaReleaseEdit
    ? [{ ...release.umbrellaReleaseEdit, reason: `mix release builds nothing in an umbrella whose mix.exs defines no release. Define the release ${context.name} with all the umbrella's apps, as the Dockerfile expects.` }]
    : [];

  return { files, notes, advice };
}

function adoptionNotes(c: ReleaseContext, dockerfile: string): string[] {
  const notes = ['The project\'s Dockerfile already builds a release, so it was kept as it is; only the pieces it lacks were added (.dockerignore rules, rel/ files, the compose file to run it locally).'];
  const gaps = releaseDockerfileGaps(dockerfile);
  if (gaps.setsCookie) {
    notes.push('The Dockerfile sets RELEASE_COOKIE, which bakes the Erlang cookie into the image; remove it and give the cookie to the container at run time instead.');
  } else if (gaps.keepsCookie) {
    notes.push(`The Dockerfile keeps the random releases/COOKIE that mix release writes into the image; to ship no cookie, end its "RUN mix release" with: && rm -f "_build/$MIX_ENV/rel/${c.name}/releases/COOKIE"`);
  }
  if (!gaps.copiesRel) {
    notes.push(`The Dockerfile does not copy rel/ before "mix release", so ${ENV_SH} and the overlays (bin/server, bin/migrate) are not in the release; add "COPY rel rel" before it.`);
  }
  return notes;
}

function projectNotes(c: ReleaseContext): string[] {
  const { project } = c;
  const { release } = project;
  const notes: string[] = [];
  for (const folder of release.unbuiltAssets) {
    notes.push(`${folder} has no "assets.deploy" alias in its mix.exs, so the image builds no assets; add the alias (as Phoenix generates it) or the build steps to the Dockerfile.`);
  }
  if (!release.hasMixLock && project.deps.length > 0) {
    notes.push('The project has no mix.lock, so the image resolves its dependencies anew on each build; commit mix.lock for repeatable builds.');
  }
  if (release.ecto !== undefined && project.database === undefined) {
    notes.push(`Run Release Locally starts no database for this Ecto adapter; add one to ${c.composeFolder}/docker-compose.yml and pass its URL to the release.`);
  }
  if (project.database === 'sqlite') {
    notes.push(`Run Release Locally keeps the SQLite database in the container (DATABASE_PATH=/app/${c.name}.db): it is lost when the container is removed.`);
  }
  if (release.existing.releaseModule !== undefined && release.existing.releaseModule.module !== undefined && !release.existing.migrate) {
    notes.push(`The project already has ${release.existing.releaseModule.path}, so it was kept; ${MIGRATE_SCRIPT} calls its ${release.existing.releaseModule.module}.migrate.`);
  }
  const runtime = release.runtimeConfigText;
  if (runtime === undefined) {
    notes.push('The project has no config/runtime.exs, so the release reads nothing from the environment when it boots (PHX_SERVER, PHX_HOST, PORT, SECRET_KEY_BASE, DATABASE_URL); add one as Phoenix generates it.');
    return notes;
  }
  if (release.existing.server && !release.existing.serverForwardsLoopback && bindsEndpointToLoopback(runtime)) {
    notes.push(`config/runtime.exs binds the endpoint to loopback, and the project's own ${SERVER_SCRIPT} was kept, so the page will not answer through the port Run Release Locally publishes. Delete ${SERVER_SCRIPT} and scaffold again (the generated one forwards the port to loopback inside the container only), or bind the prod endpoint to all interfaces: http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}].`);
  }
  const reads = readsEnvironment(runtime);
  const missing = (variable: string): boolean => !reads(variable);
  if (missing('PHX_SERVER')) notes.push('bin/server sets PHX_SERVER=true, but config/runtime.exs does not read it, so the endpoint may not serve: add `if System.get_env("PHX_SERVER") do config :app, YourAppWeb.Endpoint, server: true end` to it.');
  if (project.isPhoenix && missing('SECRET_KEY_BASE')) notes.push('config/runtime.exs does not read SECRET_KEY_BASE, which the compose file passes; read it there for the prod endpoint.');
  if (project.isPhoenix && missing('PHX_HOST')) notes.push('config/runtime.exs does not read PHX_HOST, so the URLs the release generates keep their compiled host.');
  if (c.db !== undefined && missing('DATABASE_URL')) notes.push('config/runtime.exs does not read DATABASE_URL, which the compose file passes; configure the Repo from it in prod.');
  if (project.database === 'sqlite' && missing('DATABASE_PATH')) notes.push('config/runtime.exs does not read DATABASE_PATH, which the compose file passes; configure the Repo\'s database from it in prod.');
  return notes;
}
