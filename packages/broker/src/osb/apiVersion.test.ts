import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkApiVersion } from './apiVersion.js';

describe('checkApiVersion', () => {
  it('accepts 2.13 and later 2.x versions', () => {
    assert.deepEqual(checkApiVersion('2.17'), { ok: true, major: 2, minor: 17 });
    assert.equal(checkApiVersion('2.13').ok, true);
    assert.equal(checkApiVersion(['2.14']).ok, true);
  });

  it('explains a missing, malformed, old or future version', () => {
    const missing = checkApiVersion(undefined);
    assert.ok(!missing.ok && /header is missing/.test(missing.description));
    const bad = checkApiVersion('latest');
    assert.ok(!bad.ok && /not a version/.test(bad.description));
    const old = checkApiVersion('2.12');
    assert.ok(!old.ok && /2\.12 is not supported.*2\.13 or later/.test(old.description));
    assert.equal(checkApiVersion('3.0').ok, false);
  });
});
