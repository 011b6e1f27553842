import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { adoptedComposeProjectName } from '../../src/core/composeProject';
import { readProject, readRootCompose, renderDevContainer, type RenderOptions } from '../../src/core/scaffold';
import { loadProject } from './fixtures/loadProject';

// The classic "Phoenix in Docker" recipe: the app built from the project, the project mounted, Postgres.
const classic = `
version: "3.8"
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: postgres
  web:
    build: .
    volumes:
      - .:/app
      - deps:/app/deps
    ports:
      - "4000:4000"
    depends_on:
      - db
  tools:
    image: alpine
    volumes:
      - type: bind
        source: .
        target: /src
volumes:
  deps:
`;

describe('readRootCompose', () => {
  it('finds the services that mount the project, those that build first, and the database', () => {
    assert.deepEqual(readRootCompose(classic), {
      name: undefined,
      candidates: [
        { name: 'web', projectMount: '/app', hasWorkingDir: false },
        { name: 'tools', projectMount: '/src', hasWorkingDir: false },
      ],
      databaseService: 'db',
    });
  });

  it('finds nothing to adopt when no service mounts the project', () => {
    assert.deepEqual(readRootCompose('services:\n  db:\n    image: mysql:8\n'), { name: undefined, candidates: [], databaseService: 'db' });
  });

  it('follows YAML merge keys, the usual way compose files share volumes', () => {
    const shared = 'name: shop\nx-app: &app\n  volumes:\n    - ./:/srv/app\nservices:\n  web:\n    <<: *app\n    working_dir: /srv/app\n';
    assert.deepEqual(readRootCompose(shared), { name: 'shop', candidates: [{ name: 'web', projectMount: '/srv/app', hasWorkingDir: true }], databaseService: undefined });
  });

  it('says what is wrong with a file that is not a compose file', () => {
    assert.throws(() => readRootCompose('services: [unclosed'), /not valid YAML/);
    assert.throws(() => readRootCompose('just: text\n'), /no "services:" section/);
  });
});

describe('renderDevContainer, adopting the project\'s compose file', () => {
  const found = readRootCompose(classic);
  const web = found.candidates[0];
  assert.ok(web);
  const options: RenderOptions = {
    host: { uid: 1000, gid: 1000, platform: 'linux' },
    composeProject: 'shop',
    randomBytes: new Uint8Array(16).fill(1),
    adopt: { file: 'docker-compose.yml', service: web, databaseService: found.databaseService },
  };
  const rendered = renderDevContainer(readProject(loadProject('phoenix_postgres')).project, options);
  const file = (path: string): string => rendered.files.find((candidate) => candidate.path === path)?.content ?? assert.fail(`${path} was not rendered`);

  it('leaves the compose file as written and adds an override, without a Dockerfile of its own', () => {
    assert.deepEqual(rendered.files.map((f) => f.path), [
      '.devcontainer/entrypoint.sh', '.devcontainer/docker-compose.override.yml', '.devcontainer/devcontainer.json',
      '.devcontainer/.env', '.gitignore', '.gitattributes',
    ]);
    assert.doesNotMatch(rendered.notes.join('\n'), /copy any services/);
  });

  it('makes the adopted service a named node whose cookie comes from the git-ignored .env', () => {
    const override = parse(file('.devcontainer/docker-compose.override.yml')) as { services: Record<string, Record<string, unknown>> };
    const service = override.services['web'];
    assert.ok(service);
    assert.deepEqual(service['command'], ['sh', '/app/.devcontainer/entrypoint.sh']);
    // Relative paths in an override start at the project root, where the adopted file is.
    assert.deepEqual(service['env_file'], ['.devcontainer/.env']);
    assert.equal(service['working_dir'], '/app');
    assert.deepEqual(service['environment'], { NODE_NAME: 'blog@blog', DB_HOST: 'db', DB_PORT: '5432' });
    assert.equal((service['labels'] as Record<string, string>)['dev.phoenix.node.name'], 'blog@blog');
    assert.doesNotMatch(file('.devcontainer/docker-compose.override.yml'), /ERLANG_COOKIE=/);
  });

  it('keeps the compose project name out of .devcontainer/.env, which compose does not read for a root file', () => {
    assert.doesNotMatch(file('.devcontainer/.env'), /COMPOSE_PROJECT_NAME/);
    assert.match(file('.devcontainer/.env'), /^ERLANG_COOKIE=[0-9a-f]{32}$/m);
  });

  it('points devcontainer.json at both files, in compose order, and at the service, with its own user', () => {
    const config = JSON.parse(file('.devcontainer/devcontainer.json')) as Record<string, unknown>;
    assert.equal(config['remoteUser'], undefined, 'the adopted image has no "phoenix" user');
    assert.deepEqual(config['dockerComposeFile'], ['../docker-compose.yml', 'docker-compose.override.yml']);
    assert.equal(config['service'], 'web');
    assert.equal(config['workspaceFolder'], '/app');
  });
});

describe('adoptedComposeProjectName', () => {
  it('follows compose: the root .env, then the file\'s name:, then the folder, made valid', () => {
    assert.equal(adoptedComposeProjectName('COMPOSE_PROJECT_NAME=Shop Dev\n', 'ignored', 'folder'), 'shopdev');
    assert.equal(adoptedComposeProjectName('OTHER=1\n', 'shop', 'folder'), 'shop');
    assert.equal(adoptedComposeProjectName(undefined, undefined, 'My Phoenix App'), 'myphoenixapp');
  });

  it('treats an empty COMPOSE_PROJECT_NAME as unset', () => {
    assert.equal(adoptedComposeProjectName('COMPOSE_PROJECT_NAME=\n', undefined, 'hello_phoenix'), 'hello_phoenix');
  });
});

describe('the rendered entrypoint', () => {
  const project = readProject(loadProject('phoenix_postgres')).project;
  const base: RenderOptions = { host: { uid: 1000, gid: 1000, platform: 'linux' }, composeProject: 'blog_devcontainer', randomBytes: new Uint8Array(16).fill(2) };
  const web = readRootCompose(classic).candidates[0];
  assert.ok(web);
  const entrypoints = {
    generated: renderDevContainer(project, base),
    adopted: renderDevContainer(project, { ...base, adopt: { file: 'docker-compose.yml', service: web, databaseService: 'db' } }),
  };
  const entrypointOf = (name: keyof typeof entrypoints): string =>
    entrypoints[name].files.find((f) => f.path.endsWith('entrypoint.sh'))?.content ?? assert.fail('no entrypoint');

  it('is valid POSIX sh, generated or adopted', () => {
    for (const name of ['generated', 'adopted'] as const) {
      execFileSync('sh', ['-n'], { input: entrypointOf(name) });
    }
  });

  it('writes the cookie fresh to a private file, in a home it can write', () => {
    const script = entrypointOf('generated');
    assert.match(script, /if \[ ! -w "\$\{HOME:-\/nonexistent\}" \]; then\n {2}HOME="\$\(mktemp -d\)"/);
    assert.ok(script.indexOf('rm -f "$HOME/.erlang.cookie"') < script.indexOf('umask 077'));
  });

  it('names the file to fix: the override when adopting', () => {
    assert.match(entrypointOf('adopted'), /set it in \.devcontainer\/docker-compose\.override\.yml/);
    assert.match(entrypointOf('generated'), /set it in \.devcontainer\/docker-compose\.yml/);
  });
});
