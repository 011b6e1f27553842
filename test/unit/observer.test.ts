import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { helperExecArgv, observerHelperCommand } from '../../src/core/observer/helperCommand';
import { HELPER_SOURCE_LINE } from '../../src/core/observer/helperSource';
import { ChartHistory, filterTables, formatBytes, formatDuration, limitUsage, pacedInterval, ratesBetween, restarted, sortTables } from '../../src/core/observer/metrics';
import { listedAsSupervisor, parseApplications, parseChildren, parseOverview, type Overview, type SupervisorChildren } from '../../src/core/observer/nodeReplies';
import { parseEtsTables, parseProcessDetails, parseProcessList, type EtsTable } from '../../src/core/observer/processReplies';
import { MAX_PROCESS_ROWS, MAX_REPLY_LENGTH, clampLimit, cleanFilter, encodeRequest, parseHelperLine } from '../../src/core/observer/protocol';
import { ReplyShapeError, isPid } from '../../src/core/observer/replyFields';

const COOKIE = 'c0ffee4242';

/** A reply as the helper printed it against a real node (Elixir 1.14, OTP 25). */
const OVERVIEW_REPLY = '{"atom_count":11953,"atom_limit":1048576,"elixir":"1.14.0","erts":"13.1.5","ets_count":24,"ets_limit":8192,"io_input":2025,"io_output":174,"memory":{"atom":327857,"binary":62168,"code":7784374,"ets":415584,"processes":4772920,"system":13867192,"total":18640112},"node":"app@obshost","otp":"25","port_count":6,"port_limit":65536,"process_count":57,"process_limit":262144,"reductions":324124,"run_queue":0,"schedulers":2,"schedulers_online":2,"time_ms":-576460742280,"uptime_ms":9720}';
const PROCESSES_REPLY = '{"interval_ms":null,"matching":57,"processes":[{"current_function":":gen_server.loop/7","initial_call":":application_controller.start/1","memory":689704,"message_queue_len":0,"name":"application_controller","pid":"<0.44.0>","reductions":59288,"value":689704},{"current_function":"Kernel.CLI.exec_fun/2","initial_call":":erlang.apply/2","memory":88616,"message_queue_len":0,"name":null,"pid":"<0.9.0>","reductions":7066,"value":88616}],"sort":"memory","total":57}';

function overview(changes: Partial<Overview> = {}): Overview {
  return { ...parseOverview(JSON.parse(OVERVIEW_REPLY)), ...changes };
}

describe('observer requests', () => {
  it('writes one tab-separated line per request, its id first', () => {
    assert.equal(encodeRequest(1, { op: 'overview' }), '1\toverview\n');
    assert.equal(encodeRequest(7, { op: 'processes', sort: 'reductions', limit: 50, filter: 'Repo' }), '7\tprocesses\treductions\t50\tRepo\n');
    assert.equal(encodeRequest(8, { op: 'kill', pid: '<0.123.0>' }), '8\tkill\t<0.123.0>\n');
    assert.equal(encodeRequest(9, { op: 'children', pid: '<0.5.0>' }), '9\tchildren\t<0.5.0>\n');
  });

  it('sends only process ids as the node writes its own, so nothing else reaches the helper as one', () => {
    for (const pid of ['<0.123.0>', '<0.0.0>']) assert.ok(isPid(pid));
    for (const pid of ['<1.2.3>', '<0.1>', '0.1.2', '<0.1.2>\tkill', '<0.1.2> ', 'self()', '<0.99999999999.0>']) {
      assert.ok(!isPid(pid), pid);
      assert.throws(() => encodeRequest(1, { op: 'kill', pid }), RangeError);
    }
    assert.throws(() => encodeRequest(-1, { op: 'overview' }), RangeError);
  });

  it('keeps a filter in its field and bounds it, and the row count to 1..500', () => {
    assert.equal(cleanFilter('  my\tapp\r\nrepo '), 'my app repo');
    assert.equal(cleanFilter('x'.repeat(500)).length, 100);
    assert.equal(encodeRequest(2, { op: 'processes', sort: 'memory', limit: 10, filter: 'a\tb\nc' }).split('\t').length, 5);
    assert.deepEqual([clampLimit(0), clampLimit(-5), clampLimit(20.7), clampLimit(10_000), clampLimit(Number.NaN)], [1, 1, 20, MAX_PROCESS_ROWS, 1]);
  });
});

