import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAuthorized } from './basicAuth.js';

const expected = { username: 'broker', password: 'p:a:ss' };
const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('isAuthorized', () => {
  it('accepts the right credentials, also with a colon in the password', () => {
    assert.equal(isAuthorized(header('broker', 'p:a:ss'), expected), true);
    assert.equal(isAuthorized(header('broker', 'p:a:ss').replace('Basic', 'basic'), expected), true);
  });

  it('rejects wrong, missing and malformed credentials', () => {
    assert.equal(isAuthorized(header('broker', 'wrong'), expected), false);
    assert.equal(isAuthorized(header('other', 'p:a:ss'), expected), false);
    assert.equal(isAuthorized(undefined, expected), false);
    assert.equal(isAuthorized('Bearer abc', expected), false);
    assert.equal(isAuthorized(`Basic ${Buffer.from('nocolon').toString('base64')}`, expected), false);
  });
});
