import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { LABELS, readProject, renderDevContainer, type RenderedDevContainer, type RenderOptions } from '../../src/core/scaffold';
import { loadProject } from './fixtures/loadProject';
import { planWrites } from './fixtures/planWrites';

const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const linuxUser: RenderOptions = { host: { uid: 1000, gid: 1000, platform: 'linux' }, composeProject: 'shop_devcontainer', randomBytes: bytes };

function render(fixture: string, options: Partial<RenderOptions> = {}): RenderedDevContainer {
  return renderDevContainer(readProject(loadProject(fixture)).project, { ...linuxUser, ...options });
}

function file(rendered: RenderedDevContainer, path: string): string {
  const found = rendered.files.find((candidate) => candidate.path === path);
  assert.ok(found, `${path} was not rendered`);
  return found.content;
}

interface Compose {
  services: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

function compose(rendered: RenderedDevContainer, folder = '.devcontainer'): Compose {
  return parse(file(rendered, `${folder}/docker-compose.yml`)) as Compose;
}

function service(rendered: RenderedDevContainer, name: string, folder?: string): Record<string, unknown> {
  const found = compose(rendered, folder).services[name];
  assert.ok(found, `no ${name} service`);
  return found;
}

describe('renderDevContainer', () => {
  it('renders the dev container files, with the .gitignore and .gitattributes rules they need', () => {
    const rendered = render('phoenix_postgres');
    assert.deepEqual(
      rendered.files.map((f) => [f.path, f.mode, f.merge]),
      [
        ['.devcontainer/Dockerfile', undefined, undefined],
        ['.devcontainer/entrypoint.sh', 0o755, undefined],
        ['.devcontainer/docker-compose.yml', undefined, undefined],
        ['.devcontainer/.dockerignore', undefined, 'lines'],
        ['.devcontainer/devcontainer.json', undefined, undefined],
        ['.devcontainer/.env', 0o600, 'env'],
        ['.gitignore', undefined, 'gitignore'],
        ['.gitattributes', undefined, 'lines'],
      ],
    );
    assert.deepEqual(rendered.notes, []);
    assert.match(file(rendered, '.gitattributes'), /^\/\.devcontainer\/\*\.sh text eol=lf$/m);
  });

  it('writes a Dockerfile FROM a literal image, with the user from build args', () => {
    const dockerfile = file(render('phoenix_postgres'), '.devcontainer/Dockerfile');
    const from = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
    assert.deepEqual(from, ['FROM hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20250113-slim']);
    assert.match(dockerfile, /^ARG USER_UID=1000$/m);
    assert.match(dockerfile, /^ARG USER_GID=1000$/m);
    assert.match(dockerfile, /MIX_HOME=\/opt\/mix/);
    assert.match(dockerfile, /HEX_HOME=\/opt\/hex/);
    assert.match(dockerfile, /inotifywait:inotify-tools/);
    assert.match(dockerfile, /watchman:watchman/);
    assert.match(dockerfile, /command -v "\$\{tool%%:\*\}"/);
    assert.match(dockerfile, /echo "warning: could not install\$missing; continuing without them\." >&2/);
    assert.match(dockerfile, /mix hex\.info/);
    assert.match(dockerfile, /find "\$MIX_HOME" -name rebar3/);
    assert.match(dockerfile, /useradd --no-log-init --uid "\$USER_UID"/);
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^USER \$\{USER_UID\}:\$\{USER_GID\}$/m);
    assert.doesNotMatch(dockerfile, /\/app\/deps/);
  });

  it('leaves watchman out on Debian trixie', () => {
    const rendered = render('phoenix_postgres', { debian: 'trixie-20250908-slim' });
    assert.doesNotMatch(file(rendered, '.devcontainer/Dockerfile'), /watchman/);
    assert.match(rendered.notes.join('\n'), /trixie images have no watchman/);
  });

  it('writes a compose file that both compose v2 and v1 accept, with the labels the extension reads', () => {
    const parsed = compose(render('phoenix_postgres'));
    assert.equal(parsed['version'], undefined);
    assert.equal(parsed['name'], undefined);
    assert.deepEqual(Object.keys(parsed), ['services', 'volumes']);
    assert.deepEqual(parsed.services['app'], {
      build: { context: '.', dockerfile: 'Dockerfile', args: { USER_UID: '${UID:-1000}', USER_GID: '${GID:-1000}' } },
      image: 'blog-devcontainer',
      init: true,
      hostname: 'blog',
      working_dir: '/app',
      command: ['sh', '/app/.devcontainer/entrypoint.sh'],
      volumes: ['..:/app'],
      ports: ['127.0.0.1:4000:4000'],
      environment: {
        MIX_ENV: 'dev',
        NODE_NAME: 'blog@blog',
        ERLANG_COOKIE: '${ERLANG_COOKIE:?ERLANG_COOKIE is not set. Run Phoenix: Scaffold Dev Container again, or add ERLANG_COOKIE=<secret> to .devcontainer/.env}',
        PHX_HOST: 'localhost',
        DB_HOST: 'db',
        DB_PORT: '5432',
      },
      labels: {
        [LABELS.role]: 'app',
        [LABELS.app]: 'blog',
        [LABELS.nodeName]: 'blog@blog',
        [LABELS.nodeMode]: 'sname',
        [LABELS.httpPort]: '4000',
      },
      depends_on: { db: { condition: 'service_healthy' } },
    });
    assert.deepEqual(parsed.services['db'], {
      image: 'postgres:16-alpine',
      environment: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres' },
      healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres'], interval: '2s', timeout: '5s', retries: 30 },
      volumes: ['db-data:/var/lib/postgresql/data'],
      labels: { [LABELS.role]: 'db' },
    });
    assert.deepEqual(parsed['volumes'], { 'db-data': null });
  });

  it('runs MySQL with the credentials of config/dev.exs, on the port it reads', () => {
    const rendered = render('mysql');
    const db = service(rendered, 'db');
    const app = service(rendered, 'app');
    assert.equal(db['image'], 'mysql:8');
    assert.deepEqual(db['environment'], { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes' });
    assert.deepEqual((db['healthcheck'] as { test: string[] }).test, ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1', '--silent']);
    assert.deepEqual(app['ports'], ['127.0.0.1:4001:4001']);
    assert.equal((app['environment'] as Record<string, string>)['DB_PORT'], '3306');
    assert.equal((app['labels'] as Record<string, string>)[LABELS.httpPort], '4001');
  });

  it('waits for a database server only when there is one', () => {
    const postgres = file(render('phoenix_postgres'), '.devcontainer/entrypoint.sh');
    assert.match(postgres, /:gen_tcp\.connect\(host, port, \[\], 1000\)/);
    assert.match(postgres, /\nbegin ecto\.create\nconfigured_mix ecto\.create\nbegin ecto\.migrate\nconfigured_mix ecto\.migrate\n/);

    const sqlite = render('sqlite');
    assert.doesNotMatch(file(sqlite, '.devcontainer/entrypoint.sh'), /gen_tcp/);
    assert.match(file(sqlite, '.devcontainer/entrypoint.sh'), /\nconfigured_mix ecto\.migrate\n/);
    assert.deepEqual(Object.keys(compose(sqlite).services), ['app']);
    assert.equal(service(sqlite, 'app')['depends_on'], undefined);

    const noEcto = file(render('no_ecto'), '.devcontainer/entrypoint.sh');
    assert.doesNotMatch(noEcto, /ecto/);
    assert.doesNotMatch(noEcto, /reset-database/);
    // Reset Database: drop (forced for Postgres, whose app holds connections), create, migrate, seeds.
    assert.match(postgres, /if \[ "\$\{1:-\}" = reset-database \]; then\n {2}begin ecto\.drop\n {2}configured_mix ecto\.drop --force-drop\n/);
    assert.match(postgres, /if \[ -f priv\/repo\/seeds\.exs \]; then\n {4}begin seeds\n {4}configured_mix run priv\/repo\/seeds\.exs\n/);
    assert.match(file(render('mysql'), '.devcontainer/entrypoint.sh'), /\n {2}configured_mix ecto\.drop\n/);
  });

  it('writes a POSIX entrypoint that refuses to start without a cookie and execs the node', () => {
    const entrypoint = file(render('phoenix_postgres'), '.devcontainer/entrypoint.sh');
    assert.ok(entrypoint.startsWith('#!/bin/sh\n'));
    assert.match(entrypoint, /^set -eu$/m);
    assert.match(entrypoint, /if \[ -z "\$\{ERLANG_COOKIE:-\}" \]; then\n {2}echo "ERLANG_COOKIE is empty: run \\"Phoenix: Scaffold Dev Container\\" again or set it in \.devcontainer\/\.env, then recreate the container\." >&2\n {2}exit 1\nfi/);
    assert.match(entrypoint, /if ! mix deps\.loadpaths --no-compile >\/dev\/null 2>&1; then/);
    assert.match(entrypoint, /\n {2}mix deps\.get\n/);
    assert.ok(entrypoint.trimEnd().endsWith('exec elixir "$name_option" "$NODE_NAME" -S mix do app.config, eval "$eval_container_config," phx.server'));
    assert.match(entrypoint, /\n {2}exec elixir "\$name_option" "\$NODE_NAME" -S mix do app\.config \+ eval "\$eval_container_config" \+ phx\.server\n/);
    // The cookie reaches Erlang through a private file, never the process list.
    assert.match(entrypoint, /\(umask 077 && printf '%s' "\$ERLANG_COOKIE" > "\$HOME\/\.erlang\.cookie"\)/);
    assert.doesNotMatch(entrypoint, /--cookie/);
    assert.match(entrypoint, /\nunset ERLANG_COOKIE\n[^]*\nexec elixir /, 'the node\'s environment does not hold the cookie');
    assert.doesNotMatch(entrypoint, /\bbash\b|\[\[/);
  });

  it('escapes a folder name inside the entrypoint messages', () => {
    const entrypoint = file(render('no_ecto', { folder: 'dev "$box`' }), 'dev "$box`/entrypoint.sh');
    assert.match(entrypoint, /set it in dev \\"\\\$box\\`\/\.env/);
  });

  it('describes the devcontainer.json for the Dev Containers extension', () => {
    const json: unknown = JSON.parse(file(render('phoenix_postgres'), '.devcontainer/devcontainer.json'));
    assert.deepEqual(json, {
      name: 'blog',
      dockerComposeFile: 'docker-compose.yml',
      service: 'app',
      workspaceFolder: '/app',
      forwardPorts: [4000],
      remoteUser: 'phoenix',
      shutdownAction: 'stopCompose',
      customizations: { vscode: { extensions: ['JakeBecker.elixir-ls', 'phoenixframework.phoenix'] } },
    });
    assert.match(file(render('phoenix_postgres'), '.devcontainer/devcontainer.json'), /^ {2}"name": "blog",$/m);
  });

  it('runs as root when the host user is root, and as 1000 when the host has no UID', () => {
    const root = render('no_ecto', { host: { uid: 0, gid: 0, platform: 'linux' } });
    assert.match(file(root, '.devcontainer/.env'), /^UID=0\nGID=0$/m);
    assert.match(file(root, '.devcontainer/devcontainer.json'), /"remoteUser": "root"/);
    const windows = render('no_ecto', { host: { uid: undefined, gid: undefined, platform: 'win32' } });
    assert.match(file(windows, '.devcontainer/.env'), /^UID=1000\nGID=1000$/m);
    assert.match(file(windows, '.devcontainer/devcontainer.json'), /"remoteUser": "phoenix"/);
  });

  it('makes the cookie from the given random bytes, and needs at least 128 bits', () => {
    assert.match(file(render('no_ecto'), '.devcontainer/.env'), /^ERLANG_COOKIE=00112233445566778899aabbccddeeff$/m);
    assert.throws(() => render('no_ecto', { randomBytes: new Uint8Array(15) }), RangeError);
  });

  it('keeps the cookie of an existing .env and adds the .env to .gitignore once', () => {
    const rendered = render('no_ecto');
    const plans = planWrites(rendered.files, {
      '.devcontainer/.env': 'ERLANG_COOKIE=existing\n',
      '.gitignore': '/_build/\n',
      '.devcontainer/Dockerfile': file(rendered, '.devcontainer/Dockerfile'),
    });
    assert.deepEqual(plans.find((plan) => plan.path === '.devcontainer/.env'), {
      path: '.devcontainer/.env',
      action: 'update',
      oldContent: 'ERLANG_COOKIE=existing\n',
      content: 'ERLANG_COOKIE=existing\nCOMPOSE_PROJECT_NAME=shop_devcontainer\nUID=1000\nGID=1000\n',
    });
    const gitignore = plans.find((plan) => plan.path === '.gitignore');
    assert.equal(gitignore?.action === 'update' ? gitignore.content : '', '/_build/\n\n# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n');
    assert.equal(plans.find((plan) => plan.path === '.devcontainer/Dockerfile')?.action, 'unchanged');
  });

  it('uses a long node name on a fixed subnet', () => {
    const rendered = render('phoenix_postgres', { fixedSubnet: { subnet: '172.40.0.0/24' } });
    const parsed = compose(rendered);
    const app = service(rendered, 'app');
    assert.deepEqual(app['networks'], { default: { ipv4_address: '172.40.0.2' } });
    assert.equal((app['environment'] as Record<string, string>)['NODE_NAME'], 'blog@172.40.0.2');
    assert.equal((app['labels'] as Record<string, string>)[LABELS.nodeMode], 'name');
    assert.deepEqual(parsed['networks'], {
      default: { ipam: { config: [{ subnet: '172.40.0.0/24', gateway: '172.40.0.1', ip_range: '172.40.0.128/25' }] } },
    });

    const invalid = render('phoenix_postgres', { fixedSubnet: { subnet: '172.40.0.0/31' } });
    assert.equal(compose(invalid)['networks'], undefined);
    assert.match(invalid.notes.join('\n'), /is not an IPv4 subnet of at least 8 addresses/);
  });

  it('keeps deps and _build in named volumes when asked', () => {
    const rendered = render('no_ecto', { namedVolumes: true });
    assert.deepEqual(service(rendered, 'app')['volumes'], ['..:/app', 'deps:/app/deps', 'build:/app/_build']);
    assert.deepEqual(compose(rendered)['volumes'], { deps: null, build: null });
    // Docker copies the image's ownership of these folders into new volumes.
    assert.match(file(rendered, '.devcontainer/Dockerfile'), /chown "\$USER_UID:\$USER_GID" \/app \/app\/deps \/app\/_build;/);
  });

  it('supports another folder, with spaces, and rejects one outside the project', () => {
    const rendered = render('no_ecto', { folder: './tools\\dev box/' });
    assert.deepEqual(rendered.files.map((f) => f.path).slice(0, 2), ['tools/dev box/Dockerfile', 'tools/dev box/entrypoint.sh']);
    const app = service(rendered, 'app', 'tools/dev box');
    assert.deepEqual(app['volumes'], ['../..:/app']);
    assert.deepEqual(app['command'], ['sh', '/app/tools/dev box/entrypoint.sh']);
    assert.equal(file(rendered, '.gitignore'), '# Dev container secrets (docker compose reads them; never commit them)\n/tools/dev box/.env\n');
    // A .gitattributes pattern cannot hold the space: the user is told what to add instead.
    assert.equal(rendered.files.some((f) => f.path === '.gitattributes'), false);
    assert.match(rendered.notes.join('\n'), /LF line endings/);

    const outside = render('no_ecto', { folder: '../elsewhere' });
    assert.equal(outside.files[0]?.path, '.devcontainer/Dockerfile');
    assert.match(outside.notes[0] ?? '', /is not a folder inside the project/);
  });

  it('names everything after the umbrella', () => {
    const app = service(render('umbrella'), 'app');
    assert.equal(app['hostname'], 'shop');
    assert.equal(app['image'], 'shop-devcontainer');
    assert.equal((app['labels'] as Record<string, string>)[LABELS.nodeName], 'shop@shop');
  });

  it('tells about an existing compose file and uses the release Dockerfile versions', () => {
    const rendered = render('release_dockerfile');
    assert.match(file(rendered, '.devcontainer/Dockerfile'), /^FROM hexpm\/elixir:1\.17\.3-erlang-27\.1\.2-debian-bookworm-20241016-slim$/m);
    assert.deepEqual(rendered.notes, [
      'The project already has docker-compose.yml; the dev container uses its own .devcontainer/docker-compose.yml, so copy any services you need from one to the other.',
    ]);
  });
});

describe('renderDevContainer, defensively', () => {
  it('pins the compose project name in .env, so a manual docker compose up never lands in "devcontainer"', () => {
    const env = file(render('phoenix_postgres'), '.devcontainer/.env');
    assert.match(env, /^COMPOSE_PROJECT_NAME=shop_devcontainer$/m);
  });

  it('quotes the hostname, so an app named like a YAML keyword stays a string', () => {
    const rendered = renderDevContainer({ ...readProject(loadProject('no_ecto')).project, app: 'null' }, linuxUser);
    assert.equal(service(rendered, 'app')['hostname'], 'null');
  });

  it('declares the UID build args after the slow steps, so another UID reuses their layers', () => {
    const dockerfile = file(render('no_ecto'), '.devcontainer/Dockerfile');
    assert.ok(dockerfile.indexOf('ARG USER_UID') > dockerfile.indexOf('mix local.hex'));
    assert.ok(dockerfile.indexOf('ARG USER_UID') < dockerfile.indexOf('useradd'));
  });
});

describe('advice', () => {
  it('asks for no edit of the loopback endpoint or the localhost Repo on Linux, and offers polling on macOS and Windows', () => {
    // Both are adjusted inside the container only (the entrypoint's container configuration).
    assert.deepEqual(render('phoenix_postgres').advice, []);
    for (const platform of ['darwin', 'win32'] as const) {
      const advice = render('phoenix_postgres', { host: { uid: 501, gid: 20, platform } }).advice;
      assert.deepEqual(advice.map((item) => item.replace.trim().split('\n').pop()), ['config :phoenix_live_reload, backend: :fs_poll, backend_opts: [interval: 500]']);
    }
  });

  it('recommends what Check File Watching would: named volumes where Docker Desktop shares the project, none on Linux', () => {
    const volumesNote = (rendered: RenderedDevContainer): string[] => rendered.notes.filter((note) => note.includes('phoenix.namedVolumes'));
    assert.equal(volumesNote(render('phoenix_postgres', { host: { uid: 501, gid: 20, platform: 'darwin' } })).length, 1);
    assert.deepEqual(volumesNote(render('phoenix_postgres', { host: { uid: 501, gid: 20, platform: 'darwin' }, namedVolumes: true })), []);
    assert.deepEqual(volumesNote(render('phoenix_postgres')), []);
  });

  it('offers no polling when it is configured', () => {
    assert.deepEqual(render('sqlite').advice, []);
    assert.deepEqual(render('no_ecto', { host: { uid: 501, gid: 20, platform: 'darwin' } }).advice, []);
  });

  it('is a sentence for every note and reason', () => {
    const all = ['phoenix_postgres', 'umbrella', 'mysql', 'sqlite', 'no_ecto', 'mise', 'release_dockerfile', 'garbage'].flatMap((fixture) => {
      const rendered = render(fixture, { host: { uid: 501, gid: 20, platform: 'darwin' } });
      return [...readProject(loadProject(fixture)).notes, ...rendered.notes, ...rendered.advice.map((advice) => advice.reason)];
    });
    assert.ok(all.length > 10);
    for (const sentence of all) assert.match(sentence, /^[A-Z"./a-z].*[.]$/s, sentence);
  });
});
