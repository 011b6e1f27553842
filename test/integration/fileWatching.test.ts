import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DockerEngine } from '../../src/docker/engine';
import { detectComposeCli } from '../../src/docker/composeCli';
import { startComposeProject, tearDownComposeProject } from '../../src/docker/lifecycle';
import { checkFileWatching } from '../../src/ui/fileWatchingCheck';
import { applyFix } from '../../src/ui/fileWatchingReport';
import { PhoenixProjects, type PhoenixProject } from '../../src/ui/phoenixProjects';
import { Settings } from '../../src/ui/settings';
import { BENCH_IMAGE, docker, requireDocker, scaffoldFixture } from './support';

describe('Check File Watching (real Docker engine)', function () {
  this.timeout(300_000);
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  const root = folder.uri.fsPath;
  const engine = new DockerEngine({ dockerHost: '' });
  const log = vscode.window.createOutputChannel('file watching test', { log: true });
  const projects = new PhoenixProjects(log, new Settings(vscode.workspace));
  const project = (): PhoenixProject => {
    const found = projects.all.find((candidate) => candidate.environment.kind === 'dev');
    assert.ok(found?.scaffolded);
    return found;
  };
  let restoreFixture = (): Promise<void> => Promise.resolve();
  let appId = '';
  const others: string[] = [];
  /** A container of the bench's Elixir image that only sleeps, with `args` before the image. */
  const sleeper = async (...args: string[]): Promise<string> => {
    const id = await docker('run', '-d', '--rm', '--name', `file-watching-${randomBytes(4).toString('hex')}`, ...args, BENCH_IMAGE, 'sleep', '600');
    others.push(id);
    return id;
  };
  const probeLeftovers = async (): Promise<string[]> => (await readdir(join(root, '_build')).catch(() => [] as string[])).filter((name) => name.startsWith('.phoenix-file-watch-'));

  before(async function () {
    await requireDocker(this);
    restoreFixture = (await scaffoldFixture(folder, engine)).restore;
    await projects.refresh();
    await vscode.commands.executeCommand('phoenix.refreshView');
    appId = (await startComposeProject(engine, await detectComposeCli('auto'), project().compose, { readyTimeoutMs: 180_000 })).containerId;
  });

  after(async () => {
    for (const id of others) await docker('rm', '-f', id).catch(() => undefined);
    await tearDownComposeProject(engine, await detectComposeCli('auto'), project().compose, false).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  it('sees an edit here arrive in the dev container on a Linux bind mount, with its latency, and leaves nothing behind', async () => {
    const { report, facts } = await checkFileWatching(engine, project(), appId);
    console.log(`file watching: ${report.verdict.text} (${JSON.stringify(facts.probe)})`);
    assert.equal(facts.probe.kind, 'arrived', JSON.stringify(facts.probe));
    assert.ok(facts.probe.latencyMs >= 0 && facts.probe.latencyMs < 1000, `${facts.probe.latencyMs} ms`);
    assert.equal(report.verdict.severity, 'ok', JSON.stringify(report.findings.filter((finding) => finding.severity !== 'ok' && finding.severity !== 'info')));
    assert.match(report.verdict.text, /\d+ ms/);
    assert.equal(report.mount.kind, 'native');
    assert.equal(facts.projectDir, '/app');
    assert.ok(facts.dependsOnLiveReload);
    assert.equal(facts.config.liveReload.patterns?.length, 3);
    assert.ok(facts.container.hasInotifywait && facts.container.hasWatchman);
    assert.ok(facts.container.maxUserWatches !== undefined && facts.container.watchesInUse !== undefined && facts.container.watchesInUse > 0, 'the fixture\'s live reload holds inotify watches');
    assert.deepEqual(await probeLeftovers(), [], 'the probe and its folder are gone');
  });

  it('runs from the palette command on the project\'s row and opens the report with its verdict first', async () => {
    await vscode.commands.executeCommand('phoenix.checkFileWatching', { kind: 'environment', project: project() });
    const report = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'phoenix-proposed' && document.getText().includes('File watching in the dev container of'));
    assert.ok(report, 'the report is open, read-only');
    assert.ok(!report.isDirty && !report.isUntitled, 'closing it asks nothing');
    const lines = report.getText().split('\n').filter((line) => line.startsWith('## '));
    assert.match(lines[0] ?? '', /^## OK: Live reload sees your edits\. An edit here reaches the container in \d+ ms\./);
  });

  it('fails when the container\'s project is a copy, and says to mount it', async () => {
    const copy = await sleeper('-w', '/app');
    await docker('cp', `${root}/.`, `${copy}:/app`);
    const { report, facts } = await checkFileWatching(engine, project(), copy);
    assert.equal(facts.probe.kind, 'not-visible', JSON.stringify(facts.probe));
    assert.equal(report.verdict.severity, 'problem');
    assert.equal(report.mount.kind, 'not-shared');
    assert.match(report.verdict.text, /does not see this project folder/);
    assert.match(report.findings.find((finding) => finding.topic === 'events')?.manual ?? '', /\.\.:\/app/);
    assert.deepEqual(await probeLeftovers(), []);
  });

  it('fails without inotifywait in the image, and its polling fix applied to config/dev.exs clears it', async () => {
    const bare = await sleeper('-v', `${root}:/app`, '-w', '/app', '--user', '0');
    // The image has inotify-tools: this container loses it.
    await docker('exec', bare, 'rm', '-f', '/usr/bin/inotifywait');
    const before = await checkFileWatching(engine, project(), bare);
    assert.equal(before.facts.probe.kind, 'no-inotifywait');
    assert.equal(before.report.verdict.severity, 'problem');
    assert.match(before.report.verdict.text, /inotifywait is missing/);
    const fix = before.report.findings.find((finding) => finding.topic === 'events')?.fix;
    assert.ok(fix, 'the polling backend is offered');
    await applyFix(before.root, fix);
    assert.match(await readFile(join(root, 'config/dev.exs'), 'utf8'), /\nconfig :phoenix_live_reload, backend: :fs_poll, backend_opts: \[interval: 500\]\n$/);
    const after = await checkFileWatching(engine, project(), bare);
    assert.equal(after.facts.config.liveReload.backend, ':fs_poll');
    assert.notEqual(after.report.verdict.severity, 'problem', after.report.verdict.text);
  });
});
