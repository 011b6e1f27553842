/**
 * Splits the engine's multiplexed output of a container without a TTY (logs, exec): frames of an
 * 8-byte header (stream type, three zero bytes, big-endian payload size) and the payload. Output
 * in the order it was written, stdout and stderr interleaved; a truncated last frame is kept.
 */
export function demultiplexDockerStream(data: Uint8Array): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const decoder = new TextDecoder();
  let text = '';
  let offset = 0;
  while (offset + 8 <= data.byteLength) {
    const size = view.getUint32(offset + 4);
    text += decoder.decode(data.subarray(offset + 8, Math.min(offset + 8 + size, data.byteLength)));
    offset += 8 + size;
  }
  return text;
}
