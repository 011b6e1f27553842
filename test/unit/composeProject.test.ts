import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeProjectName } from '../../src/core/composeProject';

describe('composeProjectName', () => {
  it('matches the Dev Containers naming for a .devcontainer compose file', () => {
    assert.equal(composeProjectName('hello_phoenix'), 'hello_phoenix_devcontainer');
  });

  it('lowercases and drops what compose does not accept (spaces, capitals, dots)', () => {
    assert.equal(composeProjectName('My Phoenix App.v2'), 'myphoenixappv2_devcontainer');
  });

  it('never starts with a separator', () => {
    assert.equal(composeProjectName('_-shop'), 'shop_devcontainer');
  });

  it('falls back when nothing usable is left', () => {
    assert.equal(composeProjectName('Ünïcödé'), 'ncd_devcontainer');
    assert.equal(composeProjectName('日本'), 'phoenix_devcontainer');
  });

  it('always yields a name compose accepts', () => {
    for (const folder of ['a b', 'ABC', '..', '-', 'x'.repeat(80), 'hello world (copy)']) {
      assert.match(composeProjectName(folder), /^[a-z0-9][a-z0-9_-]*$/);
    }
  });
});
