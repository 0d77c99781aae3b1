import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { crdsToYamlStream } from './generate/crdYaml.js';
import { repositoryRoot } from './generate/outputs.js';
import { allKinds } from './registry.js';
import type { AnyKindDefinition } from './schema/crd.js';
import type { JsonSchemaProps } from './schema/jsonSchema.js';

// Installs every generated CRD into a real kube-apiserver and checks what users experience:
// documented fields in kubectl explain, the seed manifests applying, invalid objects rejected with
// the documented messages, and the kubectl get columns.

const fixturesDirectory = join(repositoryRoot, 'packages/api/fixtures');

let cluster: TestCluster;

async function kubectl(args: string[], input?: string) {
  return cluster.kubectl(args, input === undefined ? {} : { input });
}

async function mustKubectl(args: string[], input?: string): Promise<string> {
  const result = await kubectl(args, input);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Runs `fn` over `items` with at most `limit` calls in flight (kubectl start-up dominates). */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  });
  await Promise.all(workers);
}

before(async () => {
  cluster = await startCluster({ name: 'api-crds' });
  await mustKubectl(['apply', '-f', '-'], crdsToYamlStream(allKinds.map((k) => k.crd)));
  await mustKubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  await mustKubectl(['create', 'namespace', 'crossplane-system']);
  await mustKubectl(['create', 'namespace', 'validation']);
});

after(async () => {
  await cluster?.stop();
});

void describe('CRD installation', () => {
  void it('establishes every CRD with the generated names', async () => {
    const out = await mustKubectl([
      'get',
      'crd',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}',
    ]);
    const established = new Map(
      out
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    for (const kind of allKinds) assert.equal(established.get(kind.crdName), 'True', kind.crdName);
  });
});

/** Object-typed paths below spec (e.g. `spec.konnector.overrides`) whose fields users set. */
function explainablePaths(schema: JsonSchemaProps, path: string): string[] {
  const node = schema.type === 'array' ? schema.items : schema;
  if (!node?.properties) return [];
  const paths = [path];
  for (const [name, child] of Object.entries(node.properties))
    paths.push(...explainablePaths(child, `${path}.${name}`));
  return paths;
}

/** Field name → description text from the FIELDS section of `kubectl explain`. */
function parseExplainFields(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  const section = output.split(/^FIELDS:$/m)[1] ?? '';
  let current: string | undefined;
  for (const line of section.split('\n')) {
    const header = /^ {2}(\S+)\t<[^>]+>/.exec(line);
    if (header?.[1]) {
      current = header[1];
      fields.set(current, '');
    } else if (current !== undefined && line.startsWith('    ') && line.trim() !== '<no description>') {
      fields.set(current, `${fields.get(current) ?? ''} ${line.trim()}`.trim());
    }
  }
  return fields;
}

function specSchema(kind: AnyKindDefinition): JsonSchemaProps {
  return kind.crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec ?? {};
}

void describe('kubectl explain', () => {
  void it('shows a description for every field users set, at every level of spec', async () => {
    const jobs = allKinds.flatMap((kind) =>
      explainablePaths(specSchema(kind), 'spec').map((path) => ({ kind, path })),
    );
    assert.ok(jobs.length > 60, `expected many explainable paths, got ${jobs.length}`);
    const problems: string[] = [];
    await inParallel(jobs, 6, async ({ kind, path }) => {
      const out = await mustKubectl([
        'explain',
        `${kind.plural}.${path}`,
        `--api-version=${kind.apiVersion}`,
      ]);
      const fields = parseExplainFields(out);
      let node: JsonSchemaProps | undefined = specSchema(kind);
      for (const segment of path.split('.').slice(1)) {
        node = (node?.type === 'array' ? node.items : node)?.properties?.[segment];
      }
      const expected = Object.keys((node?.type === 'array' ? node.items : node)?.properties ?? {});
      assert.deepEqual(
        [...fields.keys()].sort(),
        [...expected].sort(),
        `${kind.kind} ${path}: explained fields`,
      );
      for (const [field, description] of fields) {
        if (description === '') problems.push(`${kind.kind} ${path}.${field}`);
      }
    });
    assert.deepEqual(problems, [], 'fields shown without description');
  });
});

