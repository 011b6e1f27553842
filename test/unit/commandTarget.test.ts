import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { parseTarget, type ParsedTarget } from '../../src/commands/parseTarget';
import { ENVIRONMENTS, type Environment } from '../../src/core/environments';
import type { PhoenixProject } from '../../src/ui/phoenixProjects';
import { isTargetOf, servicesOf, type Target } from '../../src/ui/target';

/** A stand-in for vscode.Uri: a path, and toString as a file: URI. */
function uri(path: string): vscode.Uri {
  return { fsPath: path, toString: () => `file://${path}` } as unknown as vscode.Uri;
}

function project(path: string, environment: Environment): PhoenixProject {
  return {
    folder: { name: path.slice(path.lastIndexOf('/') + 1), index: 0, uri: uri(path) },
    environment,
    composeProject: environment.projectName('app'),
    dir: uri(`${path}/.devcontainer/${environment.folder}`),
    scaffolded: true,
    hasComposeFile: true,
    compose: { projectName: environment.projectName('app'), projectDirectory: `${path}/.devcontainer`, files: [] },
  };
}

const dev = project('/work/app', ENVIRONMENTS.dev);
const release = project('/work/app', ENVIRONMENTS.release);
const other = project('/work/other', ENVIRONMENTS.dev);
const projects = [dev, release, other];
const CONTAINER = 'c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890';

function target(value: unknown): Target | undefined {
  const parsed = parseTarget(value, projects);
  if ('rejected' in parsed) assert.fail(`rejected: ${parsed.rejected}`);
  return parsed.target;
}

function rejected(value: unknown): string {
  const parsed: ParsedTarget = parseTarget(value, projects);
  if (!('rejected' in parsed)) assert.fail(`accepted ${JSON.stringify(parsed.target?.kind)}`);
  return parsed.rejected;
}

describe('parseTarget: what a command accepts', () => {
  it('takes nothing (the palette) as no target', () => {
    assert.deepEqual(parseTarget(undefined, projects), { target: undefined });
  });

  it('takes each kind of target, referring to the scanned project of the same folder and environment', () => {
    // Another object for the same project, as a test or a stale row holds it.
    const copy = project('/work/app', ENVIRONMENTS.release);
    const environment = target({ kind: 'environment', project: copy });
    assert.ok(environment?.kind === 'environment');
    assert.equal(environment.project, release, 'the scanned project, not the copy');
    assert.deepEqual(target({ kind: 'service', project: dev, service: 'app', container: CONTAINER }), { kind: 'service', project: dev, service: 'app', container: CONTAINER });
    assert.deepEqual(target({ kind: 'service', project: dev, service: 'db', container: undefined }), { kind: 'service', project: dev, service: 'db', container: undefined });
    assert.deepEqual(target({ kind: 'service', project: dev, service: 'db' }), { kind: 'service', project: dev, service: 'db', container: undefined });
    assert.deepEqual(target({ kind: 'node', project: dev, service: 'app', container: CONTAINER.slice(0, 12), node: 'app@app' }), { kind: 'node', project: dev, service: 'app', container: CONTAINER.slice(0, 12), node: 'app@app' });
    assert.deepEqual(target({ kind: 'url', url: 'http://127.0.0.1:4000' }), { kind: 'url', url: 'http://127.0.0.1:4000' });
  });

  it('takes the target a row of the view carries', () => {
    const service = { kind: 'service', project: dev, service: 'app', container: CONTAINER } as const;
    assert.deepEqual(target({ kind: 'project', target: { kind: 'environment', project: dev } }), { kind: 'environment', project: dev });
    assert.deepEqual(target({ kind: 'service', target: service, container: { id: CONTAINER, service: 'app' } }), service);
    assert.deepEqual(target({ kind: 'missing', target: { kind: 'service', project: other, service: 'db', container: undefined } }), { kind: 'service', project: other, service: 'db', container: undefined });
    assert.deepEqual(target({ kind: 'detail', target: { kind: 'url', url: 'https://localhost:4001/' }, id: 'url:x', label: 'x' }), { kind: 'url', url: 'https://localhost:4001/' });
  });

  it('takes the link of a URL row', () => {
    assert.deepEqual(target({ url: 'http://127.0.0.1:4000' }), { kind: 'url', url: 'http://127.0.0.1:4000' });
  });
});

