import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeServiceOffer, unofferedServiceMessages } from './serviceOffer.js';

describe('the sandbox service offer', () => {
  const offered = ['keyvalue', 'postgresql'];
  const unavailable = { mariadb: 'the managed MariaDB server is switched off' };

  it('gives each service it does not offer a message that says why', () => {
    const messages = unofferedServiceMessages(offered, unavailable);
    assert.deepEqual(Object.keys(messages).sort(), [
      'logme2',
      'mariadb',
      'messaging',
      'mongodb',
      'prometheus',
      'search',
    ]);
    assert.equal(
      messages.mariadb,
      'The Klutch sandbox does not offer MariaDB now: the managed MariaDB server is switched off. It offers keyvalue, postgresql.',
    );
    assert.match(
      messages.mongodb ?? '',
      /^The Klutch sandbox does not offer MongoDB: it needs a real a9s Data Services backend, and the sandbox broker runs only keyvalue, postgresql\./,
    );
  });

  it('prints what it offers and what not', () => {
    assert.deepEqual(describeServiceOffer(offered, unavailable), [
      'Data services offered: keyvalue, postgresql.',
      'Not offered now: mariadb (the managed MariaDB server is switched off).',
      'Not offered: mongodb, messaging, search, logme2, prometheus (they need a real a9s backend).',
    ]);
  });
});
