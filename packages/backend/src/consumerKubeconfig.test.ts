import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { readConsumerKubeconfig, renderConsumerKubeconfig } from './consumerKubeconfig.js';
import { renewalDue } from './credentialSchedule.js';

describe('consumer kubeconfig', () => {
  it('names everything default and puts the provider namespace into the current context', () => {
    const text = renderConsumerKubeconfig({
      server: 'https://api.example:6443',
      caPem: 'PEM',
      tlsServerName: 'kube.example',
      namespace: 'cluster-abc',
      token: 't0ken',
    });
    const doc = parse(text) as {
      'current-context': string;
      contexts: Array<{ name: string; context: { namespace: string } }>;
    };
    assert.equal(doc['current-context'], 'default');
    assert.equal(doc.contexts[0]?.context.namespace, 'cluster-abc');
    assert.deepEqual(readConsumerKubeconfig(text), {
      server: 'https://api.example:6443',
      caPem: 'PEM',
      tlsServerName: 'kube.example',
      namespace: 'cluster-abc',
      token: 't0ken',
    });
    assert.equal(readConsumerKubeconfig('not: [a kubeconfig'), undefined);
    assert.equal(readConsumerKubeconfig('apiVersion: v1'), undefined);
  });

  it('renews tokens within the renewal margin, or when the expiry is unknown', () => {
    const timings = { tokenLifetimeSeconds: 86_400, renewBeforeMs: 3_600_000 };
    const now = new Date('2025-01-01T00:00:00Z');
    assert.deepEqual(renewalDue('2025-01-01T02:00:00Z', now, timings), {
      renewNow: false,
      recheckAfterMs: 3_600_000,
    });
    assert.deepEqual(renewalDue('2025-01-01T00:30:00Z', now, timings), { renewNow: true });
    assert.deepEqual(renewalDue(undefined, now, timings), { renewNow: true });
  });
});
