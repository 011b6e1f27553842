import { createHash } from 'node:crypto';

/** What an image was last built from, so an unchanged Dockerfile is not built again. */
export interface BuildRecord {
  readonly imageId: string;
  /** sha256 of the Dockerfile and build arguments the image was built from. */
  readonly fingerprint: string;
}

/** What is known of one service's image before a start. */
export interface ImageFacts {
  /** The image as the engine has it; undefined when it has none. */
  readonly image: { readonly id: string; readonly created: Date } | undefined;
  /** The fingerprint of its Dockerfile and build arguments now; undefined when the Dockerfile cannot be read. */
  readonly fingerprint: string | undefined;
  /** When its Dockerfile was last modified; undefined when it cannot be read. */
  readonly dockerfileModified: Date | undefined;
  /** The record of its last build, if any. */
  readonly record: BuildRecord | undefined;
}

/** The sha256 of a Dockerfile and the build arguments compose passes with it. */
export function buildFingerprint(dockerfile: Uint8Array, args: Readonly<Record<string, string>> | undefined): string {
  return createHash('sha256').update(dockerfile).update(JSON.stringify(args ?? {})).digest('hex');
}

/**
 * Whether an image must be built: it is missing, or its Dockerfile changed since it was built.
 * "Changed" is known from the record of the last build of this very image; without one, a
 * Dockerfile newer than the image counts (a cached rebuild keeps the image's date, so dates alone
 * would build every time).
 */
export function needsBuild({ image, fingerprint, dockerfileModified, record }: ImageFacts): boolean {
  if (image === undefined) return true;
  if (record !== undefined && record.imageId === image.id) return record.fingerprint !== fingerprint;
  return dockerfileModified !== undefined && dockerfileModified > image.created;
}
