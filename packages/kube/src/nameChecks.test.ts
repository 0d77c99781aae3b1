import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isDnsLabel, isDnsSubdomain } from './nameChecks.js';

it('tells DNS labels and subdomains from other names', () => {
  assert.ok(isDnsLabel('klutch-bind'));
  assert.ok(isDnsLabel('a'.repeat(63)));
  assert.ok(!isDnsLabel('a'.repeat(64)));
  for (const bad of ['', 'Upper', '-lead', 'trail-', 'dot.ted']) assert.ok(!isDnsLabel(bad), bad);
  assert.ok(isDnsSubdomain('widgets.konnector.test'));
  assert.ok(!isDnsSubdomain('a..b'));
  assert.ok(!isDnsSubdomain(`${'a'.repeat(63)}.`.repeat(4) + 'a'.repeat(10)));
});