describe('parseTarget: look-alikes', () => {
  it('rejects what is not an object, and rows without a target', () => {
    for (const value of [null, 'phoenix', 42, [dev], () => dev]) rejected(value);
    rejected({ kind: 'message', text: 'Docker is not reachable' });
    rejected({ kind: 'service', target: 'app' });
  });

  it('rejects the tree node of before, which had a project but no target', () => {
    rejected({ kind: 'project', project: dev });
    rejected({ kind: 'service', project: dev, container: { id: CONTAINER, service: 'app', state: 'running', status: '', labels: {} } });
  });

  it('rejects projects that are not in the workspace, or not a project at all', () => {
    assert.match(rejected({ kind: 'environment', project: project('/elsewhere', ENVIRONMENTS.dev) }), /not in the workspace/);
    assert.match(rejected({ kind: 'environment', project: project('/work/other', ENVIRONMENTS.release) }), /not in the workspace/);
    rejected({ kind: 'environment', project: { folder: { uri: '/work/app' }, environment: { kind: 'dev' } } });
    rejected({ kind: 'environment', project: { folder: { uri: uri('/work/app') } } });
    rejected({ kind: 'environment' });
  });

  it('rejects containers that are not ids and names that could be read as options', () => {
    rejected({ kind: 'service', project: dev, service: 'app', container: '--privileged' });
    rejected({ kind: 'service', project: dev, service: 'app', container: 'app-1' });
    rejected({ kind: 'service', project: dev, service: 'app', container: 42 });
    rejected({ kind: 'service', project: dev, service: '-d', container: CONTAINER });
    rejected({ kind: 'service', project: dev, service: 'a b', container: CONTAINER });
    rejected({ kind: 'service', project: dev, service: '', container: CONTAINER });
    rejected({ kind: 'node', project: dev, service: 'app', container: CONTAINER, node: '-eval' });
    rejected({ kind: 'node', project: dev, service: 'app', container: undefined, node: 'app@app' });
  });

  it('rejects URLs that are not http(s), and targets with keys of their own', () => {
    rejected({ url: 'javascript:alert(1)' });
    rejected({ url: 'file:///etc/passwd' });
    rejected({ url: 'http://' });
    rejected({ kind: 'url', url: 'ftp://x' });
    rejected({ url: 'http://127.0.0.1:4000', kind: 'project' });
    rejected({ kind: 'environment', project: dev, service: 'app' });
    rejected({ kind: 'url', url: 'http://127.0.0.1:4000', command: 'x' });
    rejected({ kind: 'container', project: dev });
  });
});

describe('targets', () => {
  it('narrows to the kinds a command takes', () => {
    const url: Target = { kind: 'url', url: 'http://127.0.0.1:4000' };
    assert.equal(isTargetOf(url, ['url', 'environment']), true);
    assert.equal(isTargetOf(url, ['service', 'node']), false);
    assert.equal(isTargetOf(url, []), false);
  });

  it('acts on the service of a row with a container; on the whole environment from a row without one (Start creates it)', () => {
    assert.deepEqual(servicesOf({ kind: 'service', project: dev, service: 'app', container: CONTAINER }), ['app']);
    assert.equal(servicesOf({ kind: 'service', project: dev, service: 'db', container: undefined }), undefined);
    assert.equal(servicesOf({ kind: 'environment', project: dev }), undefined);
    assert.equal(servicesOf(undefined), undefined);
  });
});
