import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { builtImageName, type ComposeCli, type ComposeService, type ComposeTarget } from '../core/compose';
import { buildFingerprint, needsBuild, type BuildRecord } from '../core/buildFreshness';
import type { DockerEngine } from './engine';

/** Where the records of past builds are kept (the extension's global state, or a map in tests). */
export interface BuildRecords {
  get(image: string): BuildRecord | undefined;
  set(image: string, record: BuildRecord): void | PromiseLike<void>;
}

export interface BuildCheck {
  readonly service: string;
  readonly image: string;
  readonly fingerprint: string | undefined;
  readonly needed: boolean;
}

/** For each service that compose builds: its image, and whether it must be built (see needsBuild). */
export async function checkBuilds(engine: DockerEngine, cli: ComposeCli, target: ComposeTarget, services: readonly ComposeService[], records: BuildRecords | undefined): Promise<BuildCheck[]> {
  const checks = await Promise.all(services.map(async (service): Promise<BuildCheck | undefined> => {
    if (service.build === undefined) return undefined;
    const image = builtImageName(target.projectName, service, cli);
    // podman-compose prints the context as written: relative to the project directory.
    const dockerfilePath = resolve(target.projectDirectory, service.build.context, service.build.dockerfile);
    const [info, dockerfile, modified] = await Promise.all([
      engine.imageInfo(image),
      readFile(dockerfilePath).catch(() => undefined),
      stat(dockerfilePath).then((stats) => stats.mtime, () => undefined),
    ]);
    const fingerprint = dockerfile === undefined ? undefined : buildFingerprint(dockerfile, service.build.args);
    const needed = needsBuild({ image: info, fingerprint, dockerfileModified: modified, record: records?.get(image) });
    return { service: service.name, image, fingerprint, needed };
  }));
  return checks.filter((check): check is BuildCheck => check !== undefined);
}

/** Remembers what the images were just built from. */
export async function recordBuilds(engine: DockerEngine, builds: readonly BuildCheck[], records: BuildRecords | undefined): Promise<void> {
  if (records === undefined) return;
  for (const build of builds) {
    const info = await engine.imageInfo(build.image);
    if (info !== undefined && build.fingerprint !== undefined) await records.set(build.image, { imageId: info.id, fingerprint: build.fingerprint });
  }
}
