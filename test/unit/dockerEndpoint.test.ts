import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseDockerHost,
  contextDockerHost,
  currentDockerContext,
  parseDockerHost,
  type DockerHostInputs,
} from '../../src/core/dockerEndpoint';

const nothingSet: DockerHostInputs = {
  setting: '',
  env: {},
  contextHost: undefined,
  podmanSocket: undefined,
  defaultSocketExists: true,
  platform: 'linux',
};

describe('chooseDockerHost', () => {
  it('uses the default socket when nothing is set', () => {
    assert.deepEqual(chooseDockerHost(nothingSet), { host: 'unix:///var/run/docker.sock', source: 'default' });
  });

  it('prefers the setting, then DOCKER_HOST, then the CLI context', () => {
    const all = { ...nothingSet, setting: 'tcp://a:1', env: { DOCKER_HOST: 'tcp://b:2' }, contextHost: 'unix:///c.sock' };
    assert.deepEqual(chooseDockerHost(all), { host: 'tcp://a:1', source: 'setting' });
    assert.deepEqual(chooseDockerHost({ ...all, setting: '  ' }), { host: 'tcp://b:2', source: 'DOCKER_HOST' });
    assert.deepEqual(chooseDockerHost({ ...all, setting: '', env: {} }), { host: 'unix:///c.sock', source: 'context' });
  });

  it('falls back to a rootless Podman socket only when the Docker socket is missing', () => {
    const podman = { ...nothingSet, podmanSocket: '/run/user/1000/podman/podman.sock' };
    assert.equal(chooseDockerHost(podman).source, 'default');
    assert.deepEqual(chooseDockerHost({ ...podman, defaultSocketExists: false }), {
      host: 'unix:///run/user/1000/podman/podman.sock',
      source: 'podman',
    });
  });

  it('uses the named pipe on Windows', () => {
    assert.equal(chooseDockerHost({ ...nothingSet, platform: 'win32' }).host, 'npipe:////./pipe/docker_engine');
  });
});

describe('parseDockerHost', () => {
  it('reads unix sockets, including paths with spaces', () => {
    assert.deepEqual(parseDockerHost('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseDockerHost('unix:///home/me/My Sockets/docker.sock'), { socketPath: '/home/me/My Sockets/docker.sock' });
  });

  it('reads Windows named pipes', () => {
    assert.deepEqual(parseDockerHost('npipe:////./pipe/docker_engine'), { socketPath: '\\\\.\\pipe\\docker_engine' });
  });

  it('reads tcp with and without a port', () => {
    assert.deepEqual(parseDockerHost('tcp://10.0.0.5:2375'), { protocol: 'http', host: '10.0.0.5', port: 2375 });
    assert.deepEqual(parseDockerHost('tcp://docker.local'), { protocol: 'http', host: 'docker.local', port: 2375 });
    assert.deepEqual(parseDockerHost('https://docker.local'), { protocol: 'https', host: 'docker.local', port: 2376 });
  });

  it('reads ssh with a user', () => {
    assert.deepEqual(parseDockerHost('ssh://deploy@build.example:2222'), { protocol: 'ssh', host: 'build.example', port: 2222, username: 'deploy' });
    assert.deepEqual(parseDockerHost('ssh://build.example'), { protocol: 'ssh', host: 'build.example', port: 22 });
  });

  it('explains what is wrong with an address it cannot use', () => {
    assert.throws(() => parseDockerHost('/var/run/docker.sock'), /is not a Docker host address/);
    assert.throws(() => parseDockerHost('fd://3'), /unsupported scheme "fd:"/);
  });
});

describe('Docker CLI contexts', () => {
  it('takes DOCKER_CONTEXT over the config file, and treats "default" as none', () => {
    const config = JSON.stringify({ currentContext: 'colima' });
    assert.equal(currentDockerContext({}, config), 'colima');
    assert.equal(currentDockerContext({ DOCKER_CONTEXT: 'remote' }, config), 'remote');
    assert.equal(currentDockerContext({ DOCKER_CONTEXT: 'default' }, config), undefined);
    assert.equal(currentDockerContext({}, JSON.stringify({ currentContext: 'default' })), undefined);
  });

  it('survives a missing or malformed config', () => {
    assert.equal(currentDockerContext({}, undefined), undefined);
    assert.equal(currentDockerContext({}, '{not json'), undefined);
    assert.equal(currentDockerContext({}, '[]'), undefined);
  });

  it('reads the endpoint from a context meta.json', () => {
    const meta = JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///Users/me/.colima/default/docker.sock', SkipTLSVerify: false } } });
    assert.equal(contextDockerHost(meta), 'unix:///Users/me/.colima/default/docker.sock');
    assert.equal(contextDockerHost(JSON.stringify({ Endpoints: {} })), undefined);
    assert.equal(contextDockerHost('garbage'), undefined);
  });
});
