// APIServiceExportTemplates in both groups on a real API server: bind.anynines.com (seed 001, the
// v1.4 bundle) and example-backend.klutch.anynines.com (the Klutch v1.5 code) are read through one
// code path, and a template of the same namespace and name in both is a conflict on both objects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { klutchApiVersion } from '@klutch/api';
import { getCondition, KubeClient, silentLogger } from '@klutch/kube';
import { eventually, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { startBackend } from './backend.js';
import type { BackendHandle } from './backend.js';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import { bindConsumer } from './bindConsumer.js';
import {
  applyJson,
  installKlutchCrds,
  testGroup,
  waitEstablished,
  widgetCrd,
  widgetTemplate,
} from './testdata/controlPlane.js';

const goGroup = 'example-backend.klutch.anynines.com';

function inGoGroup(template: object): object {
  return { ...template, apiVersion: `${goGroup}/v1alpha1` };
}

describe('export templates of both groups', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let clients: BackendClients;
  let backend: BackendHandle | undefined;

  before(async () => {
    cluster = await startCluster({ name: 'backend-templates' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    clients = backendClients(client);
    await installKlutchCrds(cluster);
    await applyJson(cluster, widgetCrd('cogs', 'Cog', 'Namespaced'));
    await applyJson(cluster, widgetCrd('sprockets', 'Sprocket', 'Namespaced'));
    await waitEstablished(cluster, `cogs.${testGroup}`);
    await waitEstablished(cluster, `sprockets.${testGroup}`);
    await applyJson(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
    backend = await startBackend({ client, logger: silentLogger() });
  });
  after(async () => {
    await backend?.stop();
    await client?.close();
    await cluster?.stop();
  });

  it('offers an API whose template is in the Klutch v1.5 group, with its permission claims', async () => {
    await applyJson(cluster, inGoGroup(widgetTemplate('cogs')));
    const bound = await eventually(() =>
      bindConsumer({ client, identity: 'go-group#c1', requests: [{ group: testGroup, resource: 'cogs' }] }),
    );
    const ns = bound.providerNamespace;
    const exp = await eventually(() => clients.exports.get(`cogs.${testGroup}`, { namespace: ns }));
    assert.deepEqual(
      exp.spec.permissionClaims?.map((c) => [c.group, c.resource]),
      [['', 'secrets']],
    );
    const ready = await eventually(async () => {
      const t = await clients.exampleBackendTemplates.get('cogs', { namespace: 'templates' });
      assert.equal(getCondition(t.status?.conditions, 'Ready')?.status, 'True');
      return t;
    });
    assert.equal(ready.metadata.name, 'cogs');
  });

  it('reports a template of the same name in both groups as a conflict on both, and uses the bind.anynines.com one', async () => {
    // Same namespace and name, different content: the seeds' group wins.
    await applyJson(cluster, {
      ...widgetTemplate('sprockets', false),
      metadata: { name: 'shared', namespace: 'templates' },
    });
    await applyJson(
      cluster,
      inGoGroup({ ...widgetTemplate('sprockets'), metadata: { name: 'shared', namespace: 'templates' } }),
    );
    for (const templates of [clients.templates, clients.exampleBackendTemplates]) {
      await eventually(async () => {
        const t = await templates.get('shared', { namespace: 'templates' });
        const c = getCondition(t.status?.conditions, 'Ready');
        assert.equal(c?.status, 'False');
        assert.equal(c?.reason, 'Conflict');
        assert.match(
          c?.message ?? '',
          /exists in the groups bind\.anynines\.com and example-backend\.klutch\.anynines\.com; the backend uses the one in bind\.anynines\.com/,
        );
      });
    }
    const kubectlView = await cluster.kubectl([
      'get',
      `apiserviceexporttemplates.${goGroup}`,
      'shared',
      '-n',
      'templates',
      '-o',
      'wide',
    ]);
    assert.match(kubectlView.stdout, /ESTABLISHED/);
    assert.match(kubectlView.stdout, /False/);

    const ns = (await bindConsumer({ client, identity: 'conflict#c1' })).providerNamespace;
    await clients.exportRequests.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceExportRequest',
      metadata: { name: `sprockets.${testGroup}`, namespace: ns },
      spec: { resources: [{ group: testGroup, resource: 'sprockets' }] },
    });
    const exp = await eventually(() => clients.exports.get(`sprockets.${testGroup}`, { namespace: ns }));
    assert.equal(exp.spec.permissionClaims, undefined, 'the claims of the bind.anynines.com template apply');

    // Removing one side ends the conflict on the other.
    await clients.templates.delete('shared', { namespace: 'templates' });
    await eventually(async () => {
      const t = await clients.exampleBackendTemplates.get('shared', { namespace: 'templates' });
      assert.equal(getCondition(t.status?.conditions, 'Ready')?.status, 'True');
    });
  });
});
