import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { managedResourceName, maxManagedResourceNameLength } from './managedResourceName.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('managedResourceName', () => {
  it('joins the lower-cased kind, the namespace and the name', () => {
    assert.equal(managedResourceName('PostgresqlInstance', 'team-a', 'db'), 'postgresqlinstance-team-a-db');
    assert.equal(managedResourceName('ServiceBinding', 'ns', 'app'), 'servicebinding-ns-app');
  });

  it('keeps a name of exactly 63 characters as it is', () => {
    const name = 'x'.repeat(63 - 'backup-ns-'.length);
    const mr = managedResourceName('Backup', 'ns', name);
    assert.equal(mr.length, 63);
    assert.equal(mr, `backup-ns-${name}`);
  });

  it('cuts longer names and appends the first 10 hex characters of sha256(namespace/name)', () => {
    const name = 'a'.repeat(80);
    const mr = managedResourceName('PostgresqlInstance', 'team-a', name);
    const hash = createHash('sha256').update(`team-a/${name}`).digest('hex').slice(0, 10);
    assert.ok(mr.length <= maxManagedResourceNameLength, mr);
    assert.ok(mr.endsWith(`-${hash}`), mr);
    assert.ok(mr.startsWith('postgresqlinstance-team-a-aaaa'), mr);
    assert.match(mr, dns1123Subdomain);
  });

  it('is stable and tells apart claims that share the long prefix', () => {
    const base = 'b'.repeat(70);
    const one = managedResourceName('Restore', 'ns', `${base}-one`);
    assert.equal(managedResourceName('Restore', 'ns', `${base}-one`), one);
    assert.notEqual(managedResourceName('Restore', 'ns', `${base}-two`), one);
  });

  it('never leaves a dot or dash before the hash', () => {
    // The cut position (52) falls right after the separators.
    for (const sep of ['.', '-', '.-', '--']) {
      const name = `${'c'.repeat(52 - 'backup-ns-'.length - sep.length)}${sep}${'d'.repeat(30)}`;
      const mr = managedResourceName('Backup', 'ns', name);
      assert.match(mr, dns1123Subdomain, `${sep}: ${mr}`);
      assert.ok(mr.length <= 63);
    }
  });
});
