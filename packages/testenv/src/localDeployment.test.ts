import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandKubeVars, podRuntimeOf } from './localDeployment.js';

describe('running a Deployment locally', () => {
  it('expands $(VAR) as the kubelet does', () => {
    assert.equal(expandKubeVars('--ns=$(NS) $(MISSING) $$(NS)', { NS: 'a' }), '--ns=a $(MISSING) $(NS)');
  });

  it("derives the container's environment and arguments from the Deployment", () => {
    const runtime = podRuntimeOf(
      {
        metadata: { name: 'konnector-x', namespace: 'root' },
        spec: {
          template: {
            spec: {
              serviceAccountName: 'klutch-binder',
              containers: [
                {
                  name: 'konnector',
                  image: 'klutch/konnector:0.1.0',
                  args: ['--lease-namespace=$(POD_NAMESPACE)', '--health-address=$(POD_IP):8080'],
                  env: [
                    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                    { name: 'GREETING', value: 'in $(POD_NAMESPACE)' },
                  ],
                },
              ],
            },
          },
        },
      },
      { name: 'konnector-x-abc', ip: '127.1.2.3' },
    );
    assert.deepEqual(runtime, {
      image: 'klutch/konnector:0.1.0',
      serviceAccountName: 'klutch-binder',
      args: ['--lease-namespace=root', '--health-address=127.1.2.3:8080'],
      env: { POD_NAMESPACE: 'root', POD_IP: '127.1.2.3', GREETING: 'in root' },
    });
  });

  it('refuses what a local process cannot reproduce', () => {
    const withEnv = (env: object[]) => ({
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c', env }] } } },
    });
    assert.throws(
      () =>
        podRuntimeOf(
          withEnv([{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]) as never,
          { name: 'p', ip: '127.0.0.2' },
        ),
      /only the fieldRefs/,
    );
  });
});
