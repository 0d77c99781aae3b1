import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  parseWebConfig,
  prometheusArgs,
  prometheusConfig,
  prometheusLimits,
  prometheusPaths,
  renderWebConfig,
} from './prometheusFiles.js';

const paths = prometheusPaths('/srv/servers/prometheus', 'klutch_abc');

describe('Prometheus server files', () => {
  it('keeps the secrets outside the directory the server account owns', () => {
    assert.equal(paths.dir, '/srv/servers/prometheus/klutch_abc');
    assert.equal(paths.secretsFile, '/srv/servers/prometheus/klutch_abc.json');
    assert.ok(!paths.secretsFile.startsWith(`${paths.dir}/`));
  });

  it('listens on loopback only and turns the admin API on only in admin mode, with the admin-only users', () => {
    const limits = prometheusLimits('prometheus-single-small');
    const serve = prometheusArgs(paths, 9999, 'serve', limits);
    assert.ok(serve.includes('--web.listen-address=127.0.0.1:9999'));
    assert.ok(serve.includes('--web.enable-remote-write-receiver'));
    assert.ok(serve.includes(`--web.config.file=${paths.webConfig}`));
    assert.ok(!serve.some((a) => a.includes('admin-api') || a.includes('lifecycle')));
    const admin = prometheusArgs(paths, 9999, 'admin', limits);
    assert.ok(admin.includes('--web.enable-admin-api'));
    assert.ok(admin.includes(`--web.config.file=${paths.adminWebConfig}`));
    assert.ok(!admin.includes(`--web.config.file=${paths.webConfig}`));
  });

  it('sizes the history by plan', () => {
    assert.deepEqual(prometheusLimits('prometheus-single-big'), {
      retentionTime: '30d',
      retentionSize: '2GB',
    });
    assert.deepEqual(prometheusLimits('prometheus-single-small'), {
      retentionTime: '15d',
      retentionSize: '512MB',
    });
  });

  it('scrapes nothing', () => {
    const config = parse(prometheusConfig('i-1')) as { scrape_configs: unknown[] };
    assert.deepEqual(config.scrape_configs, []);
  });

  it('round-trips the basic-auth users and rejects a damaged file', () => {
    const users = { b: '$2b$10$x', a: '$2b$10$y' };
    assert.deepEqual(parseWebConfig(renderWebConfig(users)), users);
    assert.deepEqual(parseWebConfig(''), {});
    assert.throws(() => parseWebConfig('basic_auth_users: [a]'), /no basic_auth_users map/);
    assert.throws(() => parseWebConfig('basic_auth_users: {a: 1}'), /user a has no hash/);
  });
});
