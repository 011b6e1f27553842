import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ListedContainer } from '../../src/core/containerState';
import { erlangNodeName } from '../../src/core/node';
import { mergeServices, projectContextValue, publishedPorts, serviceContextValue } from '../../src/core/serviceView';

const container = (service: string, id = `${service}-id`): ListedContainer => ({ id, service, state: 'running', status: 'Up 1 second', labels: {} });

describe('mergeServices', () => {
  it('lists the containers and the defined services without one, by name', () => {
    const web = container('web');
    const db = container('db');
    assert.deepEqual(mergeServices([web, db], ['web', 'db', 'mailer', 'db']), [
      { name: 'db', container: db },
      { name: 'mailer', container: undefined },
      { name: 'web', container: web },
    ]);
  });

  it('keeps every container of a scaled service, and containers the files no longer define', () => {
    const one = container('worker', 'a');
    const two = container('worker', 'b');
    const old = container('legacy');
    assert.deepEqual(mergeServices([two, old, one], ['worker']).map((entry) => entry.container?.id), ['legacy-id', 'a', 'b']);
  });

  it('is empty when there is neither', () => {
    assert.deepEqual(mergeServices([], []), []);
  });
});

describe('erlangNodeName', () => {
  it('prefers the node label the scaffold puts on the app', () => {
    assert.equal(erlangNodeName({ labels: { 'dev.phoenix.node.name': 'app@app' }, command: 'elixir --sname other -S mix phx.server' }), 'app@app');
  });

  it('reads --sname, --name, -sname and -name after an Erlang program in the command', () => {
    assert.equal(erlangNodeName({ labels: {}, command: 'elixir --sname app -S mix phx.server' }), 'app');
    assert.equal(erlangNodeName({ labels: {}, command: '/usr/local/bin/iex --name app@172.40.0.2 --cookie x -S mix' }), 'app@172.40.0.2');
    assert.equal(erlangNodeName({ labels: {}, command: 'sh -c iex --sname dev -S mix phx.server' }), 'dev');
    assert.equal(erlangNodeName({ labels: {}, command: 'erl -sname probe -noshell' }), 'probe');
  });

  it('finds none without a node flag, without an Erlang program, or without a name after the flag', () => {
    assert.equal(erlangNodeName({ labels: {}, command: 'mix phx.server' }), undefined);
    assert.equal(erlangNodeName({ labels: {}, command: 'postgres --name db' }), undefined);
    assert.equal(erlangNodeName({ labels: {}, command: 'elixir --sname' }), undefined);
    assert.equal(erlangNodeName({ labels: {}, command: 'elixir --sname --cookie x' }), undefined);
    assert.equal(erlangNodeName({ labels: { 'dev.phoenix.node.name': '' } }), undefined);
  });
});

describe('publishedPorts', () => {
  it('shows each published port once, with the address only when it is a single one', () => {
    assert.deepEqual(publishedPorts({
      '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '5432' }],
      '4000/tcp': [{ HostIp: '0.0.0.0', HostPort: '4000' }, { HostIp: '::', HostPort: '4000' }],
      '4369/tcp': null,
      '53/udp': [{ HostIp: '', HostPort: '5353' }],
      '9000/tcp': [{ HostIp: '::1', HostPort: '9001' }],
    }), ['5353→53/udp', '4000→4000', '127.0.0.1:5432→5432', '[::1]:9001→9000']);
  });

  it('is empty without ports', () => {
    assert.deepEqual(publishedPorts(undefined), []);
    assert.deepEqual(publishedPorts({ '4000/tcp': null }), []);
  });
});

describe('context values', () => {
  it('puts the state, then node and web, after "service"', () => {
    assert.equal(serviceContextValue({ kind: 'running' }, { node: true, web: true }), 'service running node web');
    assert.equal(serviceContextValue({ kind: 'healthy' }, { node: true, web: false }), 'service running healthy node');
    assert.equal(serviceContextValue({ kind: 'starting' }, { node: false, web: true }), 'service running starting web');
    assert.equal(serviceContextValue({ kind: 'stopped', exitCode: 143 }, { node: true, web: false }), 'service stopped node');
    assert.equal(serviceContextValue({ kind: 'exited', exitCode: 1 }, { node: false, web: false }), 'service exited');
    assert.equal(serviceContextValue({ kind: 'missing' }, { node: false, web: false }), 'service missing');
    assert.equal(serviceContextValue({ kind: 'restarting' }, { node: false, web: false }), 'service restarting');
  });

  it('says a project runs when any of its containers is up', () => {
    assert.equal(projectContextValue([{ kind: 'missing' }, { kind: 'running' }]), 'project running');
    assert.equal(projectContextValue([{ kind: 'stopped', exitCode: 0 }, { kind: 'paused' }]), 'project running');
    assert.equal(projectContextValue([{ kind: 'stopped', exitCode: 0 }, { kind: 'exited', exitCode: 1 }, { kind: 'missing' }]), 'project stopped');
    assert.equal(projectContextValue([]), 'project stopped');
  });

  it('matches the menus of package.json', async () => {
    const manifest = JSON.parse(await readFile(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { menus: Record<string, { command: string; when: string; group?: string }[]> };
    };
    const menus = manifest.contributes.menus['view/item/context'] ?? [];
    /** The commands whose `viewItem =~ /.../` matches a context value, inline or in the context menu. */
    const commandsFor = (contextValue: string, inline: boolean): string[] => menus
      .filter((entry) => (entry.group?.startsWith('inline') ?? false) === inline)
      .filter((entry) => {
        const regex = /viewItem =~ \/(.*?)\/ /.exec(entry.when)?.[1];
        return regex !== undefined && new RegExp(regex).test(contextValue);
      })
      .map((entry) => entry.command.replace('phoenix.', ''));
    assert.deepEqual(commandsFor('service running node web', true), ['attachRemoteIex', 'stopDevContainer']);
    assert.deepEqual(commandsFor('service running healthy node web', false), [
      'attachRemoteIex', 'openShell', 'observeNode', 'showLogs', 'openInBrowser', 'checkFileWatching', 'stopDevContainer', 'restartDevContainer',
    ]);
    assert.deepEqual(commandsFor('service running', true), ['stopDevContainer']);
    assert.ok(!commandsFor('service running web', false).includes('observeNode'), 'a service without a node has nothing to observe');
    assert.deepEqual(commandsFor('detail node', true), ['observeNode']);
    assert.deepEqual(commandsFor('detail url', false), []);
    assert.ok(commandsFor('project running', false).includes('observeNode'));
    assert.ok(!commandsFor('project stopped', false).includes('observeNode'));
    assert.deepEqual(commandsFor('service stopped node', true), ['startDevContainer']);
    assert.deepEqual(commandsFor('service exited', false), ['showLogs', 'startDevContainer']);
    assert.deepEqual(commandsFor('service missing', true), ['startDevContainer']);
    assert.deepEqual(commandsFor('service missing', false), ['startDevContainer']);
    assert.deepEqual(commandsFor('project running', true), ['stopDevContainer']);
    assert.deepEqual(commandsFor('project stopped', true), ['startDevContainer']);
    assert.ok(commandsFor('project running', false).includes('checkFileWatching'));
    assert.ok(!commandsFor('project stopped', false).includes('checkFileWatching'), 'file watching is checked in a running container');
    assert.deepEqual(commandsFor('project stopped', false), [
      'showLogs', 'startDevContainer', 'restartDevContainer', 'rebuildDevContainer', 'tearDownDevContainer',
    ]);
  });
});
