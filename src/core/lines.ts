/** The longest line LineSplitter passes on: a longer one comes out cut into pieces of this length. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Splits streamed text into whole lines (a chunk may end mid-line). A line longer than
 * `maxLength` is passed on in pieces, so a program that never ends its line holds no more than
 * that in memory.
 */
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLength = MAX_LINE_LENGTH,
  ) {}

  push(text: string): void {
    // Only the new text is split: re-splitting a growing partial line would be quadratic.
    const pieces = text.split('\n');
    const rest = pieces.pop() ?? '';
    for (const piece of pieces) {
      const line = this.partial + piece;
      this.partial = '';
      this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.partial += rest;
    // A CR at the end may be half of the line's CRLF: it does not count.
    while (this.partial.length - (this.partial.endsWith('\r') ? 1 : 0) > this.maxLength) {
      const cut = pieceEnd(this.partial, this.maxLength);
      this.onLine(this.partial.slice(0, cut));
      this.partial = this.partial.slice(cut);
    }
  }

  flush(): void {
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private emit(line: string): void {
    let start = 0;
    while (line.length - start > this.maxLength) {
      const cut = start + pieceEnd(line.slice(start, start + this.maxLength + 1), this.maxLength);
      this.onLine(line.slice(start, cut));
      start = cut;
    }
    this.onLine(start === 0 ? line : line.slice(start));
  }
}

/** Where to cut a text longer than `length`: at `length`, or one before when that would split a surrogate pair. */
function pieceEnd(text: string, length: number): number {
  const last = text.charCodeAt(length - 1);
  return length > 1 && last >= 0xd800 && last <= 0xdbff ? length - 1 : length;
}

/** The last `max` characters of a text that grows, such as a program's output, at a bounded cost in memory. */
export class TextTail {
  private text = '';

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    this.text += chunk;
    // Cut only once it is twice the size, so each character is copied a bounded number of times.
    if (this.text.length > 2 * this.max) this.text = this.text.slice(-this.max);
  }

  get value(): string {
    return this.text.length > this.max ? this.text.slice(-this.max) : this.text;
  }
}

/** The last `count` non-empty lines of a text, without ANSI colours (for error messages). */
export function lastLines(text: string, count: number): string[] {
  return text
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(-count);
}
