import { ProjectRefusal } from '../projectRefusal';
import { fileOf, installMissingTools, run } from '../generated/dockerfile';
import { imageName, shellWord } from '../scaffold/names';
import type { ReleaseContext } from './context';
import { releaseDockerfileHeader } from './project';

/** Debian renamed the ncurses runtime with bookworm; buster and bullseye have libncurses5. */
function ncursesPackage(debianRelease: string | undefined): string {
  return debianRelease === 'buster' || debianRelease === 'bullseye' || debianRelease === 'stretch' ? 'libncurses5' : 'libncurses6';
}

/** The builder's tools, as command:package: installed only when the command is missing. */
const BUILD_TOOLS = ['gcc:build-essential', 'make:build-essential', 'git:git'];

/** Paths a COPY can name as they are; `${MIX_ENV}` is the Dockerfile's own variable. */
const PLAIN_PATH = /^(?:[\w./-]|\$\{MIX_ENV\})+$/;

/**
 * A COPY of project paths; the JSON form when a path has spaces or quotes. Throws for a path that
 * COPY would not take literally: it expands `$` and wildcards even in the JSON form.
 */
function copyInstruction(sources: readonly string[], destination: string): string {
  const paths = [...sources, destination];
  const unsafe = paths.find((path) => /[\u0000-\u001f\u007f$*?[\]\\]/.test(path.replace(/\$\{MIX_ENV\}/g, '')));
  if (unsafe !== undefined) {
    throw new ProjectRefusal(`The project path ${JSON.stringify(unsafe)} has characters that a Dockerfile's COPY does not take literally ($, *, ?, [, ], \\ or control characters), so the scaffold stopped: rename it.`);
  }
  if (paths.every((path) => PLAIN_PATH.test(path))) return `COPY ${paths.join(' ')}`;
  return `COPY [${paths.map((path) => JSON.stringify(path)).join(', ')}]`;
}

/** One COPY per folder, so that `config/providers/x.exs` lands in config/providers/, not config/. */
function copyIntoTheirFolders(paths: readonly string[]): string[] {
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    const folder = path.slice(0, path.lastIndexOf('/') + 1);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path]);
  }
  return [...byFolder].map(([folder, sources]) => copyInstruction(sources, folder));
}

