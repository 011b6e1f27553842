import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readReleaseProject, releaseFolders, releaseProjectFiles, RELEASE_FILES } from '../../src/core/release';
import { readProject } from '../../src/core/scaffold';
import { loadProject } from './fixtures/loadProject';

describe('readReleaseProject', () => {
  it('reads what the Dockerfile depends on: the release, assets, config files and folders', () => {
    const { project } = readReleaseProject({ ...loadProject('phoenix_postgres'), folders: ['assets', 'lib'] });
    const { release } = project;
    assert.equal(project.app, 'blog');
    assert.equal(release.name, 'blog');
    assert.deepEqual(release.ecto, { app: 'blog', namespace: 'Blog', dir: '' });
    assert.deepEqual(release.assets, [{ dir: '', hasFolder: true }]);
    assert.deepEqual(release.unbuiltAssets, []);
    assert.deepEqual(release.compileConfig, ['config/config.exs']);
    assert.equal(release.hasMixLock, false);
    assert.deepEqual(release.pathDeps, []);
    assert.equal(release.hasRuntimeConfig, false);
    assert.equal(release.hasPriv, false);
    assert.equal(release.hasLib, true);
    assert.equal(release.releaseDockerfile, undefined);
    assert.equal(release.umbrellaReleaseEdit, undefined);
    assert.deepEqual(release.existing, { envSh: false, server: false, serverForwardsLoopback: false, migrate: false, releaseModule: undefined });
  });

  it('takes the namespace from the application module, and finds config files imported by name', () => {
    const { project } = readReleaseProject({ ...loadProject('api_only'), folders: ['lib'] });
    assert.equal(project.release.ecto, undefined);
    assert.deepEqual(project.release.assets, []);
    assert.deepEqual(project.release.compileConfig, ['config/config.exs', 'config/prod.exs', 'config/appsignal.exs']);
    const ecto = readReleaseProject({ ...loadProject('api_only'), folders: [] }).project;
    assert.equal(ecto.usesEcto, false);
    const withEcto = loadProject('api_only');
    const mixfile = (withEcto.files['mix.exs'] ?? '').replace('{:jason, "~> 1.2"},', '{:jason, "~> 1.2"},\n      {:ecto_sql, "~> 3.10"},');
    assert.deepEqual(readReleaseProject({ ...withEcto, files: { ...withEcto.files, 'mix.exs': mixfile }, folders: [] }).project.release.ecto, { app: 'ledger', namespace: 'LedgerApi', dir: '' });
  });

  it('finds the umbrella app that owns the Repo, and the apps that build assets', () => {
    const { project } = readReleaseProject({ ...loadProject('umbrella'), folders: ['apps/shop_web/assets'] });
    assert.equal(project.release.name, 'shop');
    assert.deepEqual(project.release.ecto, { app: 'shop', namespace: 'Shop', dir: 'apps/shop' });
    assert.deepEqual(project.release.assets, [{ dir: 'apps/shop_web', hasFolder: true }]);
    assert.ok(project.release.umbrellaReleaseEdit);
  });

  it('adopts a Dockerfile that runs mix release, and reads the release files the project has', () => {
    const base = loadProject('release_dockerfile');
    const files = { ...base.files, 'rel/overlays/bin/server': '#!/bin/sh\n', 'lib/shipyard/release.ex': '# Tasks\ndefmodule Shipyard.Release do\nend\n' };
    const { release } = readReleaseProject({ ...base, files, folders: [] }).project;
    assert.equal(release.releaseDockerfile, base.files['Dockerfile']);
    assert.deepEqual(release.existing, { envSh: false, server: true, serverForwardsLoopback: false, migrate: false, releaseModule: { path: 'lib/shipyard/release.ex', module: 'Shipyard.Release' } });
  });

  it('does not adopt the release Dockerfile a scaffold rendered, even edited or with CRLF line endings', () => {
    const base = loadProject('release_dockerfile');
    const own = '# Production image of shipyard: the Mix release is built in the first stage and copied\n# alone into a slim Debian image.\nFROM elixir AS builder\nRUN mix release && rm -f "_build/$MIX_ENV/rel/shipyard/releases/COOKIE"\n';
    for (const dockerfile of [own, own.replace(/\n/g, '\r\n'), own.replace('FROM elixir', 'FROM elixir:1.18')]) {
      const { release } = readReleaseProject({ ...base, files: { ...base.files, Dockerfile: dockerfile }, folders: [] }).project;
      assert.equal(release.releaseDockerfile, undefined);
    }
  });

  it('notes a releases: setting it cannot read, and keeps the app as the release name', () => {
    const base = loadProject('no_ecto');
    const mixfile = (base.files['mix.exs'] ?? '').replace('deps: deps()', 'deps: deps(),\n      releases: releases()');
    const reading = readReleaseProject({ ...base, files: { ...base.files, 'mix.exs': mixfile }, folders: [] });
    assert.equal(reading.project.release.name, 'landing');
    assert.match(reading.notes.join('\n'), /releases in mix\.exs could not be read/);
  });
});

describe('release files and folders to read', () => {
  it('lists the fixed files, the release module of each candidate app, the imported configs and the asset folders', () => {
    assert.ok(RELEASE_FILES.includes('config/runtime.exs'));
    assert.ok(RELEASE_FILES.includes('rel/env.sh.eex'));
    const umbrella = readProject(loadProject('umbrella')).project;
    assert.deepEqual(releaseProjectFiles(umbrella, 'import Config\nimport_config "secrets.exs"\nimport_config "../apps/*/config/config.exs"\n'), [
      'apps/shop/lib/shop/release.ex',
      'apps/shop_web/lib/shop_web/release.ex',
      'config/secrets.exs',
    ]);
    assert.deepEqual(releaseFolders(umbrella), ['assets', 'priv', 'lib', 'apps/shop/assets', 'apps/shop_web/assets']);
    assert.deepEqual(releaseProjectFiles(readProject(loadProject('no_ecto')).project, undefined), ['lib/landing/release.ex']);
  });
});
