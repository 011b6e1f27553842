import { Readable, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { parseDockerHost } from '../core/dockerEndpoint';
import type { PortContainer } from '../core/compose';
import { parseContainerEvent, type ContainerEvent } from '../core/containerEvents';
import { listedPorts, type ListedContainer } from '../core/containerState';
import { demultiplexDockerStream } from '../core/dockerStream';
import { LineSplitter } from '../core/lines';
import { resolveDockerHost } from './dockerHost';
import type * as DockerodeBundle from './dockerode';

const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** Where the engine's address comes from: the settings, followed as they change, or a fixed value in tests. */
export interface DockerHostSetting {
  /** `phoenix.dockerHost`, '' for Docker's own choice. */
  readonly dockerHost: string;
  /** Calls `listener` with the names of the settings that changed. */
  onDidChange?(listener: (changed: ReadonlySet<string>) => void): { dispose(): void };
}

/**
 * The Docker engine the extension talks to, connected lazily on first use. It is the one place
 * that follows `phoenix.dockerHost`: a change connects anew, and tells those who follow the engine.
 */
export class DockerEngine {
  private connection: Promise<Dockerode> | undefined;
  private readonly changeListeners = new Set<() => void>();
  private readonly settingChanges: { dispose(): void } | undefined;

  constructor(private readonly setting: DockerHostSetting) {
    this.settingChanges = setting.onDidChange?.((changed) => {
      if (changed.has('dockerHost')) this.reconnect();
    });
  }

  /**
   * Resolves the engine again on the next call (the setting, the Docker context or the socket may
   * have changed), and tells those who follow the engine: what they showed may be of another one.
   */
  reconnect(): void {
    this.connection = undefined;
    for (const listener of this.changeListeners) listener();
  }

  /** Called when the engine may have become another one (see reconnect). */
  onDidChangeEngine(listener: () => void): { dispose(): void } {
    this.changeListeners.add(listener);
    return { dispose: () => { this.changeListeners.delete(listener); } };
  }

  dispose(): void {
    this.settingChanges?.dispose();
    this.changeListeners.clear();
  }

  /** The containers of a compose project, found by label so compose v1 and v2 naming both work. */
  async listComposeContainers(project: string): Promise<ListedContainer[]> {
    const client = await this.connect();
    const containers = await client.listContainers({ all: true, filters: { label: [`${COMPOSE_PROJECT_LABEL}=${project}`] } });
    // One-off `compose run` containers are not the service itself. Filtered here, not by the
    // engine: podman-compose sets no oneoff label at all.
    return containers.filter((info) => info.Labels['com.docker.compose.oneoff'] !== 'True').map((info) => ({
      id: info.Id,
      service: info.Labels[COMPOSE_SERVICE_LABEL] ?? info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12),
      state: info.State,
      status: info.Status,
      labels: info.Labels,
      command: info.Command,
      ports: listedPorts(info.Ports),
    }));
  }

  /** The running containers' names and published ports, to tell who holds a host port. */
  async runningContainerPorts(): Promise<PortContainer[]> {
    const client = await this.connect();
    const containers = await client.listContainers();
    return containers.map((info) => ({ name: info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12), ports: info.Ports }));
  }

  /**
   * Calls `onEvent` for each container event of compose projects until `signal` aborts; resolves
   * when the stream ends (the engine went away or `signal` aborted). `onOpen` is called once the
   * engine has answered, before any event.
   */
  async watchComposeEvents(onEvent: (event: ContainerEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const client = await this.connect();
    const stream = await client.getEvents({ filters: { type: ['container'], label: [COMPOSE_PROJECT_LABEL] } });
    if (signal.aborted) {
      if (stream instanceof Readable) stream.destroy();
      return;
    }
    onOpen?.();
    await new Promise<void>((resolve) => {
      const lines = new LineSplitter((line) => {
        const event = parseContainerEvent(line);
        if (event !== undefined) onEvent(event);
      });
      const stop = (): void => {
        if (stream instanceof Readable) stream.destroy();
        resolve();
      };
      signal.addEventListener('abort', stop, { once: true });
      stream.on('data', (chunk: Buffer) => { lines.push(chunk.toString('utf8')); });
      const ended = (): void => {
        signal.removeEventListener('abort', stop);
        resolve();
      };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
    });
  }

  /** Fails when the engine does not answer (not running, wrong host, no permission on the socket). */
  async ping(): Promise<void> {
    const client = await this.connect();
    await client.ping();
  }

  /** The engine address in use, for messages. */
  async host(): Promise<string> {
    return (await resolveDockerHost(this.setting.dockerHost)).host;
  }

  async inspectContainer(id: string): Promise<InspectedContainer> {
    const client = await this.connect();
    const info = await client.getContainer(id).inspect();
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      running: info.State.Running,
      status: info.State.Status,
      exitCode: info.State.ExitCode,
      startedAt: Date.parse(info.State.StartedAt),
      labels: info.Config.Labels,
      env: info.Config.Env,
      entrypoint: toArgv(info.Config.Entrypoint),
      cmd: toArgv(info.Config.Cmd),
      hostname: info.Config.Hostname,
      workingDir: info.Config.WorkingDir,
      mounts: info.Mounts.map((mount) => ({ type: mount.Type, source: mount.Source, destination: mount.Destination })),
      ports: info.NetworkSettings.Ports,
      networks: Object.values(info.NetworkSettings.Networks).map((network) => ({ ip: network.IPAddress, gateway: network.Gateway })),
    };
  }

  /** Removes a container, running or not, with its anonymous volumes (as `docker rm -f -v`); none of that name is no error. */
  async removeContainer(idOrName: string): Promise<void> {
    const client = await this.connect();
    try {
      await client.getContainer(idOrName).remove({ force: true, v: true });
    } catch (error) {
      // 404: there is none; 409: its removal is already under way.
      if (statusCode(error) !== 404 && statusCode(error) !== 409) throw error;
    }
  }

  /** An image's id and build time, or undefined when the engine does not have it. */
  async imageInfo(name: string): Promise<{ readonly id: string; readonly created: Date } | undefined> {
    const client = await this.connect();
    try {
      const info = await client.getImage(name).inspect();
      return { id: info.Id, created: new Date(info.Created) };
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  /** The last lines a container wrote to stdout and stderr. */
  async logTail(id: string, lines: number): Promise<string> {
    const client = await this.connect();
    const container = client.getContainer(id);
    const [output, info] = await Promise.all([container.logs({ stdout: true, stderr: true, tail: lines, follow: false }), container.inspect()]);
    return info.Config.Tty ? output.toString('utf8') : demultiplexDockerStream(output);
  }

  /** Follows the container's output from `sinceMs` (milliseconds since the epoch), line by line, until `signal` aborts. */
  async followLogs(id: string, onLine: (line: string) => void, signal: AbortSignal, sinceMs = Date.now()): Promise<void> {
    const client = await this.connect();
    const container = client.getContainer(id);
    const tty = (await container.inspect()).Config.Tty;
    const stream = await container.logs({ stdout: true, stderr: true, follow: true, since: Math.floor(sinceMs / 1000) });
    const stop = (): void => {
      // The engine's response is an http.IncomingMessage, a Readable.
      if (stream instanceof Readable) stream.destroy();
    };
    // The wait may have ended while the stream was being opened.
    if (signal.aborted) {
      stop();
      return;
    }
    const lines = new LineSplitter(onLine);
    const decoder = new TextDecoder();
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(decoder.decode(chunk, { stream: true })); done(); } });
    if (tty) stream.pipe(sink);
    else client.modem.demuxStream(stream, sink, sink);
    signal.addEventListener('abort', stop, { once: true });
    stream.on('close', () => { signal.removeEventListener('abort', stop); });
    // The engine going away ends the stream with an error: the logs simply stop, as on abort.
    stream.on('error', stop);
  }

  /**
   * Runs a program in a running container (argv, no shell) and returns its exit code and output.
   * `env` reaches the program only, never the engine's event log the way a command line does.
   * Output past EXEC_OUTPUT_MAX_BYTES ends the wait (the exit code is then most likely undefined);
   * after `timeoutMs` it fails with an ExecTimeoutError. Neither stops the program in the
   * container, so give it bounds of its own when it may block.
   */
  async exec(id: string, argv: readonly string[], options: ExecOptions = {}): Promise<{ exitCode: number | undefined; output: string }> {
    const client = await this.connect();
    const exec = await client.getContainer(id).exec({
      Cmd: [...argv],
      Env: [...(options.env ?? [])],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    let size = 0;
    const signal = options.signal;
    let abort: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        abort = (): void => {
          stream.destroy();
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
        if (options.timeoutMs !== undefined) {
          const timeoutMs = options.timeoutMs;
          timer = setTimeout(() => {
            stream.destroy();
            reject(new ExecTimeoutError(argv[0] ?? '', timeoutMs));
          }, timeoutMs);
        }
        stream.on('data', (chunk: Buffer) => {
          if (size >= EXEC_OUTPUT_MAX_BYTES) return;
          chunks.push(chunk.subarray(0, EXEC_OUTPUT_MAX_BYTES - size));
          size += chunk.byteLength;
          if (size < EXEC_OUTPUT_MAX_BYTES) return;
          stream.destroy();
          resolve();
        });
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    } finally {
      // One probe after another on the same signal must not pile up listeners.
      if (abort !== undefined) signal?.removeEventListener('abort', abort);
      clearTimeout(timer);
    }
    const output = demultiplexDockerStream(Buffer.concat(chunks));
    // Null while the program still runs (output cut short).
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? undefined, output };
  }

  /**
   * Runs a program in a running container (argv, no shell) and passes each line it writes to
   * `onLine` as it comes; resolves with its exit code once it ends. After `timeoutMs` it fails with
   * an ExecTimeoutError, which does not stop the program: give it a bound of its own.
   */
  async execFollow(id: string, argv: readonly string[], onLine: (line: string) => void, timeoutMs: number): Promise<number | undefined> {
    const client = await this.connect();
    const exec = await client.getContainer(id).exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const splitters = [new LineSplitter(onLine), new LineSplitter(onLine)] as const;
    const sinks = splitters.map((lines) => {
      const decoder = new TextDecoder();
      return new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(decoder.decode(chunk, { stream: true })); done(); } });
    });
    client.modem.demuxStream(stream, sinks[0] as Writable, sinks[1] as Writable);
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          stream.destroy();
          reject(new ExecTimeoutError(argv[0] ?? '', timeoutMs));
        }, timeoutMs);
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    } finally {
      clearTimeout(timer);
    }
    for (const lines of splitters) lines.flush();
    const { ExitCode } = await exec.inspect();
    return ExitCode ?? undefined;
  }

  /**
   * The IPv4 subnets of the engine's networks, to keep a fixed-subnet network from clashing;
   * without those of `ownProject`, whose network a scaffold may define again.
   */
  async networkSubnets(ownProject: string): Promise<string[]> {
    const client = await this.connect();
    const networks = await client.listNetworks();
    return networks
      .filter((network) => network.Labels?.[COMPOSE_PROJECT_LABEL] !== ownProject)
      .flatMap((network) => (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? ''))
      .filter((subnet) => subnet !== '');
  }

  private connect(): Promise<Dockerode> {
    if (this.connection !== undefined) return this.connection;
    const setting = this.setting.dockerHost;
    const connection = (async () => {
      const choice = await resolveDockerHost(setting);
      const { createDockerode } = loadDockerodeBundle();
      return createDockerode(parseDockerHost(choice.host));
    })();
    this.connection = connection;
    // A failed resolution must not stick (the next call tries again), unless a newer one replaced it.
    connection.catch(() => {
      if (this.connection === connection) this.connection = undefined;
    });
    return connection;
  }
}

