import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readProject, umbrellaAppFiles } from '../../src/core/scaffold';
import { makeEdit } from '../../src/core/scaffold/elixirConfig';
import { loadProject } from './fixtures/loadProject';

/** Applies an edit the way the glue does: it must match exactly once. */
function apply(text: string, edit: { find: string; replace: string }): string {
  assert.equal(text.indexOf(edit.find), text.lastIndexOf(edit.find), `"${edit.find}" occurs more than once`);
  assert.ok(text.includes(edit.find), `"${edit.find}" does not occur`);
  return text.replace(edit.find, () => edit.replace);
}

describe('readProject', () => {
  it('reads a Phoenix 1.7 app with Postgres', () => {
    const input = loadProject('phoenix_postgres');
    const { project, notes } = readProject(input);
    assert.deepEqual(notes, []);
    assert.equal(project.isPhoenix, true);
    assert.equal(project.app, 'blog');
    assert.equal(project.umbrella, undefined);
    assert.equal(project.database, 'postgres');
    assert.equal(project.usesEcto, true);
    assert.equal(project.usesLiveReload, true);
    assert.equal(project.liveReloadPolls, false);
    assert.equal(project.http.port, 4000);
    assert.deepEqual(project.versions, {
      elixirRequirement: '~> 1.14',
      pinned: { elixir: '1.17.3-otp-27', erlang: '27.1.2', source: '.tool-versions' },
      release: undefined,
    });
    assert.equal(project.existingComposeFile, undefined);
    assert.ok(project.deps.includes('esbuild') && project.deps.includes('tailwind') && project.deps.includes('heroicons'));
    // A commented-out dependency (`# TODO bump on release to {:phoenix_live_view, ...}`) counts once, from the real line.
    assert.equal(project.deps.filter((dep) => dep === 'phoenix_live_view').length, 1);
  });

  it('reads the Repo, and offers the exact edit that makes live reload poll', () => {
    const input = loadProject('phoenix_postgres');
    const dev = input.files['config/dev.exs'] ?? '';
    const { project } = readProject(input);

    assert.deepEqual(project.repo, { username: 'postgres', password: 'postgres', database: 'blog_dev' });

    const polling = project.liveReloadPollingEdit;
    assert.ok(polling);
    const edited = apply(dev, polling);
    assert.ok(edited.startsWith(dev), 'the polling backend is appended, nothing else changes');
    assert.ok(edited.endsWith('\nconfig :swoosh, :api_client, false\n\n# File change events do not reach the container through the bind mount on every host,\n# so live reload polls the file system instead.\nconfig :phoenix_live_reload, backend: :fs_poll, backend_opts: [interval: 500]\n'));
    // Reading the edited file finds the backend.
    assert.equal(readProject({ ...input, files: { ...input.files, 'config/dev.exs': edited } }).project.liveReloadPolls, true);
  });

  it('reads an umbrella: the Phoenix app under apps/ and the Repo of the other app', () => {
    const { project, notes } = readProject(loadProject('umbrella'));
    assert.deepEqual(notes, []);
    assert.equal(project.isPhoenix, true);
    assert.equal(project.app, 'shop');
    assert.deepEqual(project.umbrella, { appsPath: 'apps', apps: ['shop', 'shop_web'], webApp: 'shop_web' });
    assert.equal(project.database, 'postgres');
    assert.equal(project.versions.elixirRequirement, '~> 1.14');
    assert.equal(project.http.port, 4000);
    assert.equal(project.repo?.database, 'shop_dev');
    assert.ok(project.deps.includes('phoenix_live_view') && project.deps.includes('postgrex'));
    assert.deepEqual(umbrellaAppFiles('apps', 'shop_web'), ['apps/shop_web/mix.exs', 'apps/shop_web/config/dev.exs', 'apps/shop_web/config/config.exs']);
  });

  it('says so when no umbrella app depends on Phoenix', () => {
    const input = loadProject('umbrella');
    const files = { ...input.files, 'apps/shop_web/mix.exs': (input.files['apps/shop_web/mix.exs'] ?? '').replace('{:phoenix, "~> 1.7.14"},', '') };
    const { project, notes } = readProject({ ...input, files });
    assert.equal(project.isPhoenix, false);
    assert.deepEqual(notes, ['No app under apps/ depends on Phoenix; confirm that you want a Phoenix dev container for this umbrella anyway.']);
  });

  it('reads MySQL settings and a port computed from PORT', () => {
    const { project, notes } = readProject(loadProject('mysql'));
    assert.deepEqual(notes, []);
    assert.equal(project.database, 'mysql');
    assert.equal(project.http.port, 4001);
    assert.equal(project.repo?.username, 'root');
    assert.equal(project.repo.password, '');
    assert.equal(project.versions.elixirRequirement, '~> 1.15');
  });

  it('reads SQLite: Ecto without a database server or hostname', () => {
    const { project } = readProject(loadProject('sqlite'));
    assert.equal(project.database, 'sqlite');
    assert.equal(project.usesEcto, true);
    assert.deepEqual(project.repo, { username: undefined, password: undefined, database: undefined });
  });

  it('reads a project without Ecto whose config already polls for changes', () => {
    const { project } = readProject(loadProject('no_ecto'));
    assert.equal(project.usesEcto, false);
    assert.equal(project.database, undefined);
    assert.equal(project.repo, undefined);
    assert.equal(project.liveReloadPolls, true);
    assert.equal(project.liveReloadPollingEdit, undefined);
  });

  it('reads versions from .mise.toml', () => {
    const { project } = readProject(loadProject('mise'));
    assert.deepEqual(project.versions.pinned, { elixir: '1.16.3-otp-26', erlang: '26.2.5', source: '.mise.toml' });
  });

  it('reads a release Dockerfile and notices a compose file at the root', () => {
    const { project } = readProject(loadProject('release_dockerfile'));
    assert.deepEqual(project.versions.release, { elixir: '1.17.3', otp: '27.1.2', debian: 'bookworm-20241016-slim' });
    assert.equal(project.versions.pinned, undefined);
    assert.equal(project.existingComposeFile, 'docker-compose.yml');
  });

  it('falls back to defaults, with notes, for an unreadable mix.exs', () => {
    const { project, notes } = readProject(loadProject('garbage'));
    assert.equal(project.isPhoenix, false);
    assert.equal(project.app, 'garbage');
    assert.equal(project.http.port, 4000);
    assert.deepEqual(notes, [
      'mix.exs could not be read (no app: or apps_path: found), so defaults were used; check the generated files against your project.',
      'mix.exs does not depend on Phoenix; confirm that you want a Phoenix dev container for this project anyway.',
      'The app name was taken from the folder name ("garbage"); check the names in the generated files.',
      "The project has no config/dev.exs, so the dev server port was assumed to be 4000; change it in the dev container's docker-compose.yml if it differs.",
    ]);
  });

  it('never throws, even without any file', () => {
    const { project, notes } = readProject({ files: {}, folderName: '2024 My App!' });
    assert.equal(project.app, 'app_2024_my_app');
    assert.equal(project.isPhoenix, false);
    assert.match(notes[0] ?? '', /has no mix\.exs/);
  });

  it('reads other ways of writing the endpoint', () => {
    const mix = 'defmodule A.MixProject do\n  def project, do: [app: :a, deps: [{:phoenix, "~> 1.7"}]]\nend\n';
    const read = (dev: string) => readProject({ files: { 'mix.exs': mix, 'config/dev.exs': dev }, folderName: 'a' });

    const ipv6 = read('import Config\nconfig :a, AWeb.Endpoint,\n  http: [ip: {0, 0, 0, 0, 0, 0, 0, 1}, port: 4100]\n').project.http;
    assert.equal(ipv6.port, 4100);

    const anyInterface = read('import Config\nconfig :a, AWeb.Endpoint,\n  url: [host: "localhost", port: 443],\n  http: [port: String.to_integer(System.get_env("PORT", "4200"))]\n').project.http;
    assert.deepEqual(anyInterface, { port: 4200 });

    const predicate = read('import Config\nconfig :a, AWeb.Endpoint,\n  http: [port: if(File.exists?("p"), do: 4300, else: 4301), ip: {127, 0, 0, 1}],\n  debug_errors: true\n').project.http;
    assert.equal(predicate.port, 4300);

    const computed = read('import Config\nport = 4000\nconfig :a, AWeb.Endpoint, http: [port: port]\n');
    assert.equal(computed.project.http.port, 4000);
    assert.match(computed.notes[0] ?? '', /computed at run time/);

    // A commented-out binding does not count.
    const text = 'import Config\n# config :a, AWeb.Endpoint, http: [ip: {10, 0, 0, 1}, port: 1]\nconfig :a, AWeb.Endpoint,\n  http: [ip: {127, 0, 0, 1}, port: 4000]\n\nconfig :a, AWeb.Endpoint,\n  http: [ip: {127, 0, 0, 1}, port: 4000]\n';
    assert.equal(read(text).project.http.port, 4000);
    // An edit of a line that occurs twice gets context until it is unique.
    const at = text.indexOf('ip: {127, 0, 0, 1}');
    const duplicated = makeEdit('config/dev.exs', text, at, at + 'ip: {127, 0, 0, 1}'.length, 'ip: {0, 0, 0, 0}');
    assert.equal(duplicated.find, '# config :a, AWeb.Endpoint, http: [ip: {10, 0, 0, 1}, port: 1]\nconfig :a, AWeb.Endpoint,\n  http: [ip: {127, 0, 0, 1}');
    assert.equal(duplicated.replace, '# config :a, AWeb.Endpoint, http: [ip: {10, 0, 0, 1}, port: 1]\nconfig :a, AWeb.Endpoint,\n  http: [ip: {0, 0, 0, 0}');
  });
});