void describe('seed and reference manifests', () => {
  void it('apply successfully, with every object stored', async () => {
    const directories = ['seed-000', 'seed-001', 'reference', 'examples'];
    for (const directory of directories) {
      for (const file of (await readdir(join(fixturesDirectory, directory))).sort()) {
        const path = join(fixturesDirectory, directory, file);
        const applied = await mustKubectl(['apply', '-f', path]);
        const names = await mustKubectl(['get', '-f', path, '-o', 'name']);
        assert.equal(
          names.trim().split('\n').length,
          applied.trim().split('\n').length,
          `${directory}/${file}: every applied object can be read back`,
        );
      }
    }
    // Spot-check defaults the API server fills in from the schemas.
    const keyRef = await mustKubectl([
      'get',
      'appclusterbinding',
      'aws-app-cluster',
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.kubeconfigSecretRef.key}',
    ]);
    assert.equal(keyRef, 'kubeconfig');
    const endpoint = await mustKubectl([
      'get',
      'providerconfigs.dataservices.anynines.com',
      'postgresql-service-broker',
      '-o',
      'jsonpath={.spec.healthCheckEndpoint}',
    ]);
    // No default in the CRD: the provider uses /v2/catalog (service broker) or /instances (backup manager).
    assert.equal(endpoint, '');
    const owner = await mustKubectl([
      'get',
      'apiserviceexporttemplates.bind.anynines.com',
      'servicebindings',
      '-n',
      'crossplane-system',
      '-o',
      'jsonpath={.spec.permissionClaims[0].selector.owner}/{.spec.permissionClaims[0].selector.names[0]}',
    ]);
    assert.equal(owner, 'Provider/*');
    const phase = await mustKubectl([
      'get',
      'apiserviceexportrequests.klutch.anynines.com',
      'postgresqlinstances.anynines.com',
      '-n',
      'cluster-x7k2p',
      '-o',
      'jsonpath={.status.phase}',
    ]);
    assert.equal(phase, 'Pending', 'a new export request starts Pending');
  });
});

type Json = Record<string, unknown>;

interface InvalidCase {
  name: string;
  /** Created for real first; the invalid change is then tried against it. */
  existing?: Json;
  /** A merge patch for `existing`, or a whole object to create when there is no `existing`. */
  change: Json;
  expected: string | RegExp;
}

function dataService(kind: string, name: string, spec: Json): Json {
  return { apiVersion: 'anynines.com/v1', kind, metadata: { name, namespace: 'validation' }, spec };
}

function pg(name: string, plan: string, service = 'a9s-postgresql15', parameters?: Json): Json {
  return dataService('PostgresqlInstance', name, { service, plan, ...(parameters ? { parameters } : {}) });
}

function planChange(plan: string): Json {
  return { spec: { plan } };
}

function providerConfig(name: string, spec: Json): Json {
  return { apiVersion: 'dataservices.anynines.com/v1', kind: 'ProviderConfig', metadata: { name }, spec };
}

const secretCredentials = {
  source: 'Secret',
  username: { secretRef: { namespace: 'crossplane-system', name: 'creds', key: 'username' } },
  password: { secretRef: { namespace: 'crossplane-system', name: 'creds', key: 'password' } },
};

function exportObject(name: string, spec: Json): Json {
  return {
    apiVersion: 'klutch.anynines.com/v1alpha1',
    kind: 'APIServiceExport',
    metadata: { name, namespace: 'validation' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      informerScope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
      ...spec,
    },
  };
}

