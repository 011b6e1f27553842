/** The longest line LineSplitter passes on: a longer one comes out cut into pieces of this length. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Splits streamed text into whole lines (a chunk may end mid-line). A line longer than
 * `maxLength` is passed on in pieces, so a program that never ends its line holds no more than
 * that in memory.
 */
export class LineSplitter {
  /** The line begun but not ended yet, in the chunks it came in: joined once, when it is passed on. */
  private partial: string[] = [];
  private partialLength = 0;
  private partialEndsWithCr = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLength = MAX_LINE_LENGTH,
  ) {}

  push(text: string): void {
    // Only the new text is split or searched: looking again at a growing partial line would be quadratic.
    const pieces = text.split('\n');
    const rest = pieces.pop() ?? '';
    for (const piece of pieces) {
      const line = this.takePartial() + piece;
      this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (rest === '') return;
    this.partial.push(rest);
    this.partialLength += rest.length;
    this.partialEndsWithCr = rest.endsWith('\r');
    // A CR at the end may be half of the line's CRLF: it does not count.
    if (this.partialLength - (this.partialEndsWithCr ? 1 : 0) <= this.maxLength) return;
    let long = this.takePartial();
    while (long.length - (long.endsWith('\r') ? 1 : 0) > this.maxLength) {
      const cut = pieceEnd(long, this.maxLength);
      this.onLine(long.slice(0, cut));
      long = long.slice(cut);
    }
    if (long !== '') {
      this.partial = [long];
      this.partialLength = long.length;
      this.partialEndsWithCr = long.endsWith('\r');
    }
  }

  private takePartial(): string {
    const text = this.partial.length === 1 ? (this.partial[0] ?? '') : this.partial.join('');
    this.partial = [];
    this.partialLength = 0;
    this.partialEndsWithCr = false;
    return text;
  }

  flush(): void {
    const rest = this.takePartial();
    if (rest !== '') this.emit(rest);
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
  private cut = false;

  constructor(private readonly max: number) {}

  push(chunk: string): void {
    this.text += chunk;
    // Cut only once it is twice the size, so each character is copied a bounded number of times.
    if (this.text.length > 2 * this.max) {
      this.text = this.text.slice(-this.max);
      this.cut = true;
    }
  }

  get value(): string {
    return this.text.length > this.max ? this.text.slice(-this.max) : this.text;
  }

  /** Whether more was pushed than `value` holds: its start is lost. */
  get truncated(): boolean {
    return this.cut || this.text.length > this.max;
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
