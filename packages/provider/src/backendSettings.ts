import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { effectiveServiceType, type ProviderServiceType } from '@klutch/api';
import type { ProviderConfigObject, SecretObject } from './managedResources.js';

/** Where the docs explain ProviderConfigs; quoted in messages so users know what to create. */
export const providerConfigDocs = 'docs/provider.md#providerconfig';

/** Everything needed to talk to one backend, read from a ProviderConfig and its Secrets. */
export interface BackendSettings {
  providerConfigName: string;
  url: string;
  serviceType: ProviderServiceType;
  healthCheckEndpoint: string;
  /** organization_guid / space_guid overrides for provisions through this broker. */
  organizationGuid?: string;
  spaceGuid?: string;
  username?: string;
  password?: string;
  caPem?: string;
  insecureSkipVerify?: boolean;
  serverName?: string;
  /** Changes whenever anything above changes: the key of cached clients. */
  fingerprint: string;
}

/**
 * The health check of a backend whose ProviderConfig names none: `/v2/catalog` for a service
 * broker, since every OSB broker serves it (the a9s `/instances` must be configured explicitly),
 * and `/instances` for a backup manager.
 */
export function defaultHealthCheckEndpoint(type: ProviderServiceType): string {
  return type === 'backupmanager' ? '/instances' : '/v2/catalog';
}

/** A ProviderConfig or one of its Secrets is missing or unusable; the message says what to fix. */
export class ProviderConfigError extends Error {
  readonly userMessage: string;
  constructor(message: string) {
    super(message);
    this.name = 'ProviderConfigError';
    this.userMessage = message;
  }
}

export interface SettingsSources {
  getProviderConfig(name: string): Promise<ProviderConfigObject | undefined>;
  getSecret(namespace: string, name: string): Promise<SecretObject | undefined>;
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => Promise<string>;
}

interface SecretKeyRef {
  namespace: string;
  name: string;
  key?: string;
}

async function secretValue(
  src: SettingsSources,
  pcName: string,
  ref: SecretKeyRef,
  field: string,
  defaultKey?: string,
): Promise<string> {
  const key = ref.key || defaultKey;
  if (!key) throw new ProviderConfigError(`ProviderConfig "${pcName}" ${field} has no key`);
  const secret = await src.getSecret(ref.namespace, ref.name);
  if (!secret) {
    throw new ProviderConfigError(
      `Secret "${ref.namespace}/${ref.name}" referenced by ProviderConfig "${pcName}" (${field}) not found: create it with the key "${key}"`,
    );
  }
  const encoded = secret.data?.[key];
  if (encoded === undefined) {
    throw new ProviderConfigError(
      `Secret "${ref.namespace}/${ref.name}" referenced by ProviderConfig "${pcName}" (${field}) has no key "${key}": add it or fix the key`,
    );
  }
  return Buffer.from(encoded, 'base64').toString('utf8');
}

type CredentialSelector = NonNullable<ProviderConfigObject['spec']>['providerCredentials']['username'];

async function credential(
  src: SettingsSources,
  pcName: string,
  source: string,
  selector: CredentialSelector,
  what: 'username' | 'password',
): Promise<string | undefined> {
  const field = `spec.providerCredentials.${what}`;
  switch (source) {
    case 'None':
      return undefined;
    case 'Secret': {
      if (!selector.secretRef) {
        throw new ProviderConfigError(
          `ProviderConfig "${pcName}" uses source Secret but ${field}.secretRef is missing`,
        );
      }
      return (await secretValue(src, pcName, selector.secretRef, `${field}.secretRef`)).trim();
    }
    case 'Environment': {
      const name = selector.env?.name;
      if (!name)
        throw new ProviderConfigError(
          `ProviderConfig "${pcName}" uses source Environment but ${field}.env.name is missing`,
        );
      const v = (src.env ?? process.env)[name];
      if (v === undefined) {
        throw new ProviderConfigError(
          `the environment variable ${name} named in ProviderConfig "${pcName}" (${field}) is not set in the provider`,
        );
      }
      return v.trim();
    }
    case 'Filesystem': {
      const path = selector.fs?.path;
      if (!path)
        throw new ProviderConfigError(
          `ProviderConfig "${pcName}" uses source Filesystem but ${field}.fs.path is missing`,
        );
      try {
        return (await (src.readFile ?? ((p: string) => readFile(p, 'utf8')))(path)).trim();
      } catch {
        throw new ProviderConfigError(
          `the file ${path} named in ProviderConfig "${pcName}" (${field}) cannot be read by the provider`,
        );
      }
    }
    default:
      throw new ProviderConfigError(
        `ProviderConfig "${pcName}": credentials source ${source} is not supported; use Secret, Environment, Filesystem or None`,
      );
  }
}

/**
 * Reads a ProviderConfig and the Secrets it references. Every failure is a ProviderConfigError
 * that names the object to create or the field to fix.
 */
export async function readBackendSettings(name: string, src: SettingsSources): Promise<BackendSettings> {
  const pc = await src.getProviderConfig(name);
  if (!pc)
    throw new ProviderConfigError(
      `ProviderConfig "${name}" not found: create it (see ${providerConfigDocs})`,
    );
  const spec = pc.spec;
  if (!spec?.url) throw new ProviderConfigError(`ProviderConfig "${name}" has no spec.url`);
  const creds = spec.providerCredentials;
  const source = creds?.source ?? 'None';
  const username = creds ? await credential(src, name, source, creds.username, 'username') : undefined;
  const password = creds ? await credential(src, name, source, creds.password, 'password') : undefined;
  const tls = spec.tls;
  const caPem = tls?.caBundleSecretRef
    ? await secretValue(src, name, tls.caBundleSecretRef, 'spec.tls.caBundleSecretRef', 'ca.crt')
    : undefined;
  const settings = {
    providerConfigName: name,
    url: spec.url.trim(),
    serviceType: effectiveServiceType(name, spec.serviceType),
    healthCheckEndpoint:
      spec.healthCheckEndpoint || defaultHealthCheckEndpoint(effectiveServiceType(name, spec.serviceType)),
    ...(spec.organizationGuid ? { organizationGuid: spec.organizationGuid.trim() } : {}),
    ...(spec.spaceGuid ? { spaceGuid: spec.spaceGuid.trim() } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(caPem !== undefined ? { caPem } : {}),
    ...(tls?.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    ...(tls?.overrideServerName ? { serverName: tls.overrideServerName } : {}),
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
  return { ...settings, fingerprint };
}
