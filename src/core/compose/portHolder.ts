/** /proc/net/tcp's state code for a listening socket. */
const LISTEN = '0A';

/**
 * The inodes of the sockets listening on a TCP port, read from /proc/net/tcp or /proc/net/tcp6
 * (rows of `sl local_address rem_address st ... inode`, addresses and ports in hex).
 */
export function listeningSocketInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const row of procNetTcp.split('\n')) {
    const [, localAddress, , state, , , , , , inode] = row.trim().split(/\s+/);
    if (state !== LISTEN || localAddress === undefined || inode === undefined || inode === '0') continue;
    if (Number.parseInt(localAddress.slice(localAddress.lastIndexOf(':') + 1), 16) === port) inodes.push(inode);
  }
  return inodes;
}

/** The socket inode a /proc/<pid>/fd link points to ("socket:[12345]"); undefined for files, pipes and the like. */
export function socketInodeOfFdLink(link: string): string | undefined {
  return /^socket:\[(\d+)\]$/.exec(link)?.[1];
}

/** A running container and its ports, as dockerode's listContainers gives them. */
export interface PortContainer {
  readonly name: string;
  readonly ports: readonly { readonly PublicPort?: number; readonly IP?: string }[];
}

/** The name of a container that publishes a host port, if any. */
export function containerPublishing(containers: readonly PortContainer[], port: number): string | undefined {
  return containers.find((container) => container.ports.some((published) => published.PublicPort === port))?.name;
}
