import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainText } from '../../src/core/plainText';

// VS Code's notifications turn [label](command:...) into a link that runs the command.
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/;

describe('plainText', () => {
  it('leaves no link that a notification would render, whatever a container printed', () => {
    for (const text of [
      '** (RuntimeError) see [the full error](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%7Csh%5Cr%22%7D)',
      'x[a](https://evil.example) and [b] (command:y) and [c]\t(command:z)',
      '[[nested]](command:a)',
    ]) {
      assert.doesNotMatch(plainText(text), LINK, text);
    }
    assert.match('see [the full error](command:x)', LINK, 'the pattern does find a link');
  });

  it('keeps ordinary text as it is', () => {
    const text = 'The node app@host [hidden] refused (after 10 s): check the cookie.';
    assert.equal(plainText(text), text);
  });
});
