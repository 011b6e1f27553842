import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demultiplexDockerStream } from '../../src/core/dockerStream';
import { LineSplitter, lastLines } from '../../src/core/lines';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demultiplexDockerStream', () => {
  it('joins stdout and stderr frames in the order they were written', () => {
    const data = Buffer.concat([frame(1, 'Compiling 3 files (.ex)\n'), frame(2, 'warning: unused\n'), frame(1, 'Generated hello_phoenix app\n')]);
    assert.equal(demultiplexDockerStream(data), 'Compiling 3 files (.ex)\nwarning: unused\nGenerated hello_phoenix app\n');
  });

  it('keeps a truncated last frame and multi-byte characters', () => {
    const data = Buffer.concat([frame(1, 'héllo\n'), frame(1, 'cut off here').subarray(0, 12)]);
    assert.equal(demultiplexDockerStream(data), 'héllo\ncut ');
  });

  it('returns nothing for an empty stream', () => {
    assert.equal(demultiplexDockerStream(new Uint8Array()), '');
  });
});

describe('LineSplitter', () => {
  it('emits whole lines across chunks and the rest on flush', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('#5 [app 2/9] RUN apt-');
    splitter.push('get update\r\n#5 DONE 0.1s\nStep');
    assert.deepEqual(lines, ['#5 [app 2/9] RUN apt-get update', '#5 DONE 0.1s']);
    splitter.flush();
    assert.deepEqual(lines, ['#5 [app 2/9] RUN apt-get update', '#5 DONE 0.1s', 'Step']);
  });
});

describe('lastLines', () => {
  it('keeps the last non-empty lines without colours', () => {
    assert.deepEqual(lastLines('one\n\n\u001b[31mtwo\u001b[0m  \nthree\n\n', 2), ['two', 'three']);
  });
});