const invalidCases: InvalidCase[] = [
  {
    name: 'PostgreSQL plan downsizing',
    existing: pg('pg-shrink', 'postgresql-single-small'),
    change: planChange('postgresql-single-nano'),
    expected: 'A PostgreSQL instance cannot move to a smaller plan',
  },
  {
    name: 'PostgreSQL clustered to single',
    existing: pg('pg-unreplicate', 'postgresql-replica-small'),
    change: planChange('postgresql-single-big'),
    expected: 'A clustered PostgreSQL instance (replica plan) cannot move to a single-node plan',
  },
  {
    name: 'PostgreSQL SSL to non-SSL',
    existing: pg('pg-ssl-off', 'postgresql-single-small-ssl'),
    change: planChange('postgresql-single-big'),
    expected: 'A PostgreSQL instance cannot switch between SSL and non-SSL plans',
  },
  {
    name: 'PostgreSQL non-SSL to SSL',
    existing: pg('pg-ssl-on', 'postgresql-single-small'),
    change: planChange('postgresql-single-small-ssl'),
    expected: 'A PostgreSQL instance cannot switch between SSL and non-SSL plans',
  },
  {
    name: 'PostgreSQL bionic to non-bionic',
    existing: pg('pg-bionic', 'postgresql-single-small-bionic', 'a9s-postgresql13'),
    change: planChange('postgresql-single-big'),
    expected: 'A PostgreSQL instance cannot switch between bionic and non-bionic plans',
  },
  {
    name: 'PostgreSQL service is immutable',
    existing: pg('pg-service', 'postgresql-single-nano'),
    change: { spec: { service: 'a9s-postgresql17' } },
    expected:
      'spec.service cannot be changed after creation; create a new instance to use another service or version.',
  },
  {
    name: 'unknown service',
    change: pg('pg-unknown-service', 'postgresql-single-nano', 'a9s-postgresql99'),
    expected: 'spec.service: Unsupported value: "a9s-postgresql99"',
  },
  {
    name: 'unknown plan',
    change: pg('pg-unknown-plan', 'postgresql-single-huge'),
    expected: 'spec.plan: Unsupported value: "postgresql-single-huge"',
  },
  {
    name: 'bionic plan with a newer PostgreSQL',
    change: pg('pg-bionic-15', 'postgresql-single-nano-bionic', 'a9s-postgresql15'),
    expected: 'Bionic plans (ending in -bionic) exist only for a9s-postgresql13',
  },
  {
    name: 'MariaDB 10.11 without SSL',
    change: dataService('MariadbInstance', 'mariadb-no-ssl', {
      service: 'a9s-mariadb1011',
      plan: 'mariadb-single-nano',
    }),
    expected: 'a9s-mariadb1011 supports only SSL plans; choose a plan ending in -ssl.',
  },
  {
    name: 'MariaDB downsizing',
    existing: dataService('MariadbInstance', 'mariadb-shrink', {
      service: 'a9s-mariadb106',
      plan: 'mariadb-cluster-big',
    }),
    change: planChange('mariadb-cluster-small'),
    expected: 'A MariaDB instance cannot move to a smaller plan',
  },
  {
    name: 'Messaging clustered to single',
    existing: dataService('MessagingInstance', 'messaging-unclustered', {
      service: 'a9s-messaging4',
      plan: 'messaging-cluster-small',
    }),
    change: planChange('messaging-single-big'),
    expected: 'A clustered Messaging instance (cluster plan) cannot move to a single-node plan',
  },
  {
    name: 'MongoDB SSL switch',
    existing: dataService('MongodbInstance', 'mongodb-ssl', {
      service: 'a9s-mongodb70',
      plan: 'mongodbsspl-replica-small',
    }),
    change: planChange('mongodbsspl-replica-small-ssl'),
    expected: 'A MongoDB instance cannot switch between SSL and non-SSL plans',
  },
  {
    name: 'Search downsizing from medium to small',
    existing: dataService('SearchInstance', 'search-shrink', {
      service: 'a9s-search2',
      plan: 'search-single-medium-ssl',
    }),
    change: planChange('search-single-small-ssl'),
    expected: 'A Search instance cannot move to a smaller plan',
  },
  {
    name: 'KeyValue single to clustered',
    existing: dataService('KeyvalueInstance', 'keyvalue-grow', {
      service: 'a9s-keyvalue8',
      plan: 'keyvalue-single-small-ssl',
    }),
    change: planChange('keyvalue-replica-small-ssl'),
    expected: 'A single-node KeyValue instance cannot move to a clustered plan',
  },
  {
    name: 'LogMe2 clustered to single',
    existing: dataService('Logme2Instance', 'logme2-shrink', {
      service: 'a9s-logme2',
      plan: 'logme-cluster-small-ssl',
    }),
    change: planChange('logme-single-small-ssl'),
    expected: 'A clustered LogMe2 instance (cluster plan) cannot move to a single-node plan',
  },
  {
    name: 'Prometheus plan change',
    existing: dataService('PrometheusInstance', 'prometheus-plan', {
      service: 'a9s-prometheus',
      plan: 'prometheus-single-small',
    }),
    change: planChange('prometheus-single-big'),
    expected: 'The plan of a Prometheus instance cannot be changed',
  },
  {
    name: 'KeyValue clustered-only parameter on a single plan',
    change: dataService('KeyvalueInstance', 'keyvalue-sentinel', {
      service: 'a9s-keyvalue8',
      plan: 'keyvalue-single-small-ssl',
      parameters: { failoverTimeout: 1000 },
    }),
    expected: 'parameters.failoverTimeout applies only to clustered plans (keyvalue-replica-*)',
  },
  {
    name: 'parameter of the wrong type',
    change: pg('pg-type', 'postgresql-single-nano', 'a9s-postgresql15', { maxConnections: 'many' }),
    expected:
      /spec\.parameters\.maxConnections: Invalid value: "string": spec\.parameters\.maxConnections in body must be of type integer/,
  },
  {
    name: 'parameter below its minimum',
    change: dataService('SearchInstance', 'search-heap', {
      service: 'a9s-search2',
      plan: 'search-single-nano-ssl',
      parameters: { javaHeapspace: 128 },
    }),
    expected:
      'spec.parameters.javaHeapspace: Invalid value: 128: spec.parameters.javaHeapspace in body should be greater than or equal to 256',
  },
  {
    name: 'parameter above its maximum',
    change: dataService('Logme2Instance', 'logme2-meta', {
      service: 'a9s-logme2',
      plan: 'logme-single-small-ssl',
      parameters: { javaMaxmetaspace: 2048 },
    }),
    expected: 'should be less than or equal to 1024',
  },
  {
    name: 'parameter outside its allowed values (CEL)',
    change: pg('pg-temp', 'postgresql-single-nano', 'a9s-postgresql15', { tempFileLimit: 0 }),
    expected: 'must be -1 (no limit) or a positive number of kilobytes.',
  },
  {
    name: 'memory size without unit',
    change: pg('pg-memory', 'postgresql-single-nano', 'a9s-postgresql15', { workMem: '64' }),
    expected: 'must be a positive size with a unit, e.g. 64MB or 4GB (units kB, MB, GB, TB).',
  },
  {
    name: 'parameter enum',
    change: pg('pg-io', 'postgresql-single-nano', 'a9s-postgresql15', { trackIoTiming: 'sometimes' }),
    expected: 'spec.parameters.trackIoTiming: Unsupported value: "sometimes": supported values: "on", "off"',
  },
  {
    name: 'MongoDB int-or-string parameter',
    change: dataService('MongodbInstance', 'mongodb-images', {
      service: 'a9s-mongodb70',
      plan: 'mongodbsspl-single-nano',
      parameters: {
        setClusterParameter: { changeStreamOptions: { preAndPostImages: { expireAfterSeconds: 'never' } } },
      },
    }),
    expected: 'expireAfterSeconds must be off or a number of seconds (0 or more).',
  },
  {
    name: 'Fluentd TLS range set on one side only',
    change: dataService('Logme2Instance', 'logme2-tls', {
      service: 'a9s-logme2',
      plan: 'logme-single-small-ssl',
      parameters: { fluentdTlsMinVersion: 'TLSv1_2' },
    }),
    expected: 'fluentdTlsMinVersion and fluentdTlsMaxVersion must be set together; set both or neither.',
  },
  {
    name: 'ServiceBinding instanceRef is immutable',
    existing: dataService('ServiceBinding', 'binding-ref', {
      instanceRef: 'one',
      serviceInstanceType: 'postgresql',
    }),
    change: { spec: { instanceRef: 'other' } },
    expected:
      'This reference cannot be changed after creation; delete this ServiceBinding and create a new one',
  },
  {
    name: 'Backup for an unknown service type',
    change: dataService('Backup', 'backup-type', { instanceRef: 'one', serviceInstanceType: 'oracle' }),
    expected: 'spec.serviceInstanceType: Unsupported value: "oracle"',
  },
  {
    name: 'Restore backupRef is immutable',
    existing: dataService('Restore', 'restore-ref', { backupRef: 'one', serviceInstanceType: 'postgresql' }),
    change: { spec: { backupRef: 'two' } },
    expected: 'This reference cannot be changed after creation; delete this Restore and create a new one',
  },
  {
    name: 'ClusterBinding not named cluster',
    change: {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'ClusterBinding',
      metadata: { name: 'my-cluster', namespace: 'validation' },
      spec: {
        kubeconfigSecretRef: { name: 'kubeconfig', key: 'kubeconfig' },
        providerPrettyName: 'anynines',
      },
    },
    expected:
      'A ClusterBinding must be named cluster: each provider namespace has exactly one, with that name.',
  },
  {
    name: 'mutually exclusive claim options',
    change: {
      apiVersion: 'bind.anynines.com/v1alpha1',
      kind: 'APIServiceExportTemplate',
      metadata: { name: 'adopt-and-donate', namespace: 'validation' },
      spec: {
        APIServiceSelector: { group: 'anynines.com', resource: 'servicebindings' },
        permissionClaims: [
          { group: '', resource: 'secrets', version: 'v1', autoAdopt: true, autoDonate: true },
        ],
      },
    },
    expected: 'autoAdopt and autoDonate are mutually exclusive: set at most one of them to true',
  },
  {
    name: 'APIServiceExport name not <plural>.<group>',
    change: exportObject('wrong-name', {}),
    expected: 'metadata.name must be <spec.names.plural>.<spec.group> of the exported resource',
  },
  {
    name: 'APIServiceExport of a cluster-scoped resource with Namespaced informers',
    change: exportObject('widgets.example.com', { scope: 'Cluster', clusterScopedIsolation: 'Prefixed' }),
    expected: 'informerScope must be Cluster when the exported resource is cluster-scoped (scope: Cluster).',
  },
  {
    name: 'APIServiceExport informerScope is immutable',
    existing: exportObject('widgets.example.com', {}),
    change: { spec: { informerScope: 'Cluster' } },
    expected: 'informerScope cannot be changed after the export is created',
  },
  {
    name: 'APIServiceBinding kubeconfigSecretRef is immutable',
    existing: {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceBinding',
      metadata: { name: 'widgets.example.com', namespace: 'validation' },
      spec: { kubeconfigSecretRef: { name: 'kubeconfig-1', namespace: 'validation', key: 'kubeconfig' } },
    },
    change: { spec: { kubeconfigSecretRef: { name: 'kubeconfig-2' } } },
    expected:
      'kubeconfigSecretRef cannot be changed; update the kubeconfig inside the Secret, or delete and recreate the binding.',
  },
  {
    name: 'APIServiceExportRequest spec is immutable',
    existing: {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceExportRequest',
      metadata: { name: 'widgets.example.com', namespace: 'validation' },
      spec: { resources: [{ group: 'example.com', resource: 'widgets' }] },
    },
    change: { spec: { resources: [{ group: 'example.com', resource: 'gadgets' }] } },
    expected: 'spec cannot be changed after creation; create a new APIServiceExportRequest instead.',
  },
  {
    name: 'AppClusterBinding kubeconfigSecretRef is immutable',
    existing: {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'AppClusterBinding',
      metadata: { name: 'app', namespace: 'validation' },
      spec: { kubeconfigSecretRef: { name: 'app-kubeconfig', namespace: 'validation' } },
    },
    change: { spec: { kubeconfigSecretRef: { namespace: 'default' } } },
    expected:
      'kubeconfigSecretRef cannot be changed; update the kubeconfig inside the Secret, or delete and recreate the AppClusterBinding.',
  },
  {
    name: 'ProviderConfig trusting a CA and skipping verification',
    change: providerConfig('tls-both', {
      url: 'https://broker.example.com',
      providerCredentials: secretCredentials,
      tls: { insecureSkipVerify: true, caBundleSecretRef: { namespace: 'crossplane-system', name: 'ca' } },
    }),
    expected: 'caBundleSecretRef and insecureSkipVerify are mutually exclusive',
  },
  {
    name: 'ProviderConfig URL without scheme',
    change: providerConfig('no-scheme', {
      url: 'broker.example.com:3000',
      providerCredentials: secretCredentials,
    }),
    expected: 'url must start with http:// or https://',
  },
  {
    name: 'ProviderConfig with source Secret but no Secret reference',
    change: providerConfig('no-secret', {
      url: 'http://broker.example.com',
      providerCredentials: {
        source: 'Secret',
        username: { env: { name: 'USER' } },
        password: { env: { name: 'PASS' } },
      },
    }),
    expected: 'source Secret needs username.secretRef and password.secretRef',
  },
];

