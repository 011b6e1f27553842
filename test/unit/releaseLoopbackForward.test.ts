import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { readReleaseProject, renderReleaseImage, type RenderedReleaseImage } from '../../src/core/release';
import { LOOPBACK_FORWARD_FLAGS } from '../../src/core/release/loopbackForward';
import { bindsEndpointToLoopback } from '../../src/core/release/project';
import { loadProject } from './fixtures/loadProject';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'release');
const RUNTIME = fs.readFileSync(path.join(FIXTURES, 'runtime.exs'), 'utf8');
const LOOPBACK_RUNTIME = RUNTIME.replace('ip: {0, 0, 0, 0, 0, 0, 0, 0}', 'ip: {127, 0, 0, 1}');
const SERVER = 'rel/overlays/bin/server';
const FORWARDER = 'rel/overlays/bin/loopback_forward.script';

function render(extra: Record<string, string> = {}): RenderedReleaseImage {
  const project = loadProject('phoenix_postgres');
  const files = { 'mix.lock': '%{}\n', 'config/prod.exs': fs.readFileSync(path.join(FIXTURES, 'prod.exs'), 'utf8'), 'config/runtime.exs': RUNTIME, ...project.files, ...extra };
  return renderReleaseImage(readReleaseProject({ ...project, files, folders: ['lib', 'priv'] }).project, { composeProject: 'blog_release', randomBytes: new Uint8Array(96).fill(7) });
}

function file(rendered: RenderedReleaseImage, filePath: string): string | undefined {
  return rendered.files.find((candidate) => candidate.path === filePath)?.content;
}

/** The rendered bin/server and forwarder in a release folder whose `blog` is `release`, a stand-in for the release's script. */
function releaseFolder(release: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'release loopback '));
  const rendered = render();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.writeFileSync(path.join(root, 'bin', 'server'), file(rendered, SERVER) ?? '', { mode: 0o755 });
  fs.writeFileSync(path.join(root, 'bin', 'loopback_forward.script'), file(rendered, FORWARDER) ?? '');
  fs.writeFileSync(path.join(root, 'bin', 'blog'), release, { mode: 0o755 });
  return root;
}

