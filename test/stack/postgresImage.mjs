#!/usr/bin/env node
// An offline PostgreSQL image for the real-stack tests, tagged with the name generated compose
// files use for their `db` service. No registry is reachable on the test machines, so it is
// Debian bookworm's PostgreSQL 15 (debootstrap + apt, like the Elixir base image) with an
// entrypoint that keeps the official image's contract (see postgres-entrypoint.sh).
//
//   node test/stack/postgresImage.mjs    # builds it if absent (needs root)

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ensureDebianImage, tagImage } from './baseImage.mjs';

/** The image the bench builds. */
export const POSTGRES_BENCH_IMAGE = 'phoenix-dev-containers-bench/postgres:15-bookworm';
/** The name the scaffold's compose files give the `db` service's image; the bench image is tagged with it. */
export const POSTGRES_IMAGE = 'postgres:16-alpine';

const MAJOR = 15;
const BIN = `/usr/lib/postgresql/${MAJOR}/bin`;
const ENTRYPOINT = '/usr/local/bin/docker-entrypoint.sh';
const entrypoint = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'postgres-entrypoint.sh'), 'utf8');

// Run in the chroot after apt. Debian's package makes a cluster for its system service: the
// entrypoint makes its own in PGDATA instead. As in the official image, new clusters listen on
// every interface, and the socket directory is writable by any user the container runs as.
const SETUP = `
rm -rf /etc/postgresql/${MAJOR} /var/lib/postgresql/${MAJOR}
sed -ri 's/^#?\\s*(create_main_cluster)\\s*=.*/\\1 = false/' /etc/postgresql-common/createcluster.conf
sample=/usr/share/postgresql/${MAJOR}/postgresql.conf.sample
sed -ri "s/^#?(listen_addresses)\\s*=\\s*\\S+.*/\\1 = '*'/" "$sample"
grep -q "^listen_addresses = '\\*'" "$sample"
mkdir -p /var/run/postgresql /var/lib/postgresql/data
chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql
chmod 3777 /var/run/postgresql
chmod 700 /var/lib/postgresql/data
`;

/**
 * Builds the offline PostgreSQL image when absent or out of date and tags it as POSTGRES_IMAGE
 * (a real image of that name, not made by this bench, is left alone). Needs root and
 * debootstrap for a build; ~0 s when the image exists.
 *
 * @param {{ log?: (msg: string) => void }} [options]
 * @returns {Promise<{ image: string, built: boolean, seconds: number }>}
 * @throws when the image is absent and cannot be built (message says why)
 */
export async function ensurePostgresImage({ log } = {}) {
  const result = await ensureDebianImage({
    name: POSTGRES_BENCH_IMAGE,
    packages: [`postgresql-${MAJOR}`, `postgresql-client-${MAJOR}`, 'gosu'],
    files: { [ENTRYPOINT]: { content: entrypoint, mode: 0o755 } },
    setup: SETUP,
    config: [
      `ENV PATH=${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      'ENV PGDATA=/var/lib/postgresql/data',
      'VOLUME /var/lib/postgresql/data',
      'EXPOSE 5432',
      `ENTRYPOINT ["${ENTRYPOINT}"]`,
      'CMD ["postgres"]',
    ],
    // Fast shutdown, as in the official image: clients are disconnected instead of waited for.
    instructions: ['STOPSIGNAL SIGINT'],
    log,
  });
  await tagImage(POSTGRES_BENCH_IMAGE, [POSTGRES_IMAGE]);
  return result;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const log = (m) => console.log(`[postgres image] ${m}`);
  const res = await ensurePostgresImage({ log });
  log(`${res.image}: ${res.built ? `built in ${res.seconds} s` : 'present'}`);
}
