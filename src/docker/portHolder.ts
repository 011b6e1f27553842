import { readFile, readdir, readlink } from 'node:fs/promises';
import { containerPublishing, listeningSocketInodes, socketInodeOfFdLink } from '../core/compose';
import type { DockerEngine } from './engine';

/**
 * Who holds a host port, in words for a message: a container that publishes it, else (on Linux)
 * the process listening on it; undefined when neither can be found (e.g. another user's process).
 */
export async function describePortHolder(engine: DockerEngine, port: number): Promise<string | undefined> {
  const container = await engine.runningContainerPorts().then(
    (containers) => containerPublishing(containers, port),
    () => undefined,
  );
  if (container !== undefined) return `container ${container}`;
  return process.platform === 'linux' ? listeningProcess(port) : undefined;
}

async function listeningProcess(port: number): Promise<string | undefined> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')));
  const inodes = new Set(tables.flatMap((table) => listeningSocketInodes(table, port)));
  if (inodes.size === 0) return undefined;
  for (const pid of (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const inode = socketInodeOfFdLink(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
      if (inode !== undefined && inodes.has(inode)) {
        // The program's name only: its arguments may hold secrets (a cookie, a database URL).
        const program = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        return `process ${pid} (${program || 'unknown'})`;
      }
    }
  }
  return undefined;
}
