import { setTimeout as sleep } from 'node:timers/promises';
import { EPMD_KILL_REQUEST, EPMD_NAMES_REQUEST, epmdPort, parseEpmdNames } from '../core/epmd';

/** epmd answers on loopback at once; a request taking longer than this finds none. */
const REQUEST_TIMEOUT_MS = 2000;
/** The answers of epmd's two requests are a few lines at most. */
const MAX_ANSWER_BYTES = 64 * 1024;
const IDLE_POLL_MS = 250;

/**
 * This machine's epmd, as the VMs of host-mode attach use it. When none runs before such a VM
 * starts, the VM starts one (on loopback, through ERL_EPMD_ADDRESS) that would outlive it: this
 * remembers that, and stops that epmd once no node is registered with it any more.
 */
export class LocalEpmd {
  private startedByOurVm = false;

  constructor(private readonly port = epmdPort(process.env)) {}

  /** Call just before starting a VM on this machine. */
  async beforeVmStarts(): Promise<void> {
    if ((await this.names()) === undefined) this.startedByOurVm = true;
  }

  /**
   * Once a VM of ours has ended: stops the epmd that one of them started, as soon as no node is
   * registered (waiting up to `timeoutMs` for the VM to unregister); an epmd that was running
   * before, or that others use, keeps running. epmd itself refuses to stop while nodes are registered.
   */
  async stopWhenIdle(timeoutMs: number): Promise<void> {
    if (!this.startedByOurVm) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const names = await this.names();
      if (names === undefined) {
        this.startedByOurVm = false;
        return;
      }
      if (names.length === 0 && (await this.request(EPMD_KILL_REQUEST).catch(() => undefined))?.toString('latin1') === 'OK') {
        this.startedByOurVm = false;
        return;
      }
      // Still in use (another shell of ours, or someone else's node): the next VM of ours to end tries again.
      if (Date.now() >= deadline) return;
      await sleep(IDLE_POLL_MS);
    }
  }

  /** The registered node names; undefined when no epmd answers. */
  private async names(): Promise<string[] | undefined> {
    const answer = await this.request(EPMD_NAMES_REQUEST).catch(() => undefined);
    return answer === undefined ? undefined : parseEpmdNames(answer);
  }

  /** Sends one request to epmd on loopback and returns its whole answer (epmd closes the connection after it). */
  private async request(request: Uint8Array): Promise<Buffer> {
    const { connect } = await import('node:net');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      const chunks: Buffer[] = [];
      let size = 0;
      socket.setTimeout(REQUEST_TIMEOUT_MS, () => { socket.destroy(new Error('epmd did not answer in time')); });
      socket.on('connect', () => { socket.write(request); });
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size > MAX_ANSWER_BYTES) socket.destroy(new Error('epmd\'s answer is too long'));
      });
      socket.on('end', () => { resolve(Buffer.concat(chunks)); });
      socket.on('error', reject);
    });
  }
}
