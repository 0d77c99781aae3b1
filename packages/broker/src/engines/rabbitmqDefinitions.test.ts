import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backupFromDefinitions,
  definitionsToImport,
  majorMinor,
  messagingRefusal,
  parseRabbitmqBackup,
  rabbitmqBackupFormat,
} from './rabbitmqDefinitions.js';

const exported = {
  rabbit_version: '3.10.8',
  users: [{ name: 'intruder', password_hash: 'x', tags: ['administrator'] }],
  permissions: [{ user: 'intruder', vhost: 'other', configure: '.*', write: '.*', read: '.*' }],
  parameters: [{ component: 'shovel', name: 's', vhost: 'v', value: {} }],
  policies: [{ vhost: 'v', name: 'p', pattern: '^q', 'apply-to': 'queues', definition: {}, priority: 0 }],
  queues: [{ name: 'q', vhost: 'v', durable: true, auto_delete: false, arguments: {} }],
  exchanges: [{ name: 'e', vhost: 'v', type: 'topic', durable: true }],
  bindings: [{ source: 'e', vhost: 'v', destination: 'q', destination_type: 'queue', routing_key: 'a.#' }],
};

describe('RabbitMQ definitions backup', () => {
  it('keeps exchanges, queues, bindings and policies without their virtual host, and nothing else', () => {
    const backup = backupFromDefinitions(exported, '3.10.8');
    assert.equal(backup.format, rabbitmqBackupFormat);
    assert.deepEqual(backup.queues, [{ name: 'q', durable: true, auto_delete: false, arguments: {} }]);
    assert.equal(backup.policies[0]?.vhost, undefined);
    const body = definitionsToImport(parseRabbitmqBackup(JSON.stringify(backup)));
    assert.deepEqual(Object.keys(body).sort(), ['bindings', 'exchanges', 'policies', 'queues']);
  });

  it('never imports users, permissions or parameters smuggled into a backup file', () => {
    const tampered = { ...backupFromDefinitions(exported, '3.10.8'), users: exported.users };
    const body = definitionsToImport(parseRabbitmqBackup(JSON.stringify(tampered)));
    assert.equal((body as Record<string, unknown>).users, undefined);
  });

  it('refuses files that are not such a backup, saying why', () => {
    assert.throws(() => parseRabbitmqBackup('PGDMP'), /not JSON/);
    assert.throws(() => parseRabbitmqBackup('{"format":"x"}'), /expected klutch-rabbitmq-definitions/);
    const broken = { ...backupFromDefinitions(exported, '3.10.8'), queues: 'q' };
    assert.throws(() => parseRabbitmqBackup(JSON.stringify(broken)), /queues are not a list/);
  });
});

describe('messaging plans on the sandbox node', () => {
  it('accepts the node version with single-node plans', () => {
    assert.equal(majorMinor('3.10.8'), '3.10');
    assert.equal(messagingRefusal('a9s-messaging310', '3.10', 'messaging-single-small', '3.10.8'), undefined);
  });

  it('refuses other versions, clusters and TLS with the reason and the way out', () => {
    assert.match(
      messagingRefusal('a9s-messaging313', '3.13', 'messaging-single-small', '3.10.8') ?? '',
      /asks for RabbitMQ 3\.13, but the sandbox's RabbitMQ node runs 3\.10\.8; use the service whose version is 3\.10/,
    );
    assert.match(
      messagingRefusal('a9s-messaging4', '4', 'messaging-single-nano', '3.10.8') ?? '',
      /RabbitMQ 4/,
    );
    assert.match(
      messagingRefusal('a9s-messaging310', '3.10', 'messaging-cluster-small', '3.10.8') ?? '',
      /needs a RabbitMQ cluster.*messaging-single-\*/,
    );
    assert.match(
      messagingRefusal('a9s-messaging310', '3.10', 'messaging-single-big-ssl', '3.10.8') ?? '',
      /needs TLS/,
    );
  });
});
