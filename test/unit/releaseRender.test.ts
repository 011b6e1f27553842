import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { RELEASE_FOLDER, readReleaseProject, releaseComposeProjectName, renderReleaseImage, type ReleaseInput, type ReleaseRenderOptions, type RenderedReleaseImage } from '../../src/core/release';
import { LABELS, parseEnvFile, readProject } from '../../src/core/scaffold';
import { chooseBaseImage, parseReleaseDockerfile } from '../../src/core/scaffold/versions';
import { loadProject } from './fixtures/loadProject';
import { planWrites } from './fixtures/planWrites';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'release');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** 32 bytes of 0xc0 for the cookie, then 64 of 0x5e for SECRET_KEY_BASE: easy to look for. */
const bytes = Uint8Array.from({ length: 96 }, (_, i) => (i < 32 ? 0xc0 : 0x5e));
const COOKIE = 'c0'.repeat(32);
const SECRET = Buffer.from(new Uint8Array(64).fill(0x5e)).toString('base64url');
const options: ReleaseRenderOptions = { composeProject: 'blog_release', randomBytes: bytes };

/** A fixture project as the release command reads it: a generated Phoenix app's prod files, and which folders exist. */
function input(name: string, folders: readonly string[], extra: Record<string, string | undefined> = {}): ReleaseInput {
  const project = loadProject(name);
  const merged: Record<string, string | undefined> = { 'mix.lock': '%{}\n', 'config/prod.exs': fixture('prod.exs'), 'config/runtime.exs': fixture('runtime.exs'), ...project.files, ...extra };
  // An undefined entry in `extra` removes the file.
  const files = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { ...project, files, folders };
}

function render(name: string, folders: readonly string[] = ['assets', 'priv', 'lib'], extra: Record<string, string | undefined> = {}, overrides: Partial<ReleaseRenderOptions> = {}): RenderedReleaseImage {
  return renderReleaseImage(readReleaseProject(input(name, folders, extra)).project, { ...options, ...overrides });
}

function file(rendered: RenderedReleaseImage, path: string): string {
  const found = rendered.files.find((candidate) => candidate.path === path);
  assert.ok(found, `${path} was not rendered`);
  return found.content;
}

