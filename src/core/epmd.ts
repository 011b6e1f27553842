/*
 * The two requests of epmd's protocol that the extension makes to this machine's epmd: each is a
 * 2-byte big-endian length, then the request's code.
 */

/** NAMES_REQ: answered with epmd's port (4 bytes), then a line "name <node> at port <port>" per registered node. */
export const EPMD_NAMES_REQUEST = Uint8Array.of(0, 1, 110);
/** KILL_REQ: answered "OK" when epmd stops, "NO" when it keeps running because nodes are registered. */
export const EPMD_KILL_REQUEST = Uint8Array.of(0, 1, 107);

/** The port epmd listens on, as every Erlang VM of this environment finds it. */
export function epmdPort(env: Readonly<Record<string, string | undefined>>): number {
  const port = Number(env['ERL_EPMD_PORT']);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 4369;
}

/** The node names in epmd's answer to NAMES_REQ; undefined when it is not one. */
export function parseEpmdNames(answer: Uint8Array): string[] | undefined {
  if (answer.byteLength < 4) return undefined;
  return new TextDecoder()
    .decode(answer.subarray(4))
    .split('\n')
    .flatMap((line) => /^name (\S+) at port \d+$/.exec(line)?.slice(1) ?? []);
}
