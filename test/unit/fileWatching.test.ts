import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  FACTS_SCRIPT,
  chooseProbeParent,
  classifyMount,
  decideFileWatching,
  expectedMountKind,
  isProbeEvent,
  probeFileName,
  mountOf,
  namedVolumeEdits,
  onWindowsDriveFromWsl,
  parseContainerFacts,
  parseMounts,
  pollingBackendEdit,
  probeFolderName,
  readWatchConfig,
  serviceSettings,
  stdinOpenEdit,
  watcherFlagEdit,
  type ConfigFile,
  type ContainerWatchFacts,
  type FileWatchingFacts,
  type ProbeOutcome,
} from '../../src/core/fileWatching';
import { readProject, renderDevContainer } from '../../src/core/scaffold';
import { loadProject } from './fixtures/loadProject';

function apply(text: string, edit: { find: string; replace: string }): string {
  const at = text.indexOf(edit.find);
  assert.ok(at >= 0 && text.indexOf(edit.find, at + 1) < 0, `"${edit.find}" occurs exactly once`);
  return text.slice(0, at) + edit.replace + text.slice(at + edit.find.length);
}

function applyAll(files: Record<string, string>, edits: readonly { file: string; find: string; replace: string }[]): Record<string, string> {
  const result = { ...files };
  for (const edit of edits) result[edit.file] = apply(result[edit.file] ?? '', edit);
  return result;
}

const phx = loadProject('phoenix_postgres').files;
const devConfig: ConfigFile = { path: 'config/dev.exs', text: phx['config/dev.exs'] ?? '' };
const configFiles: ConfigFile[] = [{ path: 'config/config.exs', text: phx['config/config.exs'] ?? '' }, devConfig];

const rendered = renderDevContainer(readProject(loadProject('phoenix_postgres')).project, {
  host: { uid: 1000, gid: 1000, platform: 'linux' },
  composeProject: 'blog_devcontainer',
  randomBytes: new Uint8Array(16),
});
const generated = (path: string): ConfigFile => ({ path, text: rendered.files.find((file) => file.path === path)?.content ?? '' });
const composeFile = generated('.devcontainer/docker-compose.yml');
const dockerfile = generated('.devcontainer/Dockerfile');

const LINUX_MOUNTS = [
  'overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B 0 0',
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  '/dev/sda1 /app ext4 rw,relatime 0 0',
  '/dev/sda1 /etc/hosts ext4 rw,relatime 0 0',
].join('\n');

function container(overrides: Partial<ContainerWatchFacts> = {}): ContainerWatchFacts {
  return { mounts: parseMounts(LINUX_MOUNTS), maxUserWatches: 524288, maxUserInstances: 512, instancesInUse: 2, watchesInUse: 120, hasInotifywait: true, hasWatchman: true, ...overrides };
}

function facts(overrides: Partial<FileWatchingFacts> = {}, probe: ProbeOutcome = { kind: 'arrived', latencyMs: 42 }): FileWatchingFacts {
  return {
    container: container(),
    projectDir: '/app',
    volumeFolders: [],
    probe,
    dependsOnLiveReload: true,
    config: readWatchConfig(configFiles),
    devConfig,
    configFiles,
    compose: { file: composeFile, service: 'app', settings: serviceSettings(composeFile.text, 'app'), dockerfile },
    ...overrides,
  };
}

