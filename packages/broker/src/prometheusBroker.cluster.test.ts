import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  provisionInstance,
  waitForJob,
} from './testing/brokerTestbed.js';
import { waitFor } from './testing/testHttpClient.js';
import { instantQuery, remoteWrite, requestStatus } from './testing/prometheusClient.js';
import type { PrometheusAuth } from './testing/prometheusClient.js';

const service = 'a9s-prometheus';
const small = 'prometheus-single-small';

interface Binding extends PrometheusAuth {
  url: string;
}

describe('Prometheus instances through the OSB API and the backup manager', { timeout: 300_000 }, () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.startManaged({ managedMariadb: false });
  });
  after(async () => {
    await tb?.cleanup();
  });

  const serversDir = () => join(String(tb.options.managedServersDir), 'prometheus');

  async function bind(instanceId: string, bindingId: string): Promise<Binding> {
    const response = await tb.osb.put(
      `/v2/service_instances/${instanceId}/service_bindings/${bindingId}`,
      catalogIds(service, small),
    );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const credentials = (response.body as { credentials: Record<string, string | number> }).credentials;
    return {
      url: String(credentials.url),
      username: String(credentials.username),
      password: String(credentials.password),
    };
  }

  async function serverPid(instanceId: string): Promise<number> {
    const file = join(serversDir(), instanceResourceNames(instanceId).database, 'prometheus.pid');
    return Number((await readFile(file, 'utf8')).trim());
  }

  async function valuesOf(binding: Binding, query: string): Promise<number[]> {
    const result = await instantQuery(binding.url, binding, query);
    assert.equal(result.status, 200, result.body);
    return result.values;
  }

  it('offers a9s-prometheus and refuses the plans and parameters it cannot honour', async () => {
    const catalog = (await tb.osb.get('/v2/catalog')).body as {
      services: Array<{ name: string; plans: Array<{ name: string }> }>;
    };
    const prometheus = catalog.services.find((s) => s.name === service);
    assert.ok(prometheus, 'a9s-prometheus is in the catalog');
    assert.ok(prometheus.plans.some((p) => p.name === 'prometheus2-grafana10-single-small'));

    const id = tb.newInstanceId();
    const grafana = await tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, {
      ...catalogIds(service, 'prometheus2-grafana10-single-small'),
      organization_guid: 'org',
      space_guid: 'space',
    });
    assert.equal(grafana.status, 400);
    assert.match(
      String((grafana.body as { description: string }).description),
      /cannot provide a9s-prometheus prometheus2-grafana10-single-small: .*no Grafana/,
    );
    const scrape = await tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, {
      ...catalogIds(service, small),
      organization_guid: 'org',
      space_guid: 'space',
      parameters: { scrape_configs: [{ job_name: 'x', static_configs: [{ targets: ['10.0.0.1:80'] }] }] },
    });
    assert.equal(scrape.status, 400);
    assert.match(
      String((scrape.body as { description: string }).description),
      /"scrape_configs" cannot be set/,
    );
  });

  it('runs a server per instance: write, query, back up, restore, unbind, survive crashes and restarts, deprovision', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, small);
    const binding = await bind(id, `b-${id}`);
    assert.match(binding.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const t0 = Date.now();
    const written = await remoteWrite(binding.url, binding, [
      { name: 'klutch_test_temperature', labels: { room: 'a' }, value: 21.5, timestampMs: t0 },
    ]);
    assert.equal(written.status, 204, written.body);
    assert.deepEqual(await valuesOf(binding, 'klutch_test_temperature'), [21.5]);

    // Backup, change, restore: the state of the backup comes back.
    const created = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const backupId = String((created.body as { id: number }).id);
    const backup = await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`);
    assert.equal(backup.status, 'done', JSON.stringify(backup));
    const file = await readFile(join(tb.options.backupDir, id, `${backupId}.bin`));
    assert.equal(file.includes(Buffer.from('klutch_test_temperature')), false, 'the backup is encrypted');

    const changed = await remoteWrite(binding.url, binding, [
      { name: 'klutch_test_after_backup', value: 1, timestampMs: Date.now() },
    ]);
    assert.equal(changed.status, 204, changed.body);
    assert.deepEqual(await valuesOf(binding, 'klutch_test_after_backup'), [1]);

    const restore = await tb.backupManager.post(`/instances/${id}/backups/${backupId}/restore`);
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    const restored = await waitForJob(
      tb.backupManager,
      `/instances/${id}/restores/${(restore.body as { id: number }).id}`,
    );
    assert.equal(restored.status, 'done', JSON.stringify(restored));
    assert.deepEqual(await valuesOf(binding, 'klutch_test_temperature'), [21.5]);
    assert.deepEqual(await valuesOf(binding, 'klutch_test_after_backup'), []);

    // A second binding, then unbinding it: its user is gone at once, the first one still works.
    const second = await bind(id, `b2-${id}`);
    assert.equal(await requestStatus(`${second.url}/api/v1/query?query=up`, second), 200);
    const ids = catalogIds(service, small);
    const unbind = await tb.osb.delete(
      `/v2/service_instances/${id}/service_bindings/b2-${id}?service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
    );
    assert.equal(unbind.status, 200, JSON.stringify(unbind.body));
    assert.equal(await requestStatus(`${second.url}/api/v1/query?query=up`, second), 401);
    assert.equal(await requestStatus(`${binding.url}/api/v1/query?query=up`, binding), 200);

    // A killed server is restarted with its data.
    const pid = await serverPid(id);
    process.kill(pid, 'SIGKILL');
    await waitFor(
      'the restarted Prometheus',
      async () => {
        const now = await serverPid(id).catch(() => pid);
        if (now === pid) return { status: 0 };
        return instantQuery(binding.url, binding, 'klutch_test_temperature').catch(() => ({
          status: 0,
          values: [],
        }));
      },
      (r) => r.status === 200,
    );
    assert.deepEqual(await valuesOf(binding, 'klutch_test_temperature'), [21.5]);

    // A restarted broker resumes the server with its data and users.
    await tb.restart();
    assert.deepEqual(await valuesOf(binding, 'klutch_test_temperature'), [21.5]);

    const name = instanceResourceNames(id).database;
    await deprovisionInstance(tb.osb, id, service, small);
    await assert.rejects(fetch(`${binding.url}/-/ready`), 'nothing listens on the port any more');
    assert.equal(existsSync(join(serversDir(), name)), false);
    assert.deepEqual(
      (await readdir(serversDir())).filter((f) => f.startsWith(name)),
      [],
      'no file of the instance is left',
    );
  });

  it("refuses one tenant's credentials at another tenant's server, anonymous access and the admin API", async () => {
    const a = tb.newInstanceId();
    const b = tb.newInstanceId();
    await provisionInstance(tb.osb, a, service, small);
    await provisionInstance(tb.osb, b, service, small);
    const tenantA = await bind(a, `b-${a}`);
    const tenantB = await bind(b, `b-${b}`);
    assert.notEqual(tenantA.url, tenantB.url);
    assert.equal(
      (
        await remoteWrite(tenantB.url, tenantB, [
          { name: 'klutch_secret', value: 42, timestampMs: Date.now() },
        ])
      ).status,
      204,
    );

    // A's credentials at B's server: every path refused.
    assert.equal(await requestStatus(`${tenantB.url}/api/v1/query?query=klutch_secret`, tenantA), 401);
    assert.equal(
      (
        await remoteWrite(tenantB.url, tenantA, [
          { name: 'klutch_forged', value: 1, timestampMs: Date.now() },
        ])
      ).status,
      401,
    );
    // B's username with A's password.
    assert.equal(
      await requestStatus(`${tenantB.url}/api/v1/query?query=up`, {
        username: tenantB.username,
        password: tenantA.password,
      }),
      401,
    );
    // No credentials, on the API, the UI, the metrics and the lifecycle endpoints.
    for (const path of ['/api/v1/query?query=up', '/graph', '/metrics', '/-/ready', '/api/v1/write']) {
      assert.equal(await requestStatus(`${tenantB.url}${path}`, undefined), 401, path);
    }
    // The admin API: not even the instance's own tenant reaches it.
    for (const path of [
      '/api/v1/admin/tsdb/snapshot',
      '/api/v1/admin/tsdb/delete_series?match[]=klutch_secret',
      '/api/v1/admin/tsdb/clean_tombstones',
    ]) {
      const status = await requestStatus(`${tenantB.url}${path}`, tenantB, 'POST');
      assert.ok(status >= 400, `${path} answered ${status}`);
    }
    // While a backup has the admin API on, the tenant is refused altogether.
    const statuses: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        statuses.push(
          await requestStatus(`${tenantB.url}/api/v1/admin/tsdb/snapshot`, tenantB, 'POST').catch(() => 0),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const backup = await tb.backupManager.post(`/instances/${b}/backups`);
    assert.equal(backup.status, 201, JSON.stringify(backup.body));
    const job = await waitForJob(
      tb.backupManager,
      `/instances/${b}/backups/${String((backup.body as { id: number }).id)}`,
    );
    probing = false;
    await prober;
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(
      statuses.filter((s) => s >= 200 && s < 300).length,
      0,
      `admin API answers: ${statuses.join(',')}`,
    );
    assert.ok(statuses.includes(401), `the probe met the admin window: ${statuses.join(',')}`);
    // The lifecycle API (reload, quit) is off.
    assert.ok((await requestStatus(`${tenantB.url}/-/quit`, tenantB, 'POST')) >= 400);
    const snapshots = join(serversDir(), instanceResourceNames(b).database, 'data', 'snapshots');
    assert.equal(existsSync(snapshots) ? (await readdir(snapshots)).length : 0, 0);
    // B's data is intact.
    assert.deepEqual(await valuesOf(tenantB, 'klutch_secret'), [42]);
    assert.deepEqual(await valuesOf(tenantB, 'klutch_forged'), []);

    await deprovisionInstance(tb.osb, a, service, small);
    await deprovisionInstance(tb.osb, b, service, small);
  });
});