void describe('invalid objects are rejected with the documented message', () => {
  before(async () => {
    const existing = invalidCases.flatMap((c) => (c.existing ? [c.existing] : []));
    await mustKubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: existing }),
    );
  });

  for (const invalid of invalidCases) {
    void it(invalid.name, async () => {
      let result;
      if (invalid.existing) {
        const metadata = invalid.existing.metadata as { name: string; namespace?: string };
        const target = `${String(invalid.existing.kind)}.${String(invalid.existing.apiVersion).split('/')[0]}`;
        const args = ['patch', target, metadata.name, '--type=merge', '-p', JSON.stringify(invalid.change)];
        if (metadata.namespace) args.push('-n', metadata.namespace);
        result = await kubectl([...args, '--dry-run=server']);
      } else {
        result = await kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(invalid.change));
      }
      assert.notEqual(result.code, 0, `accepted although invalid: ${result.stdout}`);
      if (typeof invalid.expected === 'string') {
        assert.ok(
          result.stderr.includes(invalid.expected),
          `expected "${invalid.expected}" in:\n${result.stderr}`,
        );
      } else {
        assert.match(result.stderr, invalid.expected);
      }
    });
  }

  void it('accepts the allowed plan changes: growing, single to clustered, same TLS setting', async () => {
    const allowed: [Json, string][] = [
      [pg('pg-grow', 'postgresql-single-nano-ssl'), 'postgresql-replica-big-ssl'],
      [
        dataService('MariadbInstance', 'mariadb-grow', {
          service: 'a9s-mariadb106',
          plan: 'mariadb-single-nano',
        }),
        'mariadb-cluster-small',
      ],
      [
        dataService('SearchInstance', 'search-grow', {
          service: 'a9s-search2',
          plan: 'search-single-small-ssl',
        }),
        'search-single-medium-ssl',
      ],
    ];
    await mustKubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: allowed.map(([o]) => o) }),
    );
    for (const [object, plan] of allowed) {
      const name = (object.metadata as { name: string }).name;
      await mustKubectl([
        'patch',
        `${String(object.kind)}.anynines.com`,
        name,
        '-n',
        'validation',
        '--type=merge',
        '-p',
        JSON.stringify(planChange(plan)),
      ]);
    }
  });
});