describe('mounts', () => {
  it('finds the mount that holds the project and tells how events reach it', () => {
    const mounts = parseMounts(LINUX_MOUNTS);
    assert.equal(mountOf(mounts, '/app')?.fsType, 'ext4');
    assert.equal(mountOf(mounts, '/app/lib/x.ex')?.mountPoint, '/app');
    assert.equal(mountOf(mounts, '/application')?.mountPoint, '/', 'a mount point is a whole path part');
    assert.equal(classifyMount(mountOf(mounts, '/app')), 'native');
    assert.equal(classifyMount(mountOf(mounts, '/srv/copy')), 'not-shared');
    const kinds = (line: string): string => classifyMount(mountOf(parseMounts(line), '/app'));
    assert.equal(kinds('virtiofs0 /app virtiofs rw,relatime 0 0'), 'vm-share');
    assert.equal(kinds('/run/host_mark/Users /app fakeowner ro 0 0'), 'vm-share');
    assert.equal(kinds('grpcfuse /app fuse.grpcfuse rw,nosuid 0 0'), 'vm-share');
    assert.equal(kinds('drvfs /app 9p rw,relatime,dirsync,aname=drvfs 0 0'), 'no-events');
    assert.equal(kinds('server:/export /app nfs4 rw 0 0'), 'no-events');
    assert.equal(mountOf(parseMounts('/dev/sda1 /my\\040app ext4 rw 0 0'), '/my app/lib')?.mountPoint, '/my app', 'octal escapes are read');
  });

  it('knows before any container what a host gives: Docker Desktop shares on macOS and Windows, WSL2 drives give none', () => {
    assert.equal(expectedMountKind('linux'), 'native');
    assert.equal(expectedMountKind('darwin'), 'vm-share');
    assert.equal(expectedMountKind('win32'), 'vm-share');
    assert.equal(expectedMountKind('linux', true), 'no-events');
    const wsl = 'Linux version 5.15.167.4-microsoft-standard-WSL2 (root@x) #1 SMP';
    assert.ok(onWindowsDriveFromWsl('/mnt/c/Users/me/shop', wsl));
    assert.ok(!onWindowsDriveFromWsl('/home/me/shop', wsl), 'the Linux file system of WSL delivers events');
    assert.ok(!onWindowsDriveFromWsl('/mnt/c/shop', 'Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)'), 'a /mnt folder on plain Linux is no Windows drive');
  });
});