/** How much of a program's output stream (stdout and stderr, with the engine's frame headers) exec keeps. */
const EXEC_OUTPUT_MAX_BYTES = 1024 * 1024;

export interface ExecOptions {
  readonly env?: readonly string[];
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** A program run in a container did not finish in time. */
export class ExecTimeoutError extends Error {
  constructor(readonly program: string, readonly timeoutMs: number) {
    super(`${program} did not finish within ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'ExecTimeoutError';
  }
}

/** The parts of `docker inspect` that starting and attaching use. */
export interface InspectedContainer {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
  /** created, running, paused, restarting, removing, exited or dead. */
  readonly status: string;
  readonly exitCode: number;
  /** When the container last started, in milliseconds since the epoch (NaN when it never did). */
  readonly startedAt: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly hostname: string;
  readonly workingDir: string;
  /** Its bind mounts and volumes: `type` is bind, volume, tmpfs... */
  readonly mounts: readonly { readonly type: string; readonly source: string; readonly destination: string }[];
  /** The container's address and its gateway (this machine, from the container) on each network. */
  readonly networks: readonly { readonly ip: string; readonly gateway: string }[];
  /** Published ports by "<port>/<protocol>"; null when the port is exposed but not published. */
  readonly ports: Readonly<Record<string, readonly { readonly HostIp: string; readonly HostPort: string }[] | null>>;
}

/** Docker reports Entrypoint and Cmd as an argv array, a string (old engines) or null. */
function toArgv(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

function loadDockerodeBundle(): typeof DockerodeBundle {
  // Resolved next to dist/extension.js at run time (esbuild keeps it external).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./dockerode.js') as typeof DockerodeBundle;
}
