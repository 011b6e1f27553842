import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demultiplexDockerStream } from '../../src/core/dockerStream';
import { LineSplitter, MAX_LINE_LENGTH, TextTail, lastLines } from '../../src/core/lines';
import { compiled, runBounded } from './support/bounded';

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

  it('joins a CR and its LF across chunks, and keeps a lone CR inside a line', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('one\r');
    splitter.push('\ntwo\rstill two\n');
    assert.deepEqual(lines, ['one', 'two\rstill two']);
  });

  it('cuts a line longer than the limit into pieces of the limit, losing nothing', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 4);
    splitter.push('abcdefghij');
    assert.deepEqual(lines, ['abcd', 'efgh'], 'an unfinished line is passed on as soon as it is past the limit');
    splitter.push('k\nlmnopqrstuv\nw');
    splitter.flush();
    assert.deepEqual(lines, ['abcd', 'efgh', 'ijk', 'lmno', 'pqrs', 'tuv', 'w']);
  });

  it('never cuts a surrogate pair, nor a line just before its CRLF', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 4);
    splitter.push('abc😀de\r');
    splitter.push('\n');
    assert.deepEqual(lines, ['abc', '😀de']);
  });

  it('holds no more than the limit of a line that never ends, and takes linear time over it', async () => {
    // 20 MB in 1 KB chunks: re-splitting the whole partial line on each chunk took minutes.
    const { value, ms } = await runBounded<number>({ modulePath: compiled('test/unit/support/pipelines'), name: 'longestLineOfEndlessOutput', args: [1000, 20_000] }, { deadlineMs: 15_000 });
    assert.equal(value, MAX_LINE_LENGTH);
    assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
  });

  it('takes linear time over a line that never ends under a large limit too, as the observer helper\'s replies have', async () => {
    // 64 MiB in 64 KiB chunks under a 16 MiB limit: looking at the whole partial line on each chunk took seconds.
    const limit = 16 * 1024 * 1024;
    const { value, ms } = await runBounded<number>({ modulePath: compiled('test/unit/support/pipelines'), name: 'longestLineOfEndlessOutput', args: [64 * 1024, 1024, limit] }, { deadlineMs: 15_000 });
    assert.equal(value, limit);
    assert.ok(ms < 1000, `took ${Math.round(ms)} ms`);
  });
});

describe('TextTail', () => {
  it('keeps the last characters of what was pushed, whatever the chunks', () => {
    const tail = new TextTail(5);
    assert.equal(tail.value, '');
    tail.push('abc');
    assert.equal(tail.value, 'abc');
    for (const chunk of ['defgh', 'i', 'jklmnopqrstu', 'vwxyz']) tail.push(chunk);
    assert.equal(tail.value, 'vwxyz');
    tail.push('1234567890123');
    assert.equal(tail.value, '90123');
  });

  it('says when it lost the start of what was pushed', () => {
    const tail = new TextTail(5);
    tail.push('abcde');
    assert.equal(tail.truncated, false);
    tail.push('f');
    assert.equal(tail.truncated, true);
    // Still cut once the text kept has been trimmed down to its last characters.
    const long = new TextTail(5);
    long.push('x'.repeat(11));
    assert.equal(long.value, 'xxxxx');
    assert.equal(long.truncated, true);
  });
});

describe('lastLines', () => {
  it('keeps the last non-empty lines without colours', () => {
    assert.deepEqual(lastLines('one\n\n\u001b[31mtwo\u001b[0m  \nthree\n\n', 2), ['two', 'three']);
  });
});
