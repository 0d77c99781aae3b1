import { crossplaneConditions } from '../common/conditions.js';
import { boolean, dateTime, enumOf, integer, object, required, string } from '../schema/builders.js';
import { defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { providerGroup, providerVersion } from './group.js';

export const providerServiceTypes = ['servicebroker', 'backupmanager'] as const;
export type ProviderServiceType = (typeof providerServiceTypes)[number];

/** The conventional name suffix of backup-manager configs (`<service>-backup-manager`). */
export const backupManagerNameSuffix = '-backup-manager';

/**
 * The effective service type: configs written before serviceType existed (seed 001) carry the kind of
 * backend only in their conventional name, `<service>-service-broker` or `<service>-backup-manager`.
 */
export function effectiveServiceType(
  name: string,
  serviceType: ProviderServiceType | undefined,
): ProviderServiceType {
  if (serviceType !== undefined) return serviceType;
  return name.endsWith(backupManagerNameSuffix) ? 'backupmanager' : 'servicebroker';
}

const credentialSelector = (what: string) =>
  object(
    {
      secretRef: object(
        {
          namespace: required(string({ description: 'Namespace of the Secret.', minLength: 1 })),
          name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
          key: required(string({ description: `Key in the Secret data holding the ${what}.`, minLength: 1 })),
        },
        { description: `The Secret key holding the ${what} (source Secret).` },
      ),
      env: object(
        { name: required(string({ description: 'Name of the environment variable.', minLength: 1 })) },
        { description: `The environment variable of the provider holding the ${what} (source Environment).` },
      ),
      fs: object(
        { path: required(string({ description: 'Path of the file.', minLength: 1 })) },
        { description: `The file in the provider container holding the ${what} (source Filesystem).` },
      ),
    },
    { description: `Where the ${what} comes from. Surrounding whitespace is ignored.` },
  );

export const providerConfigSpec = object(
  {
    url: required(
      string({
        description:
          'Base URL of the service broker or backup manager, e.g. https://broker.example.com:3000.',
        rules: [
          {
            rule: "self.startsWith('http://') || self.startsWith('https://')",
            message: 'url must start with http:// or https://, e.g. https://broker.example.com:3000.',
          },
        ],
      }),
    ),
    serviceType: enumOf(providerServiceTypes, {
      description:
        'Kind of backend: servicebroker (an OSB API) or backupmanager. It selects the health check. When left out, a name ending in -backup-manager means backupmanager, any other name servicebroker.',
    }),
    healthCheckEndpoint: string({
      description:
        'Path that is requested (GET) to check the health of the backend. When left out: /v2/catalog for a service broker (every OSB broker has it; a9s brokers may set /instances), /instances for a backup manager.',
      rules: [
        { rule: "self.startsWith('/')", message: 'healthCheckEndpoint must be a path starting with /.' },
      ],
    }),
    organizationGuid: string({
      description:
        'organization_guid sent with every provision of this broker. When left out, a GUID derived from the control-plane cluster (the UID of its kube-system namespace) is sent; a ServiceInstance may override it with spec.forProvider.organizationGuid.',
      minLength: 1,
    }),
    spaceGuid: string({
      description:
        "space_guid sent with every provision of this broker. When left out, a GUID derived from the organization GUID and the namespace of the consumer's claim is sent; a ServiceInstance may override it with spec.forProvider.spaceGuid.",
      minLength: 1,
    }),
    providerCredentials: required(
      object(
        {
          source: required(
            enumOf(['None', 'Secret', 'InjectedIdentity', 'Environment', 'Filesystem'], {
              description:
                'Where the credentials come from; Secret reads username.secretRef and password.secretRef.',
            }),
          ),
          username: required(credentialSelector('user name')),
          password: required(credentialSelector('password')),
        },
        {
          description: 'The basic-auth credentials for the backend.',
          rules: [
            {
              rule: "self.source != 'Secret' || (has(self.username.secretRef) && has(self.password.secretRef))",
              message:
                'source Secret needs username.secretRef and password.secretRef; add both Secret references.',
            },
          ],
        },
      ),
    ),
    tls: object(
      {
        insecureSkipVerify: boolean({
          description:
            'Skip verification of the certificate of the backend. Only for tests: it allows man-in-the-middle attacks.',
        }),
        caBundleSecretRef: object(
          {
            namespace: required(string({ description: 'Namespace of the Secret.', minLength: 1 })),
            name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
            key: string({ description: 'Key in the Secret data holding the PEM bundle.', default: 'ca.crt' }),
          },
          {
            description:
              'A Secret with the PEM-encoded CA certificates that sign the certificate of the backend.',
          },
        ),
        overrideServerName: string({
          description:
            'Server name expected in the certificate of the backend, when it differs from the URL host.',
        }),
      },
      {
        description: 'TLS settings for https URLs.',
        rules: [
          {
            rule: '!(has(self.caBundleSecretRef) && has(self.insecureSkipVerify) && self.insecureSkipVerify)',
            message:
              'caBundleSecretRef and insecureSkipVerify are mutually exclusive: trust a CA bundle, or skip verification, not both.',
          },
        ],
      },
    ),
  },
  { description: 'Where the backend is and how to authenticate to it.' },
);

export const providerConfigStatus = object(
  {
    users: integer({
      description: 'Number of managed resources using this ProviderConfig.',
      format: 'int64',
    }),
    conditions: crossplaneConditions,
    health: object(
      {
        lastCheckTime: dateTime({
          description: 'When the backend was last checked. Set it to null to request an immediate check.',
          nullable: true,
        }),
        lastStatus: boolean({ description: 'Whether the last check succeeded.' }),
        lastMessage: string({ description: 'Result of the last check, e.g. Available or the error.' }),
      },
      { description: 'Result of the periodic health check of the backend.' },
    ),
  },
  { description: 'Usage and health of the backend.' },
);

export const providerConfigKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'ProviderConfig',
  plural: 'providerconfigs',
  scope: 'Cluster',
  categories: ['crossplane', 'provider', 'anynines'],
  description:
    'Connection to one automation backend: an OSB service broker or a backup manager. By convention <service>-service-broker and <service>-backup-manager.',
  spec: providerConfigSpec,
  status: providerConfigStatus,
  printerColumns: [
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'HEALTHY', type: 'boolean', jsonPath: '.status.health.lastStatus' },
    { name: 'TYPE', type: 'string', jsonPath: '.spec.serviceType', priority: 1 },
    { name: 'URL', type: 'string', jsonPath: '.spec.url', priority: 1 },
    { name: 'MESSAGE', type: 'string', jsonPath: '.status.health.lastMessage', priority: 1 },
  ],
});

export type ProviderConfig = ObjectOf<typeof providerConfigKind>;
export type ProviderConfigSpec = SpecOf<typeof providerConfigKind>;
export type ProviderConfigStatus = StatusOf<typeof providerConfigKind>;
