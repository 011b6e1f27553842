import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { NodeDiscovery } from '../../src/core/node';
import { helperExecArgv, observerHelperCommand } from '../../src/core/observer/helperCommand';
import { parseApplications, parseChildren, parseOverview } from '../../src/core/observer/nodeReplies';
import { parseEtsTables, parseProcessList } from '../../src/core/observer/processReplies';
import type { ObserverRequest } from '../../src/core/observer/protocol';
import { discoverContainerNode } from '../../src/docker/containerNode';
import type { InspectedContainer } from '../../src/docker/engine';
import { detectComposeCli } from '../../src/docker/composeCli';
import { tearDownComposeProject } from '../../src/docker/lifecycle';
import { HelperFaultError, ObserverHelper, ObserverSession, type HelperProgram, type ObserverStatus } from '../../src/docker/observerHelper';
import { docker, processesWith, fixtureSuite, requireDocker, waitFor } from './support';

const NODE = 'hello_phoenix@hello-phoenix';
const PANEL_TITLE = `Observe ${NODE}`;

type FoundNode = NodeDiscovery & { kind: 'found' };

describe('Observe Node (real Docker engine)', function () {
  this.timeout(300_000);
  const { engine, log, projects, target, scaffold, start } = fixtureSuite('observer test');
  let cookie = '';
  let restoreFixture = (): Promise<void> => Promise.resolve();
  let app: InspectedContainer;
  let node: FoundNode;
  let helper: ObserverHelper | undefined;

  /** The program the command starts for `found` (with another cookie or node to test the faults). */
  function program(found: FoundNode): HelperProgram {
    const command = observerHelperCommand({ node: found.node, mode: found.mode, cookie: found.cookie, release: found.release, helperName: `observer_${randomBytes(4).toString('hex')}`, containerEnv: app.env });
    const exec = helperExecArgv({ docker: 'docker', container: app.id, command });
    return { command: exec.command, args: exec.args, env: exec.env };
  }

  /** Evaluates Elixir on the app's node from a VM in its container, as a user's `--rpc-eval` would. */
  async function rpc(code: string): Promise<string> {
    return docker('exec', app.id, 'elixir', '--sname', `rpc_${randomBytes(4).toString('hex')}`, '--cookie', cookie, '--rpc-eval', NODE, code);
  }

  async function ask(request: ObserverRequest): Promise<unknown> {
    assert.ok(helper);
    return helper.request(request);
  }

  /** The processes in the container with a helper's node name as an argument of their own (not the cookie folder's remover, which has its path). */
  const helpers = (): Promise<string> => docker('exec', app.id, 'sh', '-c', 'for d in /proc/[0-9]*; do tr "\\0" "\\n" < "$d/cmdline" 2>/dev/null | grep -qx "observer_[0-9a-f]*" && echo "$d"; done; true');

  before(async function () {
    await requireDocker(this);
    ({ cookie, restore: restoreFixture } = await scaffold());
    app = await start();
    const discovery = await discoverContainerNode(engine, app);
    assert.ok(discovery.kind === 'found');
    node = discovery;
  });

  after(async () => {
    helper?.dispose();
    for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs)) {
      if (tab.input instanceof vscode.TabInputWebview) await vscode.window.tabGroups.close(tab);
    }
    await tearDownComposeProject(engine, await detectComposeCli('auto'), target(), false).catch(() => undefined);
    await restoreFixture();
    projects.dispose();
    log.dispose();
  });

  it('starts its helper in the container within seconds, the cookie on no command line', async () => {
    const started = Date.now();
    helper = await ObserverHelper.start(program(node));
    console.log(`observer helper ready in ${Date.now() - started} ms`);
    assert.notEqual(await helpers(), '', 'the helper VM runs in the container');
    assert.deepEqual(await processesWith(cookie), [], 'no command line on this machine or in the container holds the cookie');
  });

  it('shows the application\'s supervisor and its children', async () => {
    const applications = parseApplications(await ask({ op: 'applications' }));
    const hello = applications.find((application) => application.name === 'hello_phoenix');
    assert.ok(hello?.supervisor, `hello_phoenix and its supervisor among ${applications.map((application) => application.name).join(', ')}`);
    assert.ok(applications.some((application) => application.name === 'kernel'));
    assert.equal(hello.supervisorName, 'HelloPhoenix.Supervisor');
    // The application's top supervisor is the one its start/2 started.
    assert.equal(`#PID${hello.supervisor}`, await rpc('IO.puts(inspect(Process.whereis(HelloPhoenix.Supervisor)))'));
    const children = parseChildren(await ask({ op: 'children', pid: hello.supervisor }));
    const endpoint = children.children.find((child) => child.id.includes('HelloPhoenixWeb.Endpoint'));
    assert.ok(endpoint, `the endpoint among ${children.children.map((child) => child.id).join(', ')}`);
    assert.equal(endpoint.state, 'running');
    assert.ok(endpoint.pid !== undefined);
  });

  it('refuses the children of a process that is no supervisor, which lives on, and lists a DynamicSupervisor\'s', async () => {
    // An Agent is a GenServer: the supervisor's `which_children` call would make it exit.
    const agent = (await rpc('{:ok, pid} = Agent.start(fn -> 0 end, name: :children_test_agent); IO.puts(inspect(pid))')).replace(/^#PID/, '');
    const refused = await ask({ op: 'children', pid: agent }).then(() => undefined, (error: unknown) => error);
    assert.equal(await rpc('IO.puts(Process.whereis(:children_test_agent) != nil)'), 'true', 'the agent is still alive, checked over rpc');
    assert.ok(refused instanceof HelperFaultError && refused.fault === 'not-a-supervisor', `refused: ${String(refused)}`);

    const dynamic = (await rpc('{:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, name: :children_test_dynamic); Process.unlink(pid); {:ok, _} = DynamicSupervisor.start_child(pid, {Agent, fn -> 0 end}); IO.puts(inspect(pid))')).replace(/^#PID/, '');
    const children = parseChildren(await ask({ op: 'children', pid: dynamic }));
    assert.deepEqual([children.count, children.children[0]?.type], [1, 'worker']);
  });

  it('puts a process with a large heap at the top of the memory list within two refreshes, and kills it', async () => {
    await rpc('spawn(fn -> big = Enum.to_list(1..1_500_000); Process.register(self(), :observer_test_big); receive do :never -> big end end); IO.puts("spawned")');
    let top: string | undefined;
    for (let refresh = 0; refresh < 2 && top !== 'observer_test_big'; refresh++) {
      const list = parseProcessList(await ask({ op: 'processes', sort: 'memory', limit: 5, filter: '' }));
      top = list.processes[0]?.name;
      if (top !== 'observer_test_big') await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.equal(top, 'observer_test_big');
    const list = parseProcessList(await ask({ op: 'processes', sort: 'memory', limit: 5, filter: 'observer_test' }));
    assert.deepEqual(list.processes.map((row) => row.name), ['observer_test_big'], 'the filter keeps the one process');
    const big = list.processes[0];
    assert.ok(big !== undefined && big.memory > 10_000_000, `its memory: ${big?.memory}`);

    assert.equal(await rpc('IO.puts(Process.whereis(:observer_test_big) != nil)'), 'true');
    await ask({ op: 'kill', pid: big.pid });
    assert.equal(await rpc('IO.puts(inspect(Process.whereis(:observer_test_big)))'), 'nil', 'the killed process is gone, checked over rpc');
    await assert.rejects(ask({ op: 'process', pid: big.pid }), (error: unknown) => error instanceof HelperFaultError && error.fault === 'no-process');
  });

  it('gives the overview figures the node itself gives', async () => {
    const figures = async (): Promise<number[]> => (await rpc(
      'IO.puts(Enum.join([:erlang.system_info(:process_count), :erlang.system_info(:atom_count), length(:ets.all()), :erlang.system_info(:schedulers), :erlang.system_info(:otp_release), :erlang.memory(:total), :erlang.system_info(:port_count)], " "))',
    )).split(' ').map(Number);
    // Asked before and after the helper: the rpc's own evaluation moves the figures a little.
    const before = await figures();
    const overview = parseOverview(await ask({ op: 'overview' }));
    const after = await figures();
    const within = (label: string, value: number, index: number, slack: number): void => {
      const low = Math.min(before[index] ?? 0, after[index] ?? 0) - slack;
      const high = Math.max(before[index] ?? 0, after[index] ?? 0) + slack;
      assert.ok(value >= low && value <= high, `${label} ${value} not in ${low}..${high}`);
    };
    assert.equal(overview.node, NODE);
    assert.equal(overview.otp, String(after[4]));
    assert.equal(overview.schedulers, after[3]);
    within('processes', overview.processCount, 0, 20);
    within('atoms', overview.atomCount, 1, 200);
    within('ETS tables', overview.etsCount, 2, 5);
    within('memory', overview.memory.total, 5, 0.1 * (after[5] ?? 0));
    within('ports', overview.portCount, 6, 10);
    assert.ok(overview.processLimit > overview.processCount && overview.uptimeMs > 0);
  });

  it('lists the ETS tables with their owner, and the one a test creates', async () => {
    await rpc('spawn(fn -> t = :ets.new(:observer_test_table, [:named_table, :public]); :ets.insert(t, for(i <- 1..1000, do: {i, i})); receive do :never -> :ok end end); IO.puts(:ok)');
    const ets = parseEtsTables(await ask({ op: 'ets' }));
    const table = ets.tables.find((candidate) => candidate.name === 'observer_test_table');
    assert.ok(table, `the table among ${ets.tables.map((candidate) => candidate.name).join(', ')}`);
    assert.deepEqual([table.size, table.type, table.protection, table.named], [1000, 'set', 'public', true]);
    assert.ok(table.memory > 1000 * 8, `its memory: ${table.memory}`);
    assert.ok(Math.abs(ets.count - Number(await rpc('IO.puts(length(:ets.all()))'))) <= 3, `the table count ${ets.count}`);
  });

  it('ends its helper when its input closes', async () => {
    assert.ok(helper);
    helper.dispose();
    await helper.ended;
    helper = undefined;
    await waitFor(async () => (await helpers()) === '', 'the helper VM to end in the container', 10_000);
  });

  it('says the node is not up for a node that never started, and that it refuses another cookie', async () => {
    const statuses = async (found: FoundNode): Promise<ObserverStatus> => {
      const session = new ObserverSession({ program: () => Promise.resolve(program(found)), containerRunning: () => Promise.resolve(true), onStatus: () => undefined });
      try {
        assert.equal(await session.request({ op: 'overview' }), undefined);
        return session.current;
      } finally {
        session.dispose();
      }
    };
    assert.equal((await statuses({ ...node, node: 'not_started@hello-phoenix' })).kind, 'not-up');
    assert.equal((await statuses({ ...node, cookie: { kind: 'value', value: 'not-the-cookie' } })).kind, 'refused');
  });

  it('opens a panel from the command, whose helper ends with it', async () => {
    await vscode.commands.executeCommand('phoenix.observeNode');
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => candidate.label === PANEL_TITLE && candidate.input instanceof vscode.TabInputWebview), 'the observer panel', 30_000);
    await waitFor(async () => (await helpers()) !== '', 'the panel\'s helper in the container', 30_000);
    assert.deepEqual(await processesWith(cookie), [], 'no command line holds the cookie');
    await vscode.commands.executeCommand('phoenix.observeNode');
    assert.equal(vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((candidate) => candidate.label === PANEL_TITLE).length, 1, 'observing the same node again shows its panel');
    await vscode.window.tabGroups.close(tab);
    await waitFor(async () => (await helpers()) === '', 'the helper to end with its panel', 15_000);
  });

  it('says the container stopped, then reconnects once it and its node run again', async () => {
    const seen: ObserverStatus['kind'][] = [];
    const session = new ObserverSession({
      program: () => Promise.resolve(program(node)),
      containerRunning: async () => (await engine.inspectContainer(app.id)).running,
      onStatus: (status) => seen.push(status.kind),
    });
    try {
      assert.ok(await session.request({ op: 'overview' }));
      await docker('stop', app.id);
      await waitFor(async () => (await session.request({ op: 'overview' })) === undefined && session.current.kind === 'container-stopped', 'the session to see the container stopped', 30_000);
      await docker('start', app.id);
      const overview = await waitFor(async () => {
        const value = await session.request({ op: 'overview' });
        if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 1000));
        return value === undefined ? undefined : parseOverview(value);
      }, 'the session to reconnect to the restarted node', 180_000);
      assert.equal(overview.node, NODE);
      assert.equal(session.current.kind, 'connected');
      assert.ok(seen.includes('container-stopped'), seen.join(', '));
    } finally {
      session.dispose();
    }
  });
});