describe('observer replies', () => {
  it('reads the ready line, results and faults, and nothing else', () => {
    assert.deepEqual(parseHelperLine('{"ready":true}'), { kind: 'ready' });
    assert.deepEqual(parseHelperLine('{"id":"6","error":"not-a-supervisor"}'), { kind: 'fault', id: 6, fault: 'not-a-supervisor', detail: '' });
    assert.deepEqual(parseHelperLine('{"id":"3","ok":[1,2]}'), { kind: 'reply', id: 3, result: [1, 2] });
    assert.deepEqual(parseHelperLine('{"id":"4","error":"refused"}'), { kind: 'fault', id: 4, fault: 'refused', detail: '' });
    assert.deepEqual(parseHelperLine('{"id":"5","error":"no-such-fault","detail":"x"}'), { kind: 'fault', id: 5, fault: 'failed', detail: 'x' });
    assert.deepEqual(parseHelperLine('{"error":"bad-request"}'), { kind: 'fault', id: undefined, fault: 'bad-request', detail: '' });
    for (const line of ['', 'warning: something', '{"id":3', '[1]', '{"id":"x","ok":1}', '{"id":"3"}', 'null', '{"id":3,"ok":1}']) {
      assert.equal(parseHelperLine(line), undefined, line);
    }
    assert.equal(parseHelperLine(`{"id":"1","ok":"${'x'.repeat(MAX_REPLY_LENGTH)}"}`), undefined);
  });

  it('reads an overview as the helper prints it', () => {
    const parsed = overview();
    assert.equal(parsed.node, 'app@obshost');
    assert.equal(parsed.elixir, '1.14.0');
    assert.equal(parsed.memory.total, 18_640_112);
    assert.equal(parsed.processCount, 57);
    assert.equal(parsed.timeMs, -576_460_742_280, 'the monotonic clock may be negative');
    const withoutElixir = parseOverview({ ...JSON.parse(OVERVIEW_REPLY), elixir: null });
    assert.equal(withoutElixir.elixir, undefined);
  });

  it('refuses a reply of the wrong shape rather than showing made-up numbers', () => {
    const reply = JSON.parse(OVERVIEW_REPLY) as Record<string, unknown>;
    assert.throws(() => parseOverview({ ...reply, process_count: '57' }), ReplyShapeError);
    assert.throws(() => parseOverview({ ...reply, process_count: -1 }), ReplyShapeError);
    assert.throws(() => parseOverview({ ...reply, memory: [] }), ReplyShapeError);
    assert.throws(() => parseOverview([]), ReplyShapeError);
    assert.throws(() => parseProcessList({ ...JSON.parse(PROCESSES_REPLY), sort: 'cpu' }), ReplyShapeError);
    assert.throws(() => parseProcessList({ ...JSON.parse(PROCESSES_REPLY), processes: [{ pid: 'nope' }] }), ReplyShapeError);
  });

  it('reads the top processes, their names, and the interval of reductions', () => {
    const list = parseProcessList(JSON.parse(PROCESSES_REPLY));
    assert.deepEqual([list.total, list.matching, list.sort, list.intervalMs], [57, 57, 'memory', undefined]);
    assert.deepEqual(list.processes.map((row) => [row.pid, row.name, row.initialCall, row.value]), [
      ['<0.44.0>', 'application_controller', ':application_controller.start/1', 689_704],
      ['<0.9.0>', undefined, ':erlang.apply/2', 88_616],
    ]);
    const reply = JSON.parse(PROCESSES_REPLY) as { processes: unknown[] };
    const many = { ...reply, interval_ms: 1000, processes: Array.from({ length: 900 }, () => reply.processes[0]) };
    const bounded = parseProcessList(many);
    assert.equal(bounded.processes.length, MAX_PROCESS_ROWS);
    assert.equal(bounded.intervalMs, 1000);
  });

  it('reads applications, supervisor children, process details and ETS tables', () => {
    const applications = parseApplications([
      { name: 'hello', description: 'hello', version: '0.1.0', supervisor: '<0.200.0>', supervisor_name: 'Hello.Supervisor' },
      { name: 'stdlib', description: 'ERTS', version: '4.2', supervisor: null, supervisor_name: null },
    ]);
    assert.deepEqual(applications.map((app) => [app.supervisor, app.supervisorName]), [['<0.200.0>', 'Hello.Supervisor'], [undefined, undefined]]);
    const children = parseChildren({ count: 3, children: [
      { id: 'Elixir.Hello.Endpoint', pid: '<0.250.0>', state: 'running', type: 'supervisor', name: 'Hello.Endpoint', initial_call: 'Supervisor.init/1', modules: ['Hello.Endpoint'] },
      { id: 'worker', pid: null, state: 'restarting', type: 'worker', name: null, initial_call: null, modules: 'dynamic' },
    ] });
    assert.equal(children.count, 3);
    assert.deepEqual(children.children.map((child) => [child.name, child.pid, child.state, child.type]), [['Hello.Endpoint', '<0.250.0>', 'running', 'supervisor'], [undefined, undefined, 'restarting', 'worker']]);
    const details = parseProcessDetails({
      pid: '<0.9.0>', name: null, status: 'waiting', initial_call: ':erlang.apply/2', current_function: 'Kernel.CLI.exec_fun/2', message_queue_len: 0,
      memory: 100, heap_size: 10, total_heap_size: 20, stack_size: 5, reductions: 7, trap_exit: false, group_leader: '<0.8.0>',
      links: ['<0.1.0>'], monitors: [], monitored_by: [], dictionary_keys: ['$ancestors', 42], stacktrace: ['Kernel.CLI.exec_fun/2 (lib/kernel/cli.ex:1)'],
    });
    assert.deepEqual(details.dictionaryKeys, ['$ancestors'], 'a key that is no text is left out');
    assert.equal(details.trapExit, false);
    const expanded = new Map<string, SupervisorChildren | undefined>([['<0.200.0>', children], ['<0.300.0>', undefined]]);
    assert.ok(listedAsSupervisor('<0.200.0>', applications, expanded), 'an application\'s top process');
    assert.ok(listedAsSupervisor('<0.250.0>', applications, expanded), 'a child of type supervisor');
    assert.ok(!listedAsSupervisor('<0.9.0>', applications, expanded), 'a process the replies did not list');
    assert.ok(!listedAsSupervisor('<0.200.0>', undefined, new Map()), 'nothing listed yet');
    const worker = parseChildren({ count: 1, children: [{ id: 'w', pid: '<0.260.0>', state: 'running', type: 'worker', name: null, initial_call: null, modules: [] }] });
    assert.ok(!listedAsSupervisor('<0.260.0>', applications, new Map([['<0.200.0>', worker]])), 'a worker child');
    const tables = parseEtsTables({ count: 2, tables: [{ id: '#Ref<0.1.2.3>', name: 'code', named: false, type: 'set', size: 414, memory: 166_088, owner: '<0.50.0>', protection: 'private' }] });
    assert.deepEqual([tables.count, tables.tables[0]?.name, tables.tables[0]?.named], [2, 'code', false]);
  });
});

