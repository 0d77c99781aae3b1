import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionEndpoints } from './connectionEndpoints.js';

void describe('connectionEndpoints', () => {
  void it('reads host and port for SQL services', () => {
    const creds = { host: '127.0.0.1', port: '5432', username: 'u', password: 'secret' };
    assert.deepEqual(connectionEndpoints('postgresql', creds), [
      { hostURL: '127.0.0.1', port: '5432', label: 'SQL' },
    ]);
    assert.deepEqual(connectionEndpoints('mariadb', { hostname: 'db', port: '3306' }), [
      { hostURL: 'db', port: '3306', label: 'SQL' },
    ]);
  });

  void it('falls back to the uri without its user info', () => {
    const eps = connectionEndpoints('postgresql', { uri: 'postgres://user:pw@db.example:6432/x' });
    assert.deepEqual(eps, [{ hostURL: 'postgres://db.example', port: '6432', label: 'SQL' }]);
    assert.ok(!JSON.stringify(eps).includes('pw'));
  });

  void it('lists every MongoDB host', () => {
    assert.deepEqual(connectionEndpoints('mongodb', { hosts: '["a:27017","b:27017"]' }), [
      { hostURL: 'a', port: '27017', label: 'MongoDB' },
      { hostURL: 'b', port: '27017', label: 'MongoDB' },
    ]);
    assert.deepEqual(connectionEndpoints('mongodb', { hosts: '[a:1 b:2]' }), [
      { hostURL: 'a', port: '1', label: 'MongoDB' },
      { hostURL: 'b', port: '2', label: 'MongoDB' },
    ]);
  });

  void it('reads the messaging URIs without passwords', () => {
    const eps = connectionEndpoints('messaging', {
      http_api_uri: 'https://admin:secret@mq.example:15671/api',
      'protocols.amqp_ssl.uri': 'amqps://u:p@mq.example:5671',
    });
    assert.deepEqual(eps, [
      { hostURL: 'https://mq.example', port: '15671', label: 'HTTP API' },
      { hostURL: 'amqps://mq.example', port: '5671', label: 'AMQP SSL' },
    ]);
    assert.ok(!JSON.stringify(eps).includes('secret'));
  });

  void it('reads prometheus URL lists', () => {
    assert.deepEqual(
      connectionEndpoints('prometheus', {
        prometheus_urls: '["https://p:9090"]',
        grafana_urls: '["https://g:3000"]',
        graphite_exporters: '["g1"]',
        graphite_exporter_port: '9109',
      }),
      [
        { hostURL: 'https://p', port: '9090', label: 'Prometheus' },
        { hostURL: 'https://g', port: '3000', label: 'Grafana' },
        { hostURL: 'g1', port: '9109', label: 'Graphite Exporter' },
      ],
    );
  });

  void it('uses valkey.port for keyvalue and host lists for search', () => {
    assert.deepEqual(connectionEndpoints('keyvalue', { host: 'kv', 'valkey.port': '6379' }), [
      { hostURL: 'kv', port: '6379', label: 'KeyValue' },
    ]);
    assert.deepEqual(connectionEndpoints('search', { host: '["s1:9200"]' }), [
      { hostURL: 's1', port: '9200', label: 'Search' },
    ]);
    assert.deepEqual(connectionEndpoints('logme2', { host: 'https://l.example', port: '443' }), [
      { hostURL: 'https://l.example', port: '443', label: 'Logme2' },
    ]);
  });

  void it('returns nothing when no endpoint is recognisable', () => {
    assert.deepEqual(connectionEndpoints('postgresql', { password: 'x' }), []);
  });
});
