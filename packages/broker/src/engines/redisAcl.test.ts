import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingAclRules, keyPrefix, keyPrefixProblem, sha256 } from './redisAcl.js';

describe('keyPrefix', () => {
  it('is the instance id and a colon', () => {
    assert.equal(keyPrefix('6f1c2d9e-0b1a-4c53-9d4f-8a7e5b3c2d10'), '6f1c2d9e-0b1a-4c53-9d4f-8a7e5b3c2d10:');
  });

  it('refuses ids that would widen an ACL pattern or overlap another namespace', () => {
    for (const id of ['*', 'a*', 'a?', 'a[b]', 'a:b', 'a b', '', '-leading', 'x'.repeat(129)]) {
      assert.match(keyPrefixProblem(id) ?? '', /cannot name a key namespace/, JSON.stringify(id));
      assert.throws(() => keyPrefix(id), /cannot name a key namespace/);
    }
  });
});

describe('bindingAclRules', () => {
  const rules = bindingAclRules('inst-1', [sha256('secret')]);

  it('starts from nothing and allows only the instance key and channel pattern', () => {
    assert.equal(rules[0], 'reset');
    assert.ok(rules.includes('on'));
    assert.deepEqual(
      rules.filter((r) => r.startsWith('~') || r.startsWith('&') || r.startsWith('%')),
      ['~inst-1:*', '&inst-1:*'],
    );
  });

  it('hands over the password only as its hash', () => {
    assert.ok(rules.includes(`#${sha256('secret')}`));
    assert.ok(!rules.some((r) => r.includes('secret') || r.startsWith('>') || r === 'nopass'));
  });

  it('takes dangerous, admin and scripting commands out after the allowed categories', () => {
    const lastAllow = Math.max(...rules.map((r, i) => (r.startsWith('+') ? i : -1)));
    for (const denial of [
      '-@dangerous',
      '-@admin',
      '-@scripting',
      '-keys',
      '-scan',
      '-flushall',
      '-select',
    ]) {
      assert.ok(rules.indexOf(denial) > lastAllow, denial);
    }
    assert.ok(!rules.includes('+@all') && !rules.includes('allcommands') && !rules.includes('allkeys'));
  });
});