interface ColumnExpectation {
  resource: string;
  namespace?: string;
  columns: string[];
  wide?: string[];
}

const instanceColumns = {
  columns: ['NAME', 'PLAN', 'READY', 'MESSAGE', 'MANAGEDRESOURCE', 'AGE'],
  wide: ['NAME', 'SERVICE', 'PLAN', 'READY', 'STATE', 'MESSAGE', 'MANAGEDRESOURCE', 'AGE'],
};
const managedColumns = { columns: ['NAME', 'READY', 'SYNCED', 'EXTERNAL-NAME', 'AGE'] };

const columnExpectations: ColumnExpectation[] = [
  {
    resource: 'apiserviceexports.klutch.anynines.com',
    namespace: 'cluster-x7k2p',
    columns: ['NAME', 'AGE'],
    wide: ['NAME', 'ESTABLISHED', 'AGE'],
  },
  {
    resource: 'apiserviceexportrequests.klutch.anynines.com',
    namespace: 'cluster-x7k2p',
    columns: ['NAME', 'READY', 'AGE'],
  },
  {
    resource: 'apiservicebindings.klutch.anynines.com',
    namespace: 'klutch-bind',
    columns: ['NAME', 'PROVIDER', 'READY', 'MESSAGE', 'AGE'],
    wide: ['NAME', 'PROVIDER', 'RESOURCES', 'READY', 'MESSAGE', 'AGE'],
  },
  {
    resource: 'apiservicenamespaces.klutch.anynines.com',
    namespace: 'cluster-x7k2p',
    columns: ['NAME', 'NAMESPACE', 'AGE'],
  },
  {
    resource: 'clusterbindings.klutch.anynines.com',
    namespace: 'cluster-x7k2p',
    columns: ['NAME', 'KONNECTOR VERSION', 'LAST HEARTBEAT', 'READY', 'AGE'],
  },
  {
    resource: 'appclusterbindings.klutch.anynines.com',
    namespace: 'default',
    columns: ['NAME', 'READY', 'AGE'],
  },
  {
    resource: 'apiserviceexporttemplates.bind.anynines.com',
    namespace: 'crossplane-system',
    columns: ['NAME', 'GROUP', 'RESOURCE', 'AGE'],
    wide: ['NAME', 'GROUP', 'RESOURCE', 'VERSION', 'ESTABLISHED', 'AGE'],
  },
  {
    resource: 'apiserviceexporttemplates.example-backend.klutch.anynines.com',
    namespace: 'crossplane-system',
    columns: ['NAME', 'GROUP', 'RESOURCE', 'AGE'],
    wide: ['NAME', 'GROUP', 'RESOURCE', 'VERSION', 'ESTABLISHED', 'AGE'],
  },
  ...['postgresql', 'mariadb', 'mongodb', 'messaging', 'search', 'logme2', 'prometheus', 'keyvalue'].map(
    (service) => ({
      resource: `${service}instances.anynines.com`,
      namespace: 'default',
      ...instanceColumns,
    }),
  ),
  {
    resource: 'servicebindings.anynines.com',
    namespace: 'default',
    columns: ['NAME', 'INSTANCE', 'SECRET', 'READY', 'MESSAGE', 'AGE'],
    wide: ['NAME', 'INSTANCE', 'TYPE', 'SECRET', 'READY', 'MESSAGE', 'AGE'],
  },
  {
    resource: 'backups.anynines.com',
    namespace: 'default',
    columns: ['NAME', 'INSTANCE', 'STATE', 'READY', 'MESSAGE', 'AGE'],
    wide: ['NAME', 'INSTANCE', 'TYPE', 'STATE', 'READY', 'MESSAGE', 'AGE'],
  },
  {
    resource: 'restores.anynines.com',
    namespace: 'default',
    columns: ['NAME', 'BACKUP', 'STATE', 'READY', 'MESSAGE', 'AGE'],
    wide: ['NAME', 'BACKUP', 'TYPE', 'STATE', 'READY', 'MESSAGE', 'AGE'],
  },
  {
    resource: 'providerconfigs.dataservices.anynines.com',
    columns: ['NAME', 'AGE', 'HEALTHY'],
    wide: ['NAME', 'AGE', 'HEALTHY', 'TYPE', 'URL', 'MESSAGE'],
  },
  {
    resource: 'providerconfigusages.dataservices.anynines.com',
    columns: ['NAME', 'AGE', 'CONFIG-NAME', 'RESOURCE-KIND', 'RESOURCE-NAME'],
  },
  { resource: 'serviceinstances.dataservices.anynines.com', ...managedColumns },
  { resource: 'servicebindings.dataservices.anynines.com', ...managedColumns },
  { resource: 'backups.dataservices.anynines.com', ...managedColumns },
  { resource: 'restores.dataservices.anynines.com', ...managedColumns },
];

function headerOf(output: string): string[] {
  // kubectl pads columns with at least three spaces; headers themselves may contain one.
  return (output.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}

void describe('kubectl get', () => {
  before(async () => {
    // Idempotent: the objects to list come from the fixtures, whichever test applied them first.
    await mustKubectl(['apply', '--recursive', '-f', fixturesDirectory]);
  });

  void it('covers every kind', () => {
    assert.deepEqual(columnExpectations.map((c) => c.resource).sort(), allKinds.map((k) => k.crdName).sort());
  });

  for (const expectation of columnExpectations) {
    void it(`prints the documented columns for ${expectation.resource}`, async () => {
      const args = [
        'get',
        expectation.resource,
        ...(expectation.namespace ? ['-n', expectation.namespace] : []),
      ];
      assert.deepEqual(headerOf(await mustKubectl(args)), expectation.columns);
      assert.deepEqual(
        headerOf(await mustKubectl([...args, '-o', 'wide'])),
        expectation.wide ?? expectation.columns,
      );
    });
  }
});
