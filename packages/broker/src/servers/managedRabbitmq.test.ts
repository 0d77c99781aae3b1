import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rabbitmqConfig, rabbitmqNodeName } from './managedRabbitmq.js';

describe('the managed RabbitMQ node', () => {
  it('binds every listener to loopback and replaces guest by the administrator on a fresh node', () => {
    const starting = rabbitmqConfig({ amqp: 41000, management: 41001 }, 'secret-password');
    assert.match(starting, /^listeners\.tcp\.default = 127\.0\.0\.1:41000$/m);
    assert.match(starting, /^management\.tcp\.ip = 127\.0\.0\.1$/m);
    assert.match(starting, /^default_user = klutch_admin$/m);
    assert.match(starting, /^default_pass = secret-password$/m);
    assert.match(starting, /^default_user_tags\.administrator = true$/m);
  });

  it('keeps the password out of the file once the node runs', () => {
    const running = rabbitmqConfig({ amqp: 41000, management: 41001 }, undefined);
    assert.doesNotMatch(running, /default_pass|default_user/);
    assert.match(running, /^management\.tcp\.port = 41001$/m);
  });

  it('names the node after its directory, so brokers on one machine never collide', () => {
    assert.match(rabbitmqNodeName('/srv/a/rabbitmq'), /^klutch-[0-9a-f]{12}@localhost$/);
    assert.equal(rabbitmqNodeName('/srv/a/rabbitmq'), rabbitmqNodeName('/srv/a/rabbitmq'));
    assert.notEqual(rabbitmqNodeName('/srv/a/rabbitmq'), rabbitmqNodeName('/srv/b/rabbitmq'));
  });
});