/** The multi-stage Dockerfile: a builder that runs mix release, and a slim runner with the release alone. */
export function renderDockerfile(c: ReleaseContext): string {
  const { release } = c.project;
  const umbrella = c.project.umbrella;
  const mixFiles = release.hasMixLock ? 'mix.exs mix.lock' : 'mix.exs';
  const appMixfiles = umbrella ? umbrella.apps.map((app) => copyInstruction([`${umbrella.appsPath}/${app}/mix.exs`], `${umbrella.appsPath}/${app}/`)) : [];
  const config = release.compileConfig.map((path) => (path === 'config/prod.exs' ? 'config/${MIX_ENV}.exs' : path));
  const sources: string[] = [];
  if (umbrella) {
    sources.push(copyInstruction([umbrella.appsPath], umbrella.appsPath));
  }
  if (release.hasPriv) sources.push('COPY priv priv');
  if (release.hasLib) sources.push('COPY lib lib');
  // After mix compile, as phx.gen.release does: the assets build reads what compiling writes
  // (such as the colocated hooks of phoenix-colocated).
  const assets: string[] = [];
  for (const app of release.assets) {
    const prefix = app.dir === '' ? '' : `${app.dir}/`;
    if (app.hasFolder && umbrella === undefined) assets.push(copyInstruction([`${prefix}assets`], `${prefix}assets`), '');
    assets.push(`# Build, minify and digest the assets${app.dir === '' ? '' : ` of ${app.dir}`}.`, app.dir === '' ? 'RUN mix assets.deploy' : `RUN cd ${shellWord(app.dir)} && mix assets.deploy`, '');
  }

  const lines = [
    releaseDockerfileHeader(c.project.app),
    '# alone into a slim Debian image, as "mix phx.gen.release --docker" does. From the project root:',
    `#   docker build -t ${imageName(c.name, 'release')} .`,
    '#',
    '# The versions match the dev container\'s; keep them in step with .tool-versions when you change them.',
    '#   - https://hub.docker.com/r/hexpm/elixir/tags - the builder image',
    '#   - https://hub.docker.com/_/debian/tags - the runner image',
    `ARG ELIXIR_VERSION=${c.versions.elixir}`,
    `ARG OTP_VERSION=${c.versions.otp}`,
    `ARG DEBIAN_VERSION=${c.versions.debian}`,
    '',
    'ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"',
    'ARG RUNNER_IMAGE="debian:${DEBIAN_VERSION}"',
    '',
    'FROM ${BUILDER_IMAGE} AS builder',
    '',
    '# Compilers for dependencies with native code and git for git dependencies, as command:package.',
    '# A package is installed only when its command is missing, and a failed install (building',
    '# without network access) only warns: a project without such dependencies needs none of them.',
    installMissingTools(BUILD_TOOLS, {
      announce: false,
      install: 'apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing',
      cleanup: 'apt-get clean; rm -f /var/lib/apt/lists/*_*',
    }),
    '',
    'WORKDIR /app',
    '',
    '# Hex and rebar3, only when absent. Without network access a failed install only warns: a',
    '# project whose dependencies are all path dependencies needs neither, and mix deps.get says',
    '# so when a dependency does.',
    run([
      'set -eu;',
      '    if ! mix hex.info >/dev/null 2>&1; then',
      '      mix local.hex --force || echo "warning: could not install Hex; continuing without it." >&2;',
      '    fi;',
      '    if [ -z "$(find "${MIX_HOME:-$HOME/.mix}" -name rebar3 -type f 2>/dev/null)" ]; then',
      '      mix local.rebar --force || echo "warning: could not install rebar3; continuing without it." >&2;',
      '    fi',
    ]),
    '',
    'ENV MIX_ENV="prod"',
    '',
    '# Dependencies first: these layers are rebuilt only when the mix files change.',
    `COPY ${mixFiles} ./`,
    ...appMixfiles,
    ...(release.pathDeps.length > 0 ? ['# Path dependencies, which mix deps.get needs in place.', ...release.pathDeps.map((path) => copyInstruction([path], path))] : []),
    'RUN mix deps.get --only $MIX_ENV',
    'RUN mkdir config',
    '',
    ...(config.length > 0
      ? [
          '# Compile-time configuration before the dependencies are compiled, so that a change in it',
          '# recompiles them.',
          ...copyIntoTheirFolders(config),
        ]
      : []),
    'RUN mix deps.compile',
    '',
    ...sources.flatMap((line) => [line, '']),
    'RUN mix compile',
    '',
    ...assets,
    ...(release.hasRuntimeConfig ? ['# config/runtime.exs is read when the release boots: changing it recompiles nothing.', 'COPY config/runtime.exs config/', ''] : []),
    '# rel/ holds env.sh.eex and the overlays that become bin/server and bin/migrate.',
    'COPY rel rel',
    '',
    '# mix release writes a random Erlang cookie to releases/COOKIE. It is deleted so that no cookie',
    '# ships in the image: each container gets its cookie from RELEASE_COOKIE at run time.',
    `RUN mix release && rm -f "_build/$MIX_ENV/rel/${c.name}/releases/COOKIE"`,
    '',
    '# The final image holds the release and what it needs to run, nothing else.',
    'FROM ${RUNNER_IMAGE}',
    '',
    '# What the release needs at run time. Only the packages the image lacks are installed, so an',
    '# image that has them all builds without network access.',
    run([
      'set -eu;',
      '    missing="";',
      `    for package in libstdc++6 openssl ${ncursesPackage(c.debianRelease)} locales ca-certificates; do`,
      `      dpkg-query -W -f='\${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii' || missing="$missing $package";`,
      '    done;',
      '    if [ -n "$missing" ]; then',
      '      if ! { apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing; }; then',
      '        echo "error: the release needs$missing, which could not be installed (no network access?)." >&2;',
      '        exit 1;',
      '      fi;',
      '      apt-get clean; rm -f /var/lib/apt/lists/*_*;',
      '    fi',
    ]),
    '',
    '# Set the locale, unless the image already has it',
    run([
      String.raw`if ! locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8'; then`,
      "      sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen;",
      '    fi',
    ]),
    '',
    'ENV LANG=en_US.UTF-8',
    'ENV LANGUAGE=en_US:en',
    'ENV LC_ALL=en_US.UTF-8',
    '',
    'WORKDIR "/app"',
    'RUN chown nobody /app',
    '',
    'ENV MIX_ENV="prod"',
    '',
    '# Only the release, owned by the unprivileged user that runs it.',
    `COPY --from=builder --chown=nobody:root /app/_build/\${MIX_ENV}/rel/${c.name} ./`,
    '',
    'USER nobody',
    '',
    '# Without an init process as PID 1 (docker run --init, or init: true in compose), add one such',
    '# as tini to reap zombie processes.',
    'CMD ["/app/bin/server"]',
  ];
  return fileOf(lines);
}

