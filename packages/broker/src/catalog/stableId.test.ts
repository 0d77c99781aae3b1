import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameBasedUuid, planIdFor, serviceIdFor } from './stableId.js';

describe('nameBasedUuid', () => {
  it('matches the RFC 4122 version-5 reference value for www.example.com in the DNS namespace', () => {
    assert.equal(
      nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('rejects a namespace that is not a UUID', () => {
    assert.throws(() => nameBasedUuid('nope', 'x'), /not a UUID/);
  });
});

describe('catalog ids', () => {
  it('are stable and differ between services and between the same plan of two services', () => {
    assert.equal(serviceIdFor('a9s-postgresql15'), serviceIdFor('a9s-postgresql15'));
    assert.notEqual(serviceIdFor('a9s-postgresql15'), serviceIdFor('a9s-postgresql17'));
    assert.notEqual(
      planIdFor('a9s-postgresql15', 'postgresql-single-small'),
      planIdFor('a9s-postgresql17', 'postgresql-single-small'),
    );
    assert.match(
      serviceIdFor('a9s-mariadb1011'),
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