describe('observer figures', () => {
  it('turns counters into rates over the node\'s own clock', () => {
    const before = overview();
    const after = overview({ timeMs: before.timeMs + 2000, uptimeMs: before.uptimeMs + 2000, reductions: before.reductions + 10_000, ioInput: before.ioInput + 4096, ioOutput: before.ioOutput });
    assert.deepEqual(ratesBetween(before, after), { reductionsPerSecond: 5000, ioInputPerSecond: 2048, ioOutputPerSecond: 0 });
    assert.equal(ratesBetween(undefined, after), undefined, 'one sample has no rate');
    assert.equal(ratesBetween(before, before), undefined, 'no time between the samples');
    assert.equal(ratesBetween(before, { ...after, node: 'other@h' }), undefined);
  });

  it('starts over when the node restarted, instead of showing negative rates', () => {
    const before = overview({ uptimeMs: 600_000, reductions: 9_000_000 });
    const again = overview({ uptimeMs: 1000, reductions: 20_000, timeMs: before.timeMs - 5_000_000 });
    assert.ok(restarted(before, again));
    assert.equal(ratesBetween(before, again), undefined);
    const history = new ChartHistory(10);
    history.add(undefined, before);
    history.add(before, overview({ uptimeMs: 601_000, reductions: 9_100_000, timeMs: before.timeMs + 1000 }));
    assert.equal(history.points.length, 2);
    history.add(before, again);
    assert.equal(history.points.length, 1, 'the restarted node\'s history starts again');
  });

  it('keeps a bounded history, oldest first', () => {
    const history = new ChartHistory(3);
    let previous: Overview | undefined;
    for (let second = 0; second < 10; second++) {
      const sample = overview({ timeMs: second * 1000, uptimeMs: 10_000 + second * 1000, processCount: 100 + second });
      history.add(previous, sample);
      previous = sample;
    }
    assert.deepEqual(history.points.map((point) => point.processCount), [107, 108, 109]);
    assert.throws(() => new ChartHistory(0), RangeError);
  });

  it('rates a count against its system limit', () => {
    assert.deepEqual(limitUsage(57, 262_144).level, 'ok');
    assert.deepEqual(limitUsage(7000, 10_000).level, 'warning');
    assert.deepEqual(limitUsage(9500, 10_000), { count: 9500, limit: 10_000, fraction: 0.95, level: 'critical' });
    assert.deepEqual(limitUsage(5, 0).fraction, 0);
    assert.deepEqual(limitUsage(20, 10).fraction, 1);
  });

  it('sorts and filters ETS tables by any column', () => {
    const table = (name: string, size: number, memory: number, owner = '<0.1.0>'): EtsTable => ({ id: name, name, named: true, type: 'set', size, memory, owner, protection: 'public' });
    const tables = [table('b', 10, 300), table('a', 10, 100), table('c', 2, 200, '<0.77.0>'), table('item10', 1, 1), table('item9', 1, 1)];
    assert.deepEqual(sortTables(tables, 'memory', 'descending').map((row) => row.name), ['b', 'c', 'a', 'item10', 'item9']);
    assert.deepEqual(sortTables(tables, 'size', 'ascending').map((row) => row.name), ['item10', 'item9', 'c', 'a', 'b'], 'equal values by name');
    assert.deepEqual(sortTables(tables, 'name', 'ascending').map((row) => row.name), ['a', 'b', 'c', 'item9', 'item10'], 'numbers in names in their natural order');
    assert.deepEqual(filterTables(tables, ' ITEM ').map((row) => row.name), ['item10', 'item9']);
    assert.deepEqual(filterTables(tables, '<0.77').map((row) => row.name), ['c']);
    assert.equal(filterTables(tables, '').length, 5);
  });

  it('paces a costly request so that it spends at most 1 % of the node\'s time', () => {
    assert.equal(pacedInterval(5, 1000), 1000, 'a cheap one at every refresh');
    assert.equal(pacedInterval(22, 1000), 2200);
    assert.equal(pacedInterval(170, 1000), 17_000);
    assert.equal(pacedInterval(0, 1000), 1000);
    assert.equal(pacedInterval(Number.NaN, 1000), 1000);
    assert.equal(pacedInterval(50, 1000, 0.1), 1000);
  });

  it('words bytes and durations', () => {
    assert.deepEqual([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(18_640_112), formatBytes(5 * 1024 ** 3)], ['0 B', '1023 B', '1.5 kB', '18 MB', '5.0 GB']);
    assert.deepEqual([formatDuration(9720), formatDuration(125_000), formatDuration(7_500_000), formatDuration(3 * 86_400_000 + 4 * 3_600_000)], ['9 s', '2 min 5 s', '2 h 5 min', '3 d 4 h']);
  });
});