describe('bin/server and the loopback forwarder', () => {
  it('renders the forwarder beside the generated bin/server, and the compose file turns it on', () => {
    const rendered = render();
    assert.match(file(rendered, FORWARDER) ?? '', /^Port =\/= none andalso spawn\(Start\)\.$/m);
    const compose = parse(file(rendered, '.devcontainer/release/docker-compose.yml') ?? '') as { services: Record<string, { environment: Record<string, string> }> };
    assert.equal(compose.services['release']?.environment['LOOPBACK_FORWARD_PORT'], '4000');
    assert.deepEqual(rendered.notes, []);
  });

  it('keeps a project\'s own bin/server, writes no forwarder, and says what to do when runtime.exs binds loopback', () => {
    const own = { [SERVER]: '#!/bin/sh\nset -eu\n\ncd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./blog start\n' };
    const stock = render(own);
    assert.equal(file(stock, SERVER), undefined);
    assert.equal(file(stock, FORWARDER), undefined);
    assert.deepEqual(stock.notes, []);
    const loopback = render({ ...own, 'config/runtime.exs': LOOPBACK_RUNTIME });
    assert.match(loopback.notes.join('\n'), /config\/runtime\.exs binds the endpoint to loopback, and the project's own rel\/overlays\/bin\/server was kept, so the page will not answer .* Delete rel\/overlays\/bin\/server and scaffold again/);
  });

  it('keeps a bin/server a scaffold generated, with its forwarder, and has nothing to say about it', () => {
    const generated = file(render(), SERVER) ?? '';
    const again = render({ [SERVER]: generated, 'config/runtime.exs': LOOPBACK_RUNTIME });
    assert.equal(file(again, SERVER), undefined);
    assert.equal(file(again, FORWARDER), file(render(), FORWARDER));
    assert.deepEqual(again.notes, []);
  });

  it('reads a loopback bind in runtime.exs outside comments only', () => {
    assert.equal(bindsEndpointToLoopback(LOOPBACK_RUNTIME), true);
    assert.equal(bindsEndpointToLoopback('config :blog, BlogWeb.Endpoint, http: [ip: {0, 0, 0, 0, 0, 0, 0, 1}, port: 4000]'), true);
    assert.equal(bindsEndpointToLoopback(RUNTIME), false);
    assert.equal(bindsEndpointToLoopback('# http: [ip: {127, 0, 0, 1}]\nconfig :blog, BlogWeb.Endpoint, http: [ip: {0, 0, 0, 0}]'), false);
  });

  describe('bin/server, run by sh', () => {
    // The release's script prints what it was started with.
    const root = releaseFolder('#!/bin/sh\nprintf "%s|%s|%s" "$1" "${PHX_SERVER:-}" "${ERL_ZFLAGS-unset}"\n');
    after(() => { fs.rmSync(root, { recursive: true, force: true }); });
    const server = (env: Record<string, string>): string => {
      const result = spawnSync('sh', [path.join(root, 'bin', 'server')], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };

    it('starts the release as phx.gen.release does, and adds the forwarder\'s flags only with LOOPBACK_FORWARD_PORT', () => {
      assert.equal(server({}), 'start|true|unset');
      assert.equal(server({ ERL_ZFLAGS: '+S 1' }), 'start|true|+S 1');
      assert.equal(server({ LOOPBACK_FORWARD_PORT: '4000' }), `start|true|${LOOPBACK_FORWARD_FLAGS}`);
      assert.equal(server({ LOOPBACK_FORWARD_PORT: '4000', ERL_ZFLAGS: '+S 1' }), `start|true|+S 1 ${LOOPBACK_FORWARD_FLAGS}`);
    });
  });

  // The real thing without Docker: erl with the flags bin/server sets, in a network namespace of its
  // own whose only non-loopback address is 10.9.9.9 (on lo), so nothing listens beyond this machine.
  const isolated = process.platform === 'linux' && spawnSync('unshare', ['-rn', 'erl', '-noshell', '-eval', 'halt()'], { timeout: 20_000 }).status === 0;
  describe('the forwarder in a VM', { skip: isolated ? false : 'needs Linux, erl and unshare -rn (user and network namespaces)' }, () => {
    // The "endpoint": one loopback or all-interfaces listener on 4321 that echoes. A second later
    // the VM connects to 10.9.9.9:4321, prints what it got and whether ERL_ZFLAGS is still set for
    // it and for a program it starts, then halts.
    const endpoint = [
      'Ip = case os:getenv("ENDPOINT_IP") of "all" -> {0, 0, 0, 0}; _ -> {127, 0, 0, 1} end,',
      '{ok, L} = gen_tcp:listen(4321, [binary, {ip, Ip}, {active, false}, {reuseaddr, true}]),',
      'Echo = spawn(fun Loop() -> {ok, S} = gen_tcp:accept(L), {ok, D} = gen_tcp:recv(S, 0), gen_tcp:send(S, [<<"echo:">>, D]), gen_tcp:close(S), Loop() end),',
      'ok = gen_tcp:controlling_process(L, Echo),',
      'spawn(fun() -> timer:sleep(1500),',
      '  Reply = case gen_tcp:connect({10, 9, 9, 9}, 4321, [binary, {active, false}], 2000) of',
      '    {ok, C} -> ok = gen_tcp:send(C, <<"ping">>), {ok, R} = gen_tcp:recv(C, 0, 2000), R;',
      '    {error, E} -> E',
      '  end,',
      '  io:format("reply=~p vm=~p child=~p~n", [Reply, os:getenv("ERL_ZFLAGS"), os:cmd("printf %s \\"$ERL_ZFLAGS\\"")]),',
      '  halt() end).',
    ].join(' ');
    const root = releaseFolder('#!/bin/sh\nexec erl -noshell -eval "$ENDPOINT"\n');
    after(() => { fs.rmSync(root, { recursive: true, force: true }); });
    const run = (env: Record<string, string>): string => {
      const result = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && ip addr add 10.9.9.9/32 dev lo && exec "$0"', path.join(root, 'bin', 'server')], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root, RELEASE_ROOT: root, ENDPOINT: endpoint, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
      return result.stdout;
    };

    it('forwards the container\'s address to an endpoint on loopback, says so once, and leaves ERL_ZFLAGS to no child', () => {
      const output = run({ LOOPBACK_FORWARD_PORT: '4321' });
      assert.match(output, /^The endpoint listens on 127\.0\.0\.1:4321 only, as config\/runtime\.exs says, which the port the container publishes cannot reach: forwarding 10\.9\.9\.9:4321 to it \(LOOPBACK_FORWARD_PORT is set\)\.$/m);
      assert.equal(output.split('forwarding').length, 2);
      assert.match(output, /^reply=<<"echo:ping">> vm=false child=\[\]$/m);
    });

    it('does nothing when the endpoint listens on all interfaces, or without LOOPBACK_FORWARD_PORT', () => {
      const all = run({ LOOPBACK_FORWARD_PORT: '4321', ENDPOINT_IP: 'all' });
      assert.doesNotMatch(all, /forwarding/);
      assert.match(all, /^reply=<<"echo:ping">> vm=false/m);
      const off = run({});
      assert.doesNotMatch(off, /forwarding/);
      assert.match(off, /^reply=econnrefused vm=false child=\[\]$/m);
    });

    it('does nothing with a port that is not one', () => {
      assert.match(run({ LOOPBACK_FORWARD_PORT: '4321; rm -rf /' }), /^reply=econnrefused vm=false/m);
    });
  });
});
