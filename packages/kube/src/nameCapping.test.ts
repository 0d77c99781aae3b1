import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capName, maxDnsLabelLength, maxDnsSubdomainLength } from './nameCapping.js';
import { isDnsLabel, isDnsSubdomain } from './nameChecks.js';

describe('capName', () => {
  it('leaves names that fit alone', () => {
    assert.equal(capName('short', maxDnsLabelLength), 'short');
    const exact = 'a'.repeat(63);
    assert.equal(capName(exact, maxDnsLabelLength), exact);
  });

  it('caps over-long names with a stable hash suffix, distinct per input', () => {
    const a = capName(`cluster-abcdefgh-${'x'.repeat(80)}`, maxDnsLabelLength);
    const b = capName(`cluster-abcdefgh-${'x'.repeat(81)}`, maxDnsLabelLength);
    assert.equal(a.length, 63);
    assert.ok(isDnsLabel(a) && isDnsLabel(b), `${a} ${b}`);
    assert.notEqual(a, b);
    assert.equal(capName(`cluster-abcdefgh-${'x'.repeat(80)}`, maxDnsLabelLength), a);
    assert.match(a, /^cluster-abcdefgh-x+-[0-9a-f]{10}$/);
  });

  it('never leaves a cut ending in a dot or dash before the suffix', () => {
    const full = `${'a'.repeat(51)}.-b${'c'.repeat(30)}`;
    const capped = capName(full, maxDnsLabelLength);
    assert.match(capped, /^a{51}-[0-9a-f]{10}$/);
    const sub = capName(`${'p'.repeat(241)}.${'q'.repeat(40)}`, maxDnsSubdomainLength);
    assert.ok(sub.length <= 253 && isDnsSubdomain(sub), sub);
  });

  it('hashes the given input instead of the full name when asked (keeps existing names)', () => {
    const full = `serviceinstance-${'n'.repeat(30)}-${'m'.repeat(30)}`;
    assert.notEqual(capName(full, 63, 'ns/name'), capName(full, 63));
    assert.equal(capName(full, 63, 'ns/name'), capName(full, 63, 'ns/name'));
  });
});