/** The Dockerfile's instructions, without comments and blank lines, continuation lines joined. */
function instructions(dockerfile: string): string[] {
  return dockerfile.replace(/\s*\\\n\s*/g, ' ').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

function indexOf(lines: readonly string[], pattern: RegExp): number {
  const index = lines.findIndex((line) => pattern.test(line));
  assert.notEqual(index, -1, `no instruction matches ${String(pattern)}`);
  return index;
}

interface Compose {
  name?: string;
  services: Record<string, Record<string, unknown> & { environment: Record<string, string>; labels: Record<string, string> }>;
  volumes?: Record<string, unknown>;
}

function compose(rendered: RenderedReleaseImage): Compose {
  return parse(file(rendered, composeFileOf(rendered))) as Compose;
}

function composeFileOf(rendered: RenderedReleaseImage): string {
  const found = rendered.files.find((candidate) => candidate.path.endsWith(`${RELEASE_FOLDER}/docker-compose.yml`));
  assert.ok(found, 'no compose file was rendered');
  return found.path;
}

/** How "Run Release Locally" runs what was rendered, read back from the compose file and its .env. */
function runsAs(rendered: RenderedReleaseImage): { file: string; service: string; project: string; url: string; node: string } {
  const composeFile = composeFileOf(rendered);
  const [service, definition] = Object.entries(compose(rendered).services).find(([, candidate]) => candidate.labels[LABELS.role] === 'release') ?? assert.fail('no release service');
  const hostPort = /^127\.0\.0\.1:(\d+):\d+$/.exec(String((definition['ports'] as unknown[])[0]))?.[1];
  return {
    file: composeFile,
    service,
    project: parseEnvFile(file(rendered, `${path.posix.dirname(composeFile)}/.env`))['COMPOSE_PROJECT_NAME'] ?? '',
    url: `http://localhost:${hostPort ?? '?'}`,
    node: definition.labels[LABELS.nodeName] ?? '',
  };
}

describe('renderReleaseImage', () => {
  it('renders the release files, with executable scripts and merged shared files', () => {
    const rendered = render('phoenix_postgres');
    assert.deepEqual(rendered.files.map((f) => [f.path, f.mode, f.merge]), [
      ['Dockerfile', undefined, undefined],
      ['.dockerignore', undefined, 'lines'],
      ['rel/env.sh.eex', undefined, undefined],
      ['rel/overlays/bin/server', 0o755, undefined],
      ['rel/overlays/bin/loopback_forward.script', undefined, undefined],
      ['rel/overlays/bin/migrate', 0o755, undefined],
      ['lib/blog/release.ex', undefined, undefined],
      ['.devcontainer/release/docker-compose.yml', undefined, undefined],
      ['.devcontainer/release/.env', 0o600, 'env'],
      ['.gitignore', undefined, 'gitignore'],
      ['.gitattributes', undefined, 'lines'],
    ]);
    assert.deepEqual(rendered.notes, []);
    assert.deepEqual(rendered.advice, []);
    assert.deepEqual(runsAs(rendered), { file: '.devcontainer/release/docker-compose.yml', service: 'release', project: 'blog_release', url: 'http://localhost:4001', node: 'blog@blog-release' });
    assert.equal(file(rendered, '.gitattributes'), '# Release scripts run in Linux: LF line endings in every checkout\n/rel/env.sh.eex text eol=lf\n/rel/overlays/bin/server text eol=lf\n/rel/overlays/bin/migrate text eol=lf\n');
  });

  it('orders the layers for caching: deps, compile-time config, deps.compile, code, compile, assets, runtime config, rel, release', () => {
    const lines = instructions(file(render('phoenix_postgres'), 'Dockerfile'));
    const order = [
      /^FROM \$\{BUILDER_IMAGE\} AS builder$/,
      /^RUN set -eu; missing=""; for tool in gcc:build-essential make:build-essential git:git; do /,
      /^RUN set -eu; if ! mix hex\.info >\/dev\/null 2>&1; then mix local\.hex --force \|\| /,
      /^ENV MIX_ENV="prod"$/,
      /^COPY mix\.exs mix\.lock \.\/$/,
      /^RUN mix deps\.get --only \$MIX_ENV$/,
      /^COPY config\/config\.exs config\/\$\{MIX_ENV\}\.exs config\/$/,
      /^RUN mix deps\.compile$/,
      /^COPY priv priv$/,
      /^COPY lib lib$/,
      // Compiled first, as phx.gen.release does: the assets build reads what compiling writes (phoenix-colocated's hooks).
      /^RUN mix compile$/,
      /^COPY assets assets$/,
      /^RUN mix assets\.deploy$/,
      /^COPY config\/runtime\.exs config\/$/,
      /^COPY rel rel$/,
      /^RUN mix release && rm -f "_build\/\$MIX_ENV\/rel\/blog\/releases\/COOKIE"$/,
      /^FROM \$\{RUNNER_IMAGE\}$/,
      /^RUN set -eu; missing=""; for package in libstdc\+\+6 openssl libncurses6 locales ca-certificates; do /,
      /^RUN if ! locale -a 2>\/dev\/null \| grep -qix 'en_US\\\.utf-\\\?8'; then sed -i '\/en_US\.UTF-8\/s\/\^# \/\/g' \/etc\/locale\.gen && locale-gen; fi$/,
      /^ENV LANG=en_US\.UTF-8$/,
      /^WORKDIR "\/app"$/,
      /^RUN chown nobody \/app$/,
      /^ENV MIX_ENV="prod"$/,
      /^COPY --from=builder --chown=nobody:root \/app\/_build\/\$\{MIX_ENV\}\/rel\/blog \.\/$/,
      /^USER nobody$/,
      /^CMD \["\/app\/bin\/server"\]$/,
    ];
    let previous = -1;
    for (const pattern of order) {
      const index = lines.findIndex((line, i) => i > previous && pattern.test(line));
      assert.ok(index > previous, `${String(pattern)} is missing or out of order`);
      previous = index;
    }
    assert.equal(lines.filter((line) => line.startsWith('FROM ')).length, 2);
  });

  it('builds from the versions the project pins, in ARGs that phx.gen.release and the dev container read back', () => {
    const dockerfile = file(render('phoenix_postgres'), 'Dockerfile');
    assert.deepEqual(dockerfile.split('\n').filter((line) => line.startsWith('ARG ')), [
      'ARG ELIXIR_VERSION=1.17.3',
      'ARG OTP_VERSION=27.1.2',
      'ARG DEBIAN_VERSION=bookworm-20250113-slim',
      'ARG BUILDER_IMAGE="hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}"',
      'ARG RUNNER_IMAGE="debian:${DEBIAN_VERSION}"',
    ]);
    assert.deepEqual(parseReleaseDockerfile(dockerfile), { elixir: '1.17.3', otp: '27.1.2', debian: 'bookworm-20250113-slim' });

    // A dev container scaffolded afterwards, from these ARGs alone, uses the same builder image.
    const withDockerfile = loadProject('no_ecto');
    const devImage = (files: Record<string, string>): string => chooseBaseImage(readProject({ ...withDockerfile, files }).project.versions, {}).image;
    const sqliteDockerfile = file(render('sqlite'), 'Dockerfile');
    assert.match(sqliteDockerfile, /^ARG ELIXIR_VERSION=1\.16\.3$/m);
    assert.match(sqliteDockerfile, /^ARG OTP_VERSION=26\.2\.5\.6$/m);
    assert.equal(devImage({ ...withDockerfile.files, Dockerfile: sqliteDockerfile }), 'hexpm/elixir:1.16.3-erlang-26.2.5.6-debian-bookworm-20250113-slim');
  });

  it('installs the ncurses runtime of the chosen Debian release', () => {
    assert.match(file(render('phoenix_postgres', undefined, {}, { debian: 'bullseye-20250113-slim' }), 'Dockerfile'), /^ {4}for package in libstdc\+\+6 openssl libncurses5 locales ca-certificates; do/m);
    const trixie = render('phoenix_postgres', undefined, {}, { debian: 'trixie-20250908-slim' });
    assert.match(file(trixie, 'Dockerfile'), /libncurses6/);
    assert.match(file(trixie, 'Dockerfile'), /^ARG DEBIAN_VERSION=trixie-20250908-slim$/m);
    assert.doesNotMatch(trixie.notes.join('\n'), /watchman/);
  });

  it('says which versions it assumed when the project pins none, in the release image\'s words', () => {
    const rendered = render('no_ecto');
    assert.match(rendered.notes.join('\n'), /Assumed Elixir 1\.18\.2 on Erlang\/OTP 27\.2 for the release image/);
    assert.doesNotMatch(rendered.notes.join('\n'), /dev container/);
  });

  it('builds assets only for a project that has them', () => {
    const api = render('api_only', ['priv', 'lib']);
    const apiLines = instructions(file(api, 'Dockerfile'));
    assert.equal(apiLines.some((line) => /assets/.test(line)), false);
    assert.doesNotMatch(file(api, '.dockerignore'), /priv\/static/);
    assert.ok(indexOf(apiLines, /^COPY lib lib$/) < indexOf(apiLines, /^RUN mix compile$/));

    // The alias without a folder (phx.digest of priv/static only): the alias runs, nothing to copy.
    const aliasOnly = instructions(file(render('no_ecto', ['priv', 'lib']), 'Dockerfile'));
    assert.equal(aliasOnly.includes('COPY assets assets'), false);
    assert.ok(aliasOnly.includes('RUN mix assets.deploy'));

    // A folder without the alias: nothing the image knows how to build, and a note.
    const folderOnly = render('api_only', ['assets', 'priv', 'lib']);
    assert.doesNotMatch(file(folderOnly, 'Dockerfile'), /assets/);
    assert.match(folderOnly.notes.join('\n'), /assets has no "assets\.deploy" alias/);

    const withAssets = render('no_ecto');
    assert.match(file(withAssets, '.dockerignore'), /^\/priv\/static\/assets\/$/m);
    assert.match(file(withAssets, '.dockerignore'), /^\/priv\/static\/cache_manifest\.json$/m);
  });

  it('copies only the project files that exist, and the config files config.exs imports by name', () => {
    const lines = instructions(file(render('api_only', ['lib'], { 'mix.lock': undefined }), 'Dockerfile'));
    assert.ok(lines.includes('COPY mix.exs ./'));
    assert.ok(lines.includes('COPY config/config.exs config/${MIX_ENV}.exs config/appsignal.exs config/'));
    assert.equal(lines.includes('COPY priv priv'), false);

    const bare = render('no_ecto', ['lib'], { 'config/prod.exs': undefined, 'config/runtime.exs': undefined });
    const bareLines = instructions(file(bare, 'Dockerfile'));
    assert.ok(bareLines.includes('COPY config/config.exs config/'));
    assert.equal(bareLines.some((line) => line.includes('runtime.exs')), false);
    assert.match(bare.notes.join('\n'), /no config\/runtime\.exs/);
  });

  it('copies each imported config file into its own folder: a nested one keeps its path', () => {
    const configText = (loadProject('api_only').files['config/config.exs'] ?? '').replace('import_config "appsignal.exs"', 'import_config "appsignal.exs"\nimport_config "providers/aws.exs"\nimport_config "providers/deep/gcp.exs"');
    const rendered = render('api_only', ['lib'], {
      'config/config.exs': configText,
      'config/providers/aws.exs': 'import Config\n',
      'config/providers/deep/gcp.exs': 'import Config\n',
    });
    const lines = instructions(file(rendered, 'Dockerfile'));
    const copies = lines.filter((line) => /^COPY \S*config\//.test(line) && !line.includes('runtime.exs'));
    assert.deepEqual(copies, [
      'COPY config/config.exs config/${MIX_ENV}.exs config/appsignal.exs config/',
      'COPY config/providers/aws.exs config/providers/',
      'COPY config/providers/deep/gcp.exs config/providers/deep/',
    ]);
    assert.ok(indexOf(lines, /^COPY config\/providers\/deep\/gcp\.exs /) < indexOf(lines, /^RUN mix deps\.compile$/));

    // A folder with a space: the JSON form, still into its own folder.
    const spaced = render('api_only', ['lib'], {
      'config/config.exs': configText.replace('providers/aws.exs', 'my providers/aws.exs'),
      'config/my providers/aws.exs': 'import Config\n',
    });
    assert.ok(instructions(file(spaced, 'Dockerfile')).includes('COPY ["config/my providers/aws.exs", "config/my providers/"]'));
  });

  it('writes the migration pieces only for a project that uses Ecto', () => {
    const plain = render('no_ecto');
    assert.deepEqual(plain.files.map((f) => f.path).filter((p) => /migrate|release\.ex/.test(p)), []);
    const service = compose(plain).services['release'];
    assert.ok(service);
    assert.equal(service['command'], undefined);
    assert.equal(service.environment['DATABASE_URL'], undefined);
    assert.deepEqual(Object.keys(compose(plain).services), ['release']);
    assert.doesNotMatch(file(plain, '.gitattributes'), /migrate/);

    const blog = render('phoenix_postgres');
    assert.equal(file(blog, 'rel/overlays/bin/migrate'), '#!/bin/sh\nset -eu\n\ncd -P -- "$(dirname -- "$0")"\nexec ./blog eval Blog.Release.migrate\n');
    const module = file(blog, 'lib/blog/release.ex');
    assert.match(module, /^defmodule Blog\.Release do$/m);
    assert.match(module, /^ {2}@app :blog$/m);
    assert.match(module, /Application\.fetch_env!\(@app, :ecto_repos\)/);
    assert.match(module, /def migrate do\n\s+load_app\(\)/);
    assert.match(module, /def rollback\(repo, version\) do/);
    assert.match(module, /Ecto\.Migrator\.run\(&1, :down, to: version\)/);
  });

  it('keeps the release module the project has, and calls it from bin/migrate', () => {
    const rendered = render('phoenix_postgres', undefined, { 'lib/blog/release.ex': 'defmodule Blog.Tasks.Release do\n  def migrate, do: :ok\nend\n' });
    assert.equal(rendered.files.some((f) => f.path === 'lib/blog/release.ex'), false);
    assert.match(file(rendered, 'rel/overlays/bin/migrate'), /^exec \.\/blog eval Blog\.Tasks\.Release\.migrate$/m);
    assert.match(rendered.notes.join('\n'), /already has lib\/blog\/release\.ex, so it was kept; rel\/overlays\/bin\/migrate calls its Blog\.Tasks\.Release\.migrate/);
  });

  it('leaves the rel/ files the project already has alone', () => {
    const rendered = render('phoenix_postgres', undefined, {
      'rel/env.sh.eex': '#!/bin/sh\n',
      'rel/overlays/bin/server': '#!/bin/sh\nexec ./blog start\n',
      'rel/overlays/bin/migrate': '#!/bin/sh\n',
    });
    assert.equal(rendered.files.some((f) => f.path.startsWith('rel/')), false);
    assert.equal(rendered.files.some((f) => f.path === '.gitattributes'), false);
    assert.match(rendered.notes.join('\n'), /already has rel\/env\.sh\.eex, so it was kept/);
    // bin/migrate exists, so the compose file still migrates before it starts the server.
    assert.deepEqual(compose(rendered).services['release']?.['command'], ['sh', '-c', '/app/bin/migrate && exec /app/bin/server']);
  });

  it('adopts a Dockerfile that already builds a release: no replacement, only the missing pieces, and says so', () => {
    const rendered = render('release_dockerfile');
    const paths = rendered.files.map((f) => f.path);
    assert.equal(paths.includes('Dockerfile'), false);
    assert.deepEqual(paths, [
      '.dockerignore', 'rel/env.sh.eex', 'rel/overlays/bin/server', 'rel/overlays/bin/loopback_forward.script', 'rel/overlays/bin/migrate', 'lib/shipyard/release.ex',
      '.devcontainer/release/docker-compose.yml', '.devcontainer/release/.env', '.gitignore', '.gitattributes',
    ]);
    const notes = rendered.notes.join('\n');
    assert.match(notes, /Dockerfile already builds a release, so it was kept as it is; only the pieces it lacks were added/);
    assert.match(notes, /keeps the random releases\/COOKIE that mix release writes into the image/);
    assert.doesNotMatch(notes, /Assumed Elixir/);
    assert.match(file(rendered, 'rel/overlays/bin/server'), /exec \.\/shipyard start$/m);

    // A Dockerfile that builds no release (a dev image at the root) is not adopted: planWrites makes it the user's choice.
    const devImage = 'FROM hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241016-slim\nRUN mix local.hex --force\nCMD ["mix", "phx.server"]\n';
    const other = render('release_dockerfile', undefined, { Dockerfile: devImage });
    const plan = planWrites(other.files, { Dockerfile: devImage });
    assert.equal(plan.find((p) => p.path === 'Dockerfile')?.action, 'conflict');
  });

  it('renders its own Dockerfile again on a second scaffold, rather than adopting it as the project\'s', () => {
    const first = render('no_ecto');
    const own = file(first, 'Dockerfile');
    const existing = Object.fromEntries(first.files.map((f) => [f.path, f.content]));
    const again = render('no_ecto', undefined, existing);
    assert.equal(file(again, 'Dockerfile'), own);
    assert.doesNotMatch(again.notes.join('\n'), /already builds a release/);
    assert.equal(planWrites(again.files, { Dockerfile: own }).find((p) => p.path === 'Dockerfile')?.action, 'unchanged');

    // The project gained a path dependency: the new Dockerfile is offered, the user's choice (planWrites' conflict).
    const mixfile = (loadProject('no_ecto').files['mix.exs'] ?? '').replace('defp deps do\n    [\n', 'defp deps do\n    [\n      {:icons, path: "vendor/icons"},\n');
    const grown = render('no_ecto', undefined, { ...existing, 'mix.exs': mixfile });
    assert.match(file(grown, 'Dockerfile'), /^COPY vendor\/icons vendor\/icons$/m);
    const plan = planWrites(grown.files, { Dockerfile: own }).find((p) => p.path === 'Dockerfile');
    assert.ok(plan?.action === 'conflict');
    assert.equal(plan.oldContent, own);

    // Edited by the user, with its first line kept: still the scaffold's own, so never adopted.
    const edited = own.replace('ENV LANG=en_US.UTF-8', 'ENV LANG=en_GB.UTF-8');
    const reread = render('no_ecto', undefined, { ...existing, Dockerfile: edited });
    assert.equal(planWrites(reread.files, { Dockerfile: edited }).find((p) => p.path === 'Dockerfile')?.action, 'conflict');
    // A phx.gen.release Dockerfile is the project's: adopted as before.
    assert.equal(render('release_dockerfile').files.some((f) => f.path === 'Dockerfile'), false);
  });

  it('warns about an adopted Dockerfile that bakes a cookie or leaves out rel/', () => {
    const baked = 'FROM elixir AS builder\nENV RELEASE_COOKIE=fixed\nRUN mix release\nFROM debian\nCMD ["/app/bin/server"]\n';
    const notes = render('release_dockerfile', undefined, { Dockerfile: baked }).notes.join('\n');
    assert.match(notes, /sets RELEASE_COOKIE, which bakes the Erlang cookie into the image/);
    assert.match(notes, /does not copy rel\/ before "mix release"/);
  });

  it('puts no cookie or secret in any file meant for version control: only in the git-ignored .env', () => {
    for (const fixtureName of ['phoenix_postgres', 'mysql', 'sqlite', 'no_ecto', 'umbrella', 'release_dockerfile', 'api_only']) {
      const rendered = render(fixtureName);
      const env = rendered.files.find((f) => f.path.endsWith('/.env'));
      assert.ok(env);
      assert.equal(env.mode, 0o600);
      assert.match(env.content, new RegExp(`^RELEASE_COOKIE=${COOKIE}$`, 'm'));
      assert.match(env.content, new RegExp(`^SECRET_KEY_BASE=${SECRET}$`, 'm'));
      for (const committed of rendered.files.filter((f) => f !== env)) {
        assert.equal(committed.content.includes(COOKIE), false, `${fixtureName}: ${committed.path} holds the cookie`);
        assert.equal(committed.content.includes(SECRET), false, `${fixtureName}: ${committed.path} holds the secret`);
        assert.doesNotMatch(committed.content, /^\s*(?:ENV|ARG)\s+RELEASE_COOKIE/m, `${committed.path} bakes a cookie`);
        assert.doesNotMatch(committed.content, /RELEASE_COOKIE=(?!"?\$|<)/, `${fixtureName}: ${committed.path} sets a cookie`);
      }
      // The .env is ignored by git: the rule planWrites adds to an existing .gitignore.
      const gitignore = planWrites(rendered.files, { '.gitignore': '/_build/\n/.devcontainer/.env\n' }).find((p) => p.path === '.gitignore');
      assert.ok(gitignore?.action === 'update');
      assert.match(gitignore.content, /^\/\.devcontainer\/release\/\.env$/m);
    }
  });

  it('derives the cookie and SECRET_KEY_BASE from separate random bytes, long enough for Phoenix', () => {
    const secrets = (random: Uint8Array): Record<string, string> => parseEnvFile(file(render('no_ecto', [], {}, { randomBytes: random }), '.devcontainer/release/.env'));
    const rendered = secrets(bytes);
    assert.ok((rendered['SECRET_KEY_BASE'] ?? '').length >= 64, 'Phoenix refuses a SECRET_KEY_BASE shorter than 64 characters');
    assert.ok((rendered['RELEASE_COOKIE'] ?? '').length >= 32);
    // A byte of the cookie's changes the cookie only, a byte of the secret's the secret only.
    const flipped = (index: number): Uint8Array => bytes.map((byte, i) => (i === index ? byte ^ 0xff : byte));
    const cookieChanged = secrets(flipped(0));
    assert.notEqual(cookieChanged['RELEASE_COOKIE'], rendered['RELEASE_COOKIE']);
    assert.equal(cookieChanged['SECRET_KEY_BASE'], rendered['SECRET_KEY_BASE']);
    const secretChanged = secrets(flipped(95));
    assert.equal(secretChanged['RELEASE_COOKIE'], rendered['RELEASE_COOKIE']);
    assert.notEqual(secretChanged['SECRET_KEY_BASE'], rendered['SECRET_KEY_BASE']);
    assert.throws(() => renderReleaseImage(readReleaseProject(input('no_ecto', [])).project, { ...options, randomBytes: new Uint8Array(32) }), /at least 96 random bytes/);
  });

  it('keeps the cookie and secret already in .env, and merges .dockerignore line by line', () => {
    const rendered = render('phoenix_postgres');
    const existingEnv = 'COMPOSE_PROJECT_NAME=blog_release\nRELEASE_COOKIE=kept\n';
    const phxIgnore = '.dockerignore\n/cover/\n/doc/\n/test/\n/tmp/\n\n# Mix artifacts\n/_build/\n/deps/\n*.ez\n';
    const plan = planWrites(rendered.files, { '.devcontainer/release/.env': existingEnv, '.dockerignore': phxIgnore });
    const env = plan.find((p) => p.path === '.devcontainer/release/.env');
    assert.ok(env?.action === 'update');
    assert.match(env.content, /^RELEASE_COOKIE=kept$/m);
    assert.equal(env.content.includes(COOKIE), false);
    assert.match(env.content, new RegExp(`^SECRET_KEY_BASE=${SECRET}$`, 'm'));
    const ignore = plan.find((p) => p.path === '.dockerignore');
    assert.ok(ignore?.action === 'update');
    assert.ok(ignore.content.startsWith(phxIgnore));
    assert.match(ignore.content, /^\*\*\/\.env$/m);
    assert.equal(ignore.content.match(/^\/_build\/$/gm)?.length, 1);

    // Scaffolding again over its own output changes nothing.
    const again = planWrites(rendered.files, Object.fromEntries(rendered.files.map((f) => [f.path, f.content])));
    assert.deepEqual(again.map((p) => p.action), rendered.files.map(() => 'unchanged'));
  });

  it('keeps secrets, build output and the dev container out of the build context, but not what the build needs', () => {
    const ignore = file(render('phoenix_postgres'), '.dockerignore').split('\n');
    for (const rule of ['.git', '/.devcontainer/', '**/.env', '/_build/', '/deps/', '**/node_modules/', '/cover/', '/tmp/', '**/*.ez', '**/erl_crash.dump', '/priv/static/assets/']) {
      assert.ok(ignore.includes(rule), `${rule} is not ignored`);
    }
    for (const needed of ['rel', 'config', 'lib', 'priv', 'assets', 'mix.exs', 'mix.lock']) {
      assert.equal(ignore.some((rule) => rule.replace(/^\/|\/$/g, '') === needed), false, `${needed} is ignored`);
    }
    assert.ok(file(render('no_ecto', undefined, {}, { folder: 'tools/dev' }), '.dockerignore').split('\n').includes('/tools/dev/'));
  });

  it('runs the release locally with compose: loopback port, secrets from .env, labels, a database when Ecto needs one', () => {
    const rendered = render('phoenix_postgres');
    const text = file(rendered, '.devcontainer/release/docker-compose.yml');
    const parsed = compose(rendered);
    const service = parsed.services['release'];
    assert.ok(service);
    assert.deepEqual(service['build'], { context: '../..', dockerfile: 'Dockerfile' });
    assert.equal(service['image'], 'blog-release');
    assert.equal(service['hostname'], 'blog-release');
    assert.equal(service['init'], true);
    assert.deepEqual(service['ports'], ['127.0.0.1:4001:4000']);
    assert.deepEqual(service['command'], ['sh', '-c', '/app/bin/migrate && exec /app/bin/server']);
    assert.deepEqual(service.environment, {
      PORT: '4000',
      PHX_HOST: 'localhost',
      PHX_SERVER: 'true',
      SECRET_KEY_BASE: '${SECRET_KEY_BASE:?SECRET_KEY_BASE is not set. Run Phoenix: Scaffold Release Image again, or add SECRET_KEY_BASE=<64 random characters> to .devcontainer/release/.env}',
      RELEASE_COOKIE: '${RELEASE_COOKIE:?RELEASE_COOKIE is not set. Run Phoenix: Scaffold Release Image again, or add RELEASE_COOKIE=<secret> to .devcontainer/release/.env}',
      RELEASE_DISTRIBUTION: 'sname',
      RELEASE_NODE: 'blog',
      LOOPBACK_FORWARD_PORT: '4000',
      DATABASE_URL: 'ecto://postgres:postgres@db/blog_prod',
    });
    assert.deepEqual(service.labels, {
      [LABELS.role]: 'release',
      [LABELS.app]: 'blog',
      [LABELS.nodeName]: 'blog@blog-release',
      [LABELS.nodeMode]: 'sname',
      [LABELS.httpPort]: '4000',
    });
    assert.deepEqual(service['depends_on'], { db: { condition: 'service_healthy' } });
    const db = parsed.services['db'];
    assert.ok(db);
    assert.equal(db['image'], 'postgres:16-alpine');
    assert.equal(db['ports'], undefined);
    assert.equal(db.environment['POSTGRES_DB'], 'blog_prod');
    assert.deepEqual(parsed.volumes, { 'db-data': null });
    assert.match(text, /^# {3}docker compose -f \.devcontainer\/release\/docker-compose\.yml up --build$/m);
    assert.match(file(rendered, '.devcontainer/release/.env'), /^COMPOSE_PROJECT_NAME=blog_release$/m);

    const mysql = compose(render('mysql')).services;
    assert.equal(mysql['db']?.['image'], 'mysql:8');
    assert.match(mysql['release']?.environment['DATABASE_URL'] ?? '', /^ecto:\/\/root:mysql@db\/\w+_prod$/);
    const sqlite = render('sqlite');
    assert.deepEqual(Object.keys(compose(sqlite).services), ['release']);
    assert.equal(compose(sqlite).services['release']?.environment['DATABASE_PATH'], '/app/notes.db');
    assert.match(sqlite.notes.join('\n'), /SQLite database in the container/);
  });

  it('takes the folder from the options, and names its own compose project', () => {
    const rendered = render('no_ecto', undefined, {}, { folder: './tools/dev/' });
    assert.equal(runsAs(rendered).file, 'tools/dev/release/docker-compose.yml');
    assert.equal(runsAs(rendered).url, 'http://localhost:4001');
    const service = compose(rendered).services['release'];
    assert.deepEqual(service?.['ports'], ['127.0.0.1:4001:4000']);
    assert.deepEqual(service['build'], { context: '../../..', dockerfile: 'Dockerfile' });
    assert.match(file(rendered, '.gitignore'), /^\/tools\/dev\/release\/\.env$/m);
    assert.equal(releaseComposeProjectName('My Blog'), 'myblog_release');
    // Next to the dev server's port, so both can run at once.
    assert.equal(runsAs(render('api_only', ['lib'])).url, 'http://localhost:4101');
  });

  it('builds an umbrella from its apps, with the release defined in mix.exs', () => {
    const rendered = render('umbrella', ['apps/shop_web/assets'], { 'config/config.exs': 'import Config\nconfig :shop, ecto_repos: [Shop.Repo]\n' });
    const lines = instructions(file(rendered, 'Dockerfile'));
    const deps = indexOf(lines, /^RUN mix deps\.get/);
    assert.ok(indexOf(lines, /^COPY apps\/shop\/mix\.exs apps\/shop\/$/) < deps);
    assert.ok(indexOf(lines, /^COPY apps\/shop_web\/mix\.exs apps\/shop_web\/$/) < deps);
    const appsCopy = indexOf(lines, /^COPY apps apps$/);
    assert.ok(indexOf(lines, /^RUN mix deps\.compile$/) < appsCopy);
    assert.ok(appsCopy < indexOf(lines, /^RUN mix compile$/));
    assert.ok(indexOf(lines, /^RUN mix compile$/) < indexOf(lines, /^RUN cd apps\/shop_web && mix assets\.deploy$/));
    assert.equal(lines.includes('COPY lib lib'), false);
    assert.ok(lines.includes('RUN mix release && rm -f "_build/$MIX_ENV/rel/shop/releases/COOKIE"'));
    assert.ok(lines.includes('COPY --from=builder --chown=nobody:root /app/_build/${MIX_ENV}/rel/shop ./'));

    assert.match(file(rendered, 'apps/shop/lib/shop/release.ex'), /^defmodule Shop\.Release do\n[\s\S]*@app :shop$/m);
    assert.match(file(rendered, 'rel/overlays/bin/migrate'), /^exec \.\/shop eval Shop\.Release\.migrate$/m);
    assert.match(file(rendered, 'rel/overlays/bin/server'), /^PHX_SERVER=true exec \.\/shop start$/m);
    assert.match(file(rendered, '.dockerignore'), /^\/apps\/shop_web\/priv\/static\/assets\/$/m);

    // mix release refuses an umbrella without a release: the advice defines one with every app.
    const [advice] = rendered.advice;
    assert.ok(advice);
    assert.equal(advice.file, 'mix.exs');
    const mixfile = loadProject('umbrella').files['mix.exs'] ?? '';
    assert.equal(mixfile.split(advice.find).length, 2);
    const fixed = mixfile.replace(advice.find, advice.replace);
    assert.match(fixed, /apps_path: "apps",\n {6}releases: \[\n {8}shop: \[applications: \[shop: :permanent, shop_web: :permanent\]\]\n {6}\],\n {6}version: "0\.1\.0",/);
    assert.deepEqual(render('umbrella', [], { 'mix.exs': fixed }).advice, []);
  });

  it('names the release after the first one mix.exs defines', () => {
    const mixfile = (loadProject('no_ecto').files['mix.exs'] ?? '').replace('deps: deps()', 'deps: deps(),\n      releases: [landing_web: [include_executables_for: [:unix]], other: []]');
    const rendered = render('no_ecto', undefined, { 'mix.exs': mixfile });
    assert.match(file(rendered, 'rel/overlays/bin/server'), /exec \.\/landing_web start$/m);
    assert.match(file(rendered, 'Dockerfile'), /rel\/landing_web \.\/$/m);
    assert.equal(runsAs(rendered).node, 'landing_web@landing-web-release');
  });

  it('notes what config/runtime.exs lacks for the release to serve', () => {
    const notes = render('api_only', ['lib']).notes.join('\n');
    assert.match(notes, /bin\/server sets PHX_SERVER=true, but config\/runtime\.exs does not read it/);
    assert.doesNotMatch(notes, /SECRET_KEY_BASE|PHX_HOST/);
  });
});

describe('the release Dockerfile without network access', () => {
  const dockerfile = file(render('phoenix_postgres'), 'Dockerfile');
  /** The shell script of the RUN instruction that matches `pattern`. */
  const script = (pattern: RegExp): string => {
    const line = instructions(dockerfile).find((candidate) => candidate.startsWith('RUN ') && pattern.test(candidate));
    assert.ok(line, `no RUN instruction matches ${String(pattern)}`);
    return line.slice('RUN '.length);
  };

  // A PATH of stubs that log their calls: the tools an image has, and apt-get or mix that fail as
  // they do offline. grep, find, sed and rm are the real ones.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-dockerfile-'));
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  let runs = 0;
  const runScript = (body: string, stubs: Record<string, string>, home = path.join(dir, 'home')): { status: number | null; calls: string[]; stderr: string } => {
    const bin = path.join(dir, `bin${runs++}`);
    fs.mkdirSync(bin);
    const log = path.join(bin, 'calls.log');
    for (const tool of ['grep', 'find', 'sed', 'rm']) {
      const real = ['/usr/bin', '/bin'].map((prefix) => path.join(prefix, tool)).find((candidate) => fs.existsSync(candidate));
      assert.ok(real, `${tool} is needed to run the Dockerfile's scripts`);
      fs.symlinkSync(real, path.join(bin, tool));
    }
    for (const [name, code] of Object.entries(stubs)) {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${code}\n`, { mode: 0o755 });
    }
    const result = spawnSync('/bin/sh', ['-c', body], { env: { PATH: bin, HOME: home }, encoding: 'utf8' });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: result.status, calls, stderr: result.stderr };
  };
  const offline = 'echo "Temporary failure resolving deb.debian.org" >&2; exit 100';

  it('installs no build tool the builder image has, and goes on with a warning when one cannot be installed', () => {
    const tools = script(/for tool in/);
    const present = runScript(tools, { gcc: 'exit 0', make: 'exit 0', git: 'exit 0', 'apt-get': offline });
    assert.equal(present.status, 0);
    assert.deepEqual(present.calls, []);

    const withoutCompilers = runScript(tools, { git: 'exit 0', 'apt-get': offline });
    assert.equal(withoutCompilers.status, 0, withoutCompilers.stderr);
    assert.deepEqual(withoutCompilers.calls, ['apt-get update -y']);
    assert.match(withoutCompilers.stderr, /warning: could not install build-essential; continuing without them/);

    // Online: one install of the missing packages, each named once.
    const online = runScript(tools, { 'apt-get': 'exit 0' });
    assert.equal(online.status, 0);
    assert.deepEqual(online.calls, ['apt-get update -y', 'apt-get install -y build-essential git', 'apt-get clean']);
  });

  it('installs Hex and rebar3 only when absent, and goes on with a warning when offline', () => {
    const hex = script(/mix local\.hex/);
    const home = path.join(dir, 'with-rebar');
    fs.mkdirSync(path.join(home, '.mix', 'elixir', '1-17'), { recursive: true });
    fs.writeFileSync(path.join(home, '.mix', 'elixir', '1-17', 'rebar3'), '');
    const present = runScript(hex, { mix: 'exit 0' }, home);
    assert.equal(present.status, 0);
    assert.deepEqual(present.calls, ['mix hex.info']);

    const absent = runScript(hex, { mix: 'exit 1' });
    assert.equal(absent.status, 0, absent.stderr);
    assert.deepEqual(absent.calls, ['mix hex.info', 'mix local.hex --force', 'mix local.rebar --force']);
    assert.match(absent.stderr, /warning: could not install Hex; continuing without it/);
    assert.match(absent.stderr, /warning: could not install rebar3; continuing without it/);
  });

  it('installs only the runtime packages the runner image lacks, and fails clearly when it cannot', () => {
    const packages = script(/for package in/);
    const installed = (names: string): string => `for name in ${names}; do [ "$3" = "$name" ] && { printf 'ii '; exit 0; }; done; exit 1`;
    const all = runScript(packages, { 'dpkg-query': installed('libstdc++6 openssl libncurses6 locales ca-certificates'), 'apt-get': offline });
    assert.equal(all.status, 0);
    assert.deepEqual(all.calls.filter((call) => call.startsWith('apt-get')), []);

    const lacking = runScript(packages, { 'dpkg-query': installed('libstdc++6 libncurses6 ca-certificates'), 'apt-get': offline });
    assert.equal(lacking.status, 1);
    assert.match(lacking.stderr, /error: the release needs openssl locales, which could not be installed/);

    const online = runScript(packages, { 'dpkg-query': installed('libstdc++6 libncurses6 ca-certificates'), 'apt-get': 'exit 0' });
    assert.equal(online.status, 0, online.stderr);
    assert.deepEqual(online.calls.filter((call) => call.startsWith('apt-get')), ['apt-get update -y', 'apt-get install -y openssl locales', 'apt-get clean']);
  });

  it('generates the locale only when the runner image lacks it', () => {
    const locale = script(/locale-gen/);
    assert.deepEqual(runScript(locale, { locale: 'printf "C\\nC.utf8\\nen_US.utf8\\nPOSIX\\n"', 'locale-gen': 'exit 0' }).calls, ['locale -a']);
    fs.writeFileSync(path.join(dir, 'locale.gen'), '# en_US.UTF-8 UTF-8\n');
    const missing = runScript(locale.replace('/etc/locale.gen', path.join(dir, 'locale.gen')), { locale: 'printf "C\\nPOSIX\\n"', 'locale-gen': 'exit 0' });
    assert.equal(missing.status, 0);
    assert.deepEqual(missing.calls, ['locale -a', 'locale-gen']);
    assert.equal(fs.readFileSync(path.join(dir, 'locale.gen'), 'utf8'), 'en_US.UTF-8 UTF-8\n');
  });
});

describe('path dependencies', () => {
  const withDeps = (deps: string): Record<string, string> => {
    const mixfile = loadProject('no_ecto').files['mix.exs'] ?? '';
    const at = mixfile.indexOf('defp deps do\n    [\n');
    assert.notEqual(at, -1, 'the fixture lists its deps as mix new does');
    const end = at + 'defp deps do\n    [\n'.length;
    return { 'mix.exs': `${mixfile.slice(0, end)}${deps}\n${mixfile.slice(end)}` };
  };

  it('copies the path dependencies inside the project before mix deps.get, and notes those outside', () => {
    const reading = readReleaseProject(input('no_ecto', ['lib'], withDeps([
      '      {:phoenix, path: "vendor/phoenix", override: true},',
      '      {:tools, path: "./vendor/tools/../tools"},',
      '      {:nested, path: "vendor/phoenix/nested"},',
      '      {:spaced, path: "local deps/spaced"},',
      '      {:common, path: "../common"},',
      '      # {:old, path: "vendor/old"},',
    ].join('\n'))));
    const lines = instructions(file(renderReleaseImage(reading.project, options), 'Dockerfile'));
    const deps = indexOf(lines, /^RUN mix deps\.get/);
    assert.ok(indexOf(lines, /^COPY mix\.exs mix\.lock \.\/$/) < indexOf(lines, /^COPY vendor\/phoenix vendor\/phoenix$/));
    assert.ok(indexOf(lines, /^COPY vendor\/phoenix vendor\/phoenix$/) < deps);
    assert.ok(indexOf(lines, /^COPY vendor\/tools vendor\/tools$/) < deps);
    assert.ok(indexOf(lines, /^COPY \["local deps\/spaced", "local deps\/spaced"\]$/) < deps);
    assert.equal(lines.some((line) => /nested|common|old/.test(line)), false);
    assert.deepEqual(reading.notes, ['The dependency :common is at ../common, outside the project folder, which is all the image\'s build can see; move it into the project (such as vendor/common) or fetch it from Hex or git.']);

    const { release } = readReleaseProject(input('no_ecto', [], withDeps('      {:phoenix, path: "vendor/phoenix"},'))).project;
    assert.deepEqual(release.pathDeps, ['vendor/phoenix']);
    assert.deepEqual(readReleaseProject(input('no_ecto', [])).project.release.pathDeps, []);
    assert.equal(instructions(file(render('no_ecto'), 'Dockerfile')).some((line) => /Path dependencies|vendor/.test(line)), false);
  });

  it('resolves an umbrella app\'s path dependencies from its folder, leaving the apps to COPY apps', () => {
    const base = loadProject('umbrella');
    const webMix = (base.files['apps/shop_web/mix.exs'] ?? '').replace('{:phoenix, "~> 1.7.14"},', '{:phoenix, "~> 1.7.14"},\n      {:shop, path: "../shop"},\n      {:icons, path: "../../vendor/icons"},');
    const { project } = readReleaseProject({ ...base, files: { ...base.files, 'apps/shop_web/mix.exs': webMix }, folders: [] });
    assert.deepEqual(project.release.pathDeps, ['vendor/icons']);
  });
});

describe('rel/env.sh.eex', () => {
  const template = file(render('phoenix_postgres'), 'rel/env.sh.eex');

  it('takes the distribution and node name from the environment, defaulting to the release', () => {
    assert.match(template, /^export RELEASE_DISTRIBUTION="\$\{RELEASE_DISTRIBUTION:-sname\}"$/m);
    assert.match(template, /^export RELEASE_NODE="\$\{RELEASE_NODE:-<%= @release\.name %>\}"$/m);
    assert.match(template, /hostname -i/);
    assert.match(template, /never baked into the image/);
    assert.equal(template.split('<%').length, 2, 'one EEx tag only');
  });

  // The template as mix release renders it, sourced the way bin/<release> does, with a fake `hostname`.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-env-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'releases'));
  fs.writeFileSync(path.join(dir, 'env.sh'), template.replace('<%= @release.name %>', 'blog'));
  fs.writeFileSync(path.join(dir, 'bin', 'hostname'), '#!/bin/sh\necho "fd00::5 172.20.0.5"\n', { mode: 0o755 });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  const source = (command: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync('sh', ['-c', `set -e; RELEASE_ROOT="${dir}"; RELEASE_COMMAND="${command}"; . "${dir}/env.sh"; echo "$RELEASE_DISTRIBUTION $RELEASE_NODE \${RELEASE_COOKIE:+cookie}"`], {
      env: { PATH: `${path.join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, ...env },
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
  };

  it('is valid sh', () => {
    execFileSync('sh', ['-n', path.join(dir, 'env.sh')]);
  });

  it('names the node from the environment: sname by default, a long name with the container\'s IPv4 address', () => {
    assert.equal(source('start', { RELEASE_COOKIE: 'x' }).stdout, 'sname blog cookie');
    assert.equal(source('start', { RELEASE_COOKIE: 'x', RELEASE_NODE: 'web' }).stdout, 'sname web cookie');
    assert.equal(source('start', { RELEASE_COOKIE: 'x', RELEASE_DISTRIBUTION: 'name' }).stdout, 'name blog@172.20.0.5 cookie');
    assert.equal(source('remote', { RELEASE_COOKIE: 'x', RELEASE_DISTRIBUTION: 'name', RELEASE_NODE: 'blog@10.0.0.9' }).stdout, 'name blog@10.0.0.9 cookie');
  });

  it('refuses to start a distributed node without RELEASE_COOKIE when the release carries no cookie', () => {
    for (const command of ['start', 'daemon', 'remote', 'rpc', 'stop']) {
      const result = source(command, {});
      assert.equal(result.status, 1, command);
      assert.match(result.stderr, /RELEASE_COOKIE is not set/);
    }
    // eval (bin/migrate) and version start no distribution: they run, with a throwaway cookie.
    assert.equal(source('eval', {}).stdout, 'sname blog cookie');
    assert.equal(source('version', {}).stdout, 'sname blog cookie');
    assert.equal(source('start', { RELEASE_DISTRIBUTION: 'none' }).stdout, 'none blog cookie');
    // A release built by plain mix release keeps its releases/COOKIE, and starts as before.
    fs.writeFileSync(path.join(dir, 'releases', 'COOKIE'), 'from-build');
    try {
      assert.equal(source('start', {}).stdout, 'sname blog');
    } finally {
      fs.rmSync(path.join(dir, 'releases', 'COOKIE'));
    }
  });

  it('says what to do when a long name has no IPv4 address to use', () => {
    fs.writeFileSync(path.join(dir, 'bin', 'hostname'), '#!/bin/sh\necho "fd00::5"\n', { mode: 0o755 });
    try {
      const result = source('start', { RELEASE_COOKIE: 'x', RELEASE_DISTRIBUTION: 'name' });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /set RELEASE_NODE to name@host/);
    } finally {
      fs.writeFileSync(path.join(dir, 'bin', 'hostname'), '#!/bin/sh\necho "fd00::5 172.20.0.5"\n', { mode: 0o755 });
    }
  });
});