describe('container facts', () => {
  it('reads the sections the facts script prints', () => {
    assert.ok(!/\$\{?[A-Z]/.test(FACTS_SCRIPT.replace(/\$\{?(fd|n|instances|watches|tool)\b/g, '')), 'the script uses only its own variables');
    const output = ['== mounts', LINUX_MOUNTS, '== max_user_watches', '8192', '== max_user_instances', '128', '== inotify_in_use', '3 8100', '== tools', 'inotifywait yes', 'watchman no', ''].join('\n');
    const parsed = parseContainerFacts(output);
    assert.equal(parsed.mounts.length, 4);
    assert.deepEqual([parsed.maxUserWatches, parsed.maxUserInstances, parsed.instancesInUse, parsed.watchesInUse, parsed.hasInotifywait, parsed.hasWatchman], [8192, 128, 3, 8100, true, false]);
    const unreadable = parseContainerFacts('== max_user_watches\n\n== tools\n');
    assert.deepEqual([unreadable.maxUserWatches, unreadable.hasInotifywait], [undefined, false]);
  });
});

describe('probe', () => {
  it('goes in a folder git ignores and the container shares with this machine', () => {
    assert.deepEqual(chooseProbeParent(phx['.gitignore'] ?? '/_build/\n/deps/\n', []), { folder: '_build', ignoredByGit: true });
    assert.deepEqual(chooseProbeParent('/_build/\n/deps/\n/tmp/\n', ['deps', '_build']), { folder: 'tmp', ignoredByGit: true });
    assert.deepEqual(chooseProbeParent(undefined, ['_build']), { folder: 'deps', ignoredByGit: false });
    assert.throws(() => probeFolderName('../x'), RangeError);
    assert.equal(probeFolderName('ab12cd34'), '.phoenix-file-watch-ab12cd34');
    assert.ok(isProbeEvent('CREATE probe-1a2b', 'probe-1a2b'));
    assert.ok(isProbeEvent('CLOSE_WRITE,CLOSE probe-1a2b', 'probe-1a2b'));
    assert.ok(!isProbeEvent('CREATE probe-1a2b2', 'probe-1a2b'));
    assert.ok(!isProbeEvent('CREATE probe', 'probe-1a2b'));
    assert.equal(probeFileName('1a2b'), 'probe-1a2b');
    assert.throws(() => probeFileName('../x'));
  });
});

describe('the project\'s watch config', () => {
  it('reads live reload patterns, the backend and the asset watchers of a phx.new project', () => {
    const config = readWatchConfig(configFiles);
    const patterns = config.liveReload.patterns ?? [];
    assert.equal(patterns.length, 3);
    assert.equal(patterns[2], '~r"lib/blog_web/(controllers|live|components)/.*(ex|heex)$"');
    assert.equal(config.liveReload.backend, undefined);
    assert.deepEqual(config.watchers.map((watcher) => [watcher.name, watcher.watch]), [['esbuild', 'plain'], ['tailwind', 'plain']]);
  });

  it('reads a polling backend and its interval, wherever it is configured', () => {
    const noEcto = loadProject('no_ecto').files;
    const config = readWatchConfig([{ path: 'config/config.exs', text: noEcto['config/config.exs'] ?? '' }]);
    assert.deepEqual([config.liveReload.backend, config.liveReload.pollIntervalMs], [':fs_poll', 500]);
    const edited = apply(devConfig.text, pollingBackendEdit(devConfig));
    const polled = readWatchConfig([{ path: devConfig.path, text: edited }]).liveReload;
    assert.deepEqual([polled.backend, polled.pollIntervalMs, polled.patterns?.length], [':fs_poll', 500, 3]);
  });

  it('makes each plain --watch one that lasts, and reads it back', () => {
    const config = readWatchConfig(configFiles);
    let text = devConfig.text;
    for (const watcher of config.watchers) {
      const edit = watcherFlagEdit(watcher, devConfig);
      assert.ok(edit);
      text = apply(text, edit);
    }
    assert.match(text, /~w\(--sourcemap=inline --watch=forever\)/);
    assert.match(text, /\[:blog, ~w\(--watch=always\)\]/);
    assert.deepEqual(readWatchConfig([{ path: devConfig.path, text }]).watchers.map((watcher) => watcher.watch), ['forever', 'always']);
    assert.equal(watcherFlagEdit({ name: 'node', watch: 'plain', flag: { file: devConfig.path, start: 0, end: 7 } }, devConfig), undefined, 'no lasting flag is known for other tools');
  });

  it('ignores commented-out watchers and patterns', () => {
    const text = 'config :a, AWeb.Endpoint,\n  # watchers: [esbuild: {Esbuild, :install_and_run, [:a, ~w(--watch)]}]\n  live_reload: [patterns: [~r"x"]]\n';
    const config = readWatchConfig([{ path: 'config/dev.exs', text }]);
    assert.deepEqual(config.watchers, []);
    assert.deepEqual(config.liveReload.patterns, ['~r"x"']);
  });
});

describe('compose edits', () => {
  it('adds stdin_open to the app service', () => {
    assert.deepEqual(serviceSettings(composeFile.text, 'app'), { found: true, stdinOpen: false, tty: false });
    const edit = stdinOpenEdit(composeFile, 'app');
    assert.ok(edit);
    const edited = apply(composeFile.text, edit);
    assert.equal((parse(edited) as { services: { app: { stdin_open: boolean } } }).services.app.stdin_open, true);
    assert.equal(serviceSettings(edited, 'app').stdinOpen, true);
    assert.equal(stdinOpenEdit(composeFile, 'nope'), undefined);
  });

  it('moves deps and _build to named volumes, owned by the user in a generated Dockerfile', () => {
    const edits = namedVolumeEdits(composeFile, 'app', '/app', dockerfile);
    assert.ok(edits);
    const files = applyAll({ [composeFile.path]: composeFile.text, [dockerfile.path]: dockerfile.text }, edits);
    const compose = parse(files[composeFile.path] ?? '') as { services: { app: { volumes: string[] } }; volumes: Record<string, unknown> };
    assert.deepEqual(compose.services.app.volumes, ['..:/app', 'deps:/app/deps', 'build:/app/_build']);
    assert.deepEqual(Object.keys(compose.volumes).sort(), ['build', 'db-data', 'deps']);
    assert.match(files[dockerfile.path] ?? '', /mkdir -p \/app \/app\/deps \/app\/_build;/);
    assert.match(files[dockerfile.path] ?? '', /chown "\$USER_UID:\$USER_GID" \/app \/app\/deps \/app\/_build;/);
    // Equal to what the scaffold writes with named volumes.
    const withVolumes = renderDevContainer(readProject(loadProject('phoenix_postgres')).project, { host: { uid: 1000, gid: 1000, platform: 'linux' }, composeProject: 'blog_devcontainer', randomBytes: new Uint8Array(16), namedVolumes: true });
    assert.deepEqual((parse(withVolumes.files.find((file) => file.path === composeFile.path)?.content ?? '') as typeof compose).services.app.volumes, compose.services.app.volumes);
  });
});

describe('decideFileWatching', () => {
  it('says live reload works when the event arrives on a native mount, with the latency', () => {
    const report = decideFileWatching(facts());
    assert.equal(report.verdict.severity, 'ok');
    assert.match(report.verdict.text, /42 ms/);
    assert.equal(report.mount.kind, 'native');
    assert.ok(report.findings.some((finding) => finding.topic === 'live-reload' && /3 patterns/.test(finding.title)));
    assert.ok(report.findings.filter((finding) => finding.topic === 'watchers').every((finding) => finding.severity === 'info' && finding.fix !== undefined), 'plain --watch is information, with the lasting flag offered');
  });

  it('fails when no event arrives and offers the polling backend, which then reads as fixed', () => {
    const report = decideFileWatching(facts({}, { kind: 'no-event', waitedMs: 5000 }));
    assert.equal(report.verdict.severity, 'problem');
    assert.match(report.verdict.text, /do not reach the container/);
    const fix = report.findings.find((finding) => finding.topic === 'events')?.fix;
    assert.ok(fix);
    const polled = applyAll({ [devConfig.path]: devConfig.text }, fix.edits)[devConfig.path] ?? '';
    const after = decideFileWatching(facts({ config: readWatchConfig([configFiles[0] as ConfigFile, { path: devConfig.path, text: polled }]) }, { kind: 'no-event', waitedMs: 5000 }));
    assert.equal(after.verdict.severity, 'warning', 'polling still sees the edits');
  });

  it('fails when the container does not see the folder, with the mount to add', () => {
    const copy = container({ mounts: parseMounts('overlay / overlay rw 0 0') });
    const report = decideFileWatching(facts({ container: copy }, { kind: 'not-visible', containerPath: '/app/_build/.phoenix-file-watch-x' }));
    assert.equal(report.verdict.severity, 'problem');
    assert.equal(report.mount.kind, 'not-shared');
    assert.match(report.findings.find((finding) => finding.topic === 'events')?.manual ?? '', /\.\.:\/app/);
  });

  it('fails without inotifywait unless live reload polls', () => {
    const missing = container({ hasInotifywait: false });
    const report = decideFileWatching(facts({ container: missing }, { kind: 'no-inotifywait' }));
    assert.equal(report.verdict.severity, 'problem');
    assert.ok(report.findings.find((finding) => finding.topic === 'events')?.fix?.edits[0]?.replace.includes('backend: :fs_poll'));
    const polling = readWatchConfig([...configFiles, { path: 'config/polling.exs', text: 'config :phoenix_live_reload, backend: :fs_poll\n' }]);
    assert.notEqual(decideFileWatching(facts({ container: missing, config: polling }, { kind: 'no-inotifywait' })).verdict.severity, 'problem');
  });

  it('warns about a VM share and late events, and offers named volumes', () => {
    const share = container({ mounts: parseMounts('overlay / overlay rw 0 0\nvirtiofs0 /app virtiofs rw 0 0') });
    const report = decideFileWatching(facts({ container: share }, { kind: 'arrived', latencyMs: 1800 }));
    assert.equal(report.verdict.severity, 'warning');
    assert.equal(report.mount.kind, 'vm-share');
    assert.ok(report.findings.find((finding) => finding.topic === 'mount')?.fix?.edits.some((edit) => edit.replace.includes('deps:/app/deps')));
    assert.ok(report.findings.find((finding) => finding.topic === 'events')?.fix, 'late events: polling is offered');
    const volumes = decideFileWatching(facts({ container: share, volumeFolders: ['deps', '_build'] }));
    assert.equal(volumes.findings.find((finding) => finding.topic === 'mount')?.fix, undefined, 'volumes already there: nothing to offer');
  });

  it('fails when inotify watches or instances run out', () => {
    const exhausted = decideFileWatching(facts({ container: container({ maxUserWatches: 8192, watchesInUse: 8192 }) }));
    assert.equal(exhausted.verdict.severity, 'problem');
    assert.match(exhausted.findings.find((finding) => finding.topic === 'inotify')?.manual ?? '', /max_user_watches/);
    assert.equal(decideFileWatching(facts({ container: container({ maxUserInstances: 128, instancesInUse: 127 }) })).verdict.severity, 'problem');
  });

  it('says when the project has no live reload, or it watches nothing', () => {
    assert.equal(decideFileWatching(facts({ dependsOnLiveReload: false })).verdict.severity, 'ok');
    const noPatterns = readWatchConfig([{ path: 'config/dev.exs', text: 'config :a, AWeb.Endpoint, live_reload: []\n' }]);
    assert.equal(decideFileWatching(facts({ config: noPatterns })).verdict.severity, 'warning');
  });
});
