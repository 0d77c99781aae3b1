import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bindingUsername,
  generatePassword,
  instanceResourceNames,
  likePrefixPattern,
} from './resourceNames.js';

describe('instanceResourceNames', () => {
  it('derives short, safe and stable names from any instance id', () => {
    const names = instanceResourceNames('weird id/with "quotes"; DROP DATABASE x');
    assert.match(names.database, /^klutch_[0-9a-f]{20}$/);
    assert.equal(names.ownerRole, `${names.database}_owner`);
    assert.equal(instanceResourceNames('weird id/with "quotes"; DROP DATABASE x').database, names.database);
    assert.notEqual(instanceResourceNames('a').database, instanceResourceNames('b').database);
  });

  it('gives every binding of an instance a distinct user under the instance prefix', () => {
    const names = instanceResourceNames('i-1');
    const a = bindingUsername('i-1', 'b-1');
    const b = bindingUsername('i-1', 'b-2');
    assert.notEqual(a, b);
    assert.ok(a.startsWith(names.bindingUserPrefix));
    assert.ok(a.length <= 63);
    assert.ok(!a.startsWith(names.ownerRole));
  });
});

describe('generatePassword', () => {
  it('returns 32 URL-safe characters that differ between calls', () => {
    const p = generatePassword();
    assert.match(p, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(p, generatePassword());
  });
});

describe('likePrefixPattern', () => {
  it('escapes the LIKE wildcards of the prefix', () => {
    assert.equal(likePrefixPattern('klutch_ab_b'), 'klutch\\_ab\\_b%');
    assert.equal(likePrefixPattern('50%\\'), '50\\%\\\\%');
  });
});
