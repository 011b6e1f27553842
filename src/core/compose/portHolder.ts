/** /proc/net/tcp's state code for a listening socket. */
const LISTEN = '0A';

/**
 * The inodes of the sockets listening on a TCP port, read from /proc/net/tcp or /proc/net/tcp6
 * (rows of `sl local_address rem_address st ... inode`, addresses and ports in hex).
 */
export function listeningSocketInodes(procNetTcp: string, port: number): string[] {
  return listeningSockets(procNetTcp, port).map((socket) => socket.inode);
}

/**
 * Whether something listens on the port only on loopback addresses (127.x, ::1): a server inside
 * a container bound like that cannot be reached through a published port.
 */
export function listensOnLoopbackOnly(procNetTcp: string, port: number): boolean {
  const sockets = listeningSockets(procNetTcp, port);
  // The kernel prints each address as 32-bit words in host (little-endian) order: 127.0.0.1 is 0100007F.
  const loopback = (address: string): boolean =>
    /^[0-9A-F]{6}7F$/i.test(address) || /^0{16}FFFF0000[0-9A-F]{6}7F$/i.test(address) || /^0{24}01000000$/i.test(address);
  return sockets.length > 0 && sockets.every((socket) => loopback(socket.address));
}

function listeningSockets(procNetTcp: string, port: number): { readonly address: string; readonly inode: string }[] {
  const sockets: { address: string; inode: string }[] = [];
  for (const row of procNetTcp.split('\n')) {
    const [, localAddress, , state, , , , , , inode] = row.trim().split(/\s+/);
    if (state !== LISTEN || localAddress === undefined || inode === undefined || inode === '0') continue;
    const separator = localAddress.lastIndexOf(':');
    if (Number.parseInt(localAddress.slice(separator + 1), 16) === port) sockets.push({ address: localAddress.slice(0, separator), inode });
  }
  return sockets;
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