describe('observer helper command', () => {
  const command = (overrides: Partial<Parameters<typeof observerHelperCommand>[0]> = {}) => observerHelperCommand({
    node: 'hello_phoenix@hello-phoenix',
    mode: 'sname',
    cookie: { kind: 'value', value: COOKIE },
    release: undefined,
    helperName: 'observer_1a2b',
    containerEnv: [`ERLANG_COOKIE=${COOKIE}`, 'MIX_ENV=dev'],
    ...overrides,
  });

  it('starts a hidden VM on loopback under a name of the node\'s mode, the node as its argument', () => {
    const { argv } = command();
    const elixir = argv.slice(argv.indexOf('elixir'));
    assert.deepEqual(elixir.slice(0, 6), ['elixir', '--sname', 'observer_1a2b', '--hidden', '--erl', '-kernel inet_dist_use_interface {127,0,0,1}']);
    assert.equal(elixir[elixir.length - 1], 'hello_phoenix@hello-phoenix');
    const long = command({ node: 'app@172.40.0.2', mode: 'name' }).argv;
    assert.deepEqual(long.slice(long.indexOf('elixir') + 1, long.indexOf('elixir') + 3), ['--name', 'observer_1a2b@172.40.0.2']);
  });

  it('has the node\'s cookie on no command line: in a private cookie file, the container\'s copy emptied', () => {
    const { argv, env } = command();
    assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
    assert.ok(!argv.some((arg) => arg.includes(COOKIE)));
    assert.ok(!argv.includes('--cookie'));
    assert.deepEqual(env, [`PHOENIX_IEX_COOKIE=${COOKIE}`, 'ERLANG_COOKIE=']);
    const exec = helperExecArgv({ docker: 'docker', container: 'abc123', command: command() });
    assert.deepEqual(exec.args.slice(0, 7), ['exec', '-i', '-e', 'PHOENIX_IEX_COOKIE', '-e', 'ERLANG_COOKIE=', 'abc123']);
    assert.ok(!exec.args.some((arg) => arg.includes(COOKIE)), 'docker copies the value from its own environment');
    assert.deepEqual(exec.env, { PHOENIX_IEX_COOKIE: COOKIE });
  });

  it('leaves the cookie to ~/.erlang.cookie when the node reads it from there', () => {
    const { argv, env } = command({ cookie: { kind: 'home-file' } });
    assert.equal(argv[0], 'elixir');
    assert.deepEqual(env, []);
  });

  it('runs a release\'s node\'s helper with the release\'s own elixir and clean boot, the cookie still off the command line', () => {
    const { argv, env } = command({ release: { name: 'hello', root: '/app/' }, containerEnv: [`RELEASE_COOKIE=${COOKIE}`] });
    const program = argv.slice(argv.indexOf('observer_1a2b') + 1);
    assert.deepEqual(program.slice(0, 2), ['sh', '-c']);
    assert.match(program[2] ?? '', /exec "\$dir\/elixir" --boot "\$dir\/start_clean" --boot-var RELEASE_LIB "\$root\/lib" "\$@"/);
    assert.deepEqual(program.slice(3, 8), ['sh', '/app', '--sname', 'observer_1a2b', '--hidden']);
    assert.ok(!argv.some((arg) => arg.includes(COOKIE)));
    assert.deepEqual(env, [`PHOENIX_IEX_COOKIE=${COOKIE}`, 'RELEASE_COOKIE=']);
  });

  it('refuses a helper name that is no plain node name part', () => {
    for (const helperName of ['', 'Observer', 'a b', 'x;rm', 'a@b', 'o'.repeat(60)]) assert.throws(() => command({ helperName }), RangeError, helperName);
  });

  it('sends its code as one line without comments, which the bootstrap reads with one read', () => {
    assert.ok(!HELPER_SOURCE_LINE.includes('\n'));
    assert.ok(!HELPER_SOURCE_LINE.includes('%'), 'a % would comment out the rest of the line');
    assert.match(HELPER_SOURCE_LINE, /^-module\(phoenix_observer_helper\)\. /);
  });

  it('compiles and answers in a real Elixir VM: a fault when the node is not up, and a clean exit at the end of its input', { skip: !hasElixir() }, () => {
    const { argv } = command({ cookie: { kind: 'home-file' } });
    // Not distributed (no --sname): it cannot connect, and says the node is not up.
    const bootstrap = argv[argv.indexOf('-e') + 1] ?? '';
    const run = spawnSync('elixir', ['-e', bootstrap, 'missing@nowhere.invalid'], {
      input: `${HELPER_SOURCE_LINE}\n1\toverview\n2\tkill\tself()\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map(parseHelperLine);
    assert.deepEqual(lines[0], { kind: 'ready' });
    assert.deepEqual(lines.slice(1), [{ kind: 'fault', id: 1, fault: 'not-up', detail: '' }, { kind: 'fault', id: 2, fault: 'not-up', detail: '' }]);
  });
});

function hasElixir(): boolean {
  try {
    execFileSync('elixir', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
