import type { AppClusterBinding } from '@klutch/api';
import {
  capName,
  describeKubeConfigViolations,
  loadRemoteKubeConfig,
  markFalse,
  markTrue,
  maxDnsLabelLength,
  RemoteKubeConfigError,
  setSummary,
} from '@klutch/kube';
import type { Condition, KubeObject } from '@klutch/kube';
import type { Resource, SecretObject } from './backendObjects.js';
import { binderServiceAccountName, kubeconfigSecretKey, resourceObjectName } from './names.js';

export type AppClusterBindingObject = Resource<AppClusterBinding>;

/** Labels on everything created for an AppClusterBinding (reference 1.12). */
export const appClusterBindingNameLabel = 'klutch.anynines.com/appclusterbinding-name';
export const appClusterBindingNamespaceLabel = 'klutch.anynines.com/appclusterbinding-namespace';
/** Role and RoleBinding of the konnector in the root namespace (Go name). */
export const controlPlaneConnectorName = 'control-plane-connector';
/** The konnector image when neither --konnector-image nor an override names one. */
export const defaultKonnectorImage = 'klutch/konnector:0.1.0';
/** Port of the konnector's /healthz, /readyz and /metrics in the Deployment. */
export const konnectorHealthPort = 8080;

/** Names derived from the AppClusterBinding; long ones are capped with a stable hash suffix. */
export interface AppClusterBindingNames {
  rootNamespace: string;
  deployment: string;
  labels: Record<string, string>;
}

export function appClusterBindingNames(namespace: string, name: string): AppClusterBindingNames {
  return {
    rootNamespace: capName(`klutch-bind-${namespace}-${name}`, maxDnsLabelLength),
    // Pod names are <deployment>-<10>-<5>, and must stay DNS labels: 63 - 17.
    deployment: capName(`konnector-${name}`, maxDnsLabelLength - 17),
    labels: {
      [appClusterBindingNameLabel]: capName(name, maxDnsLabelLength),
      [appClusterBindingNamespaceLabel]: namespace,
    },
  };
}

export const labelSelectorOf = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export type SecretCheck =
  | { valid: true; kubeconfig: string }
  | { valid: false; reason: 'KubeconfigSecretNotFound' | 'KubeconfigSecretInvalid'; message: string };

/**
 * Validates the app-cluster kubeconfig Secret of an AppClusterBinding: present, key present, a
 * kubeconfig with a current context and inline credentials only (loadRemoteKubeConfig: whoever
 * writes the Secret must not make the backend or the konnector run a program or read a file).
 */
export function checkAppClusterKubeconfigSecret(
  secret: SecretObject | undefined,
  ref: { namespace: string; name: string; key?: string },
): SecretCheck {
  const where = `${ref.namespace}/${ref.name}`;
  const key = ref.key || kubeconfigSecretKey;
  if (!secret)
    return {
      valid: false,
      reason: 'KubeconfigSecretNotFound',
      message: `Kubeconfig secret ${where} not found. Create it with the app cluster's kubeconfig: kubectl create secret generic ${ref.name} -n ${ref.namespace} --from-file=${key}=<kubeconfig file>.`,
    };
  const encoded = secret.data?.[key];
  if (encoded === undefined || encoded === '') {
    const keys = Object.keys(secret.data ?? {});
    return {
      valid: false,
      reason: 'KubeconfigSecretInvalid',
      message: `Kubeconfig secret ${where} has no key "${key}" (it has ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'no keys'}). Set spec.kubeconfigSecretRef.key or store the kubeconfig under "${key}".`,
    };
  }
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    loadRemoteKubeConfig(text);
  } catch (err) {
    const why =
      err instanceof RemoteKubeConfigError
        ? describeKubeConfigViolations(err.violations)
        : err instanceof Error
          ? err.message
          : String(err);
    return {
      valid: false,
      reason: 'KubeconfigSecretInvalid',
      message: `Kubeconfig in secret ${where} is refused: ${why}. Use a kubeconfig with a service-account token (no exec plugins, no file paths).`,
    };
  }
  return { valid: true, kubeconfig: text };
}

/** A permission claim as the template and the APIServiceBinding carry it. */
type Claim = Record<string, unknown>;

export interface TemplateLike {
  metadata: { name?: string; namespace?: string };
  spec: { APIServiceSelector: { group?: string; resource: string }; permissionClaims?: unknown[] };
}

export interface ResolvedApi {
  group: string;
  resource: string;
  /** `<resource>.<group>`: the binding's, the export's and the CRD's name. */
  name: string;
  template: TemplateLike;
}

/**
 * Resolves each spec.apiExports entry to its template (first match by group and resource, as the
 * Go backend). Entries without a template are returned as missing.
 */
export function resolveApis(
  acb: AppClusterBindingObject,
  templates: readonly TemplateLike[],
): { apis: ResolvedApi[]; missing: string[] } {
  const apis: ResolvedApi[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const e of acb.spec.apiExports ?? []) {
    const group = (e.group ?? '').trim();
    const resource = e.resource.trim();
    const name = resourceObjectName(group, resource);
    if (seen.has(name)) continue;
    seen.add(name);
    const template = templates.find(
      (t) =>
        (t.spec.APIServiceSelector.group ?? '') === group && t.spec.APIServiceSelector.resource === resource,
    );
    if (template) apis.push({ group, resource, name, template });
    else missing.push(name);
  }
  return { apis, missing };
}

/**
 * The APIServiceBinding of one API in the root namespace, with the template's permission claims
 * accepted: the platform team chose the APIs, and the template says what they claim (the Go
 * version leaves the claims out, so claimed Secrets never reach the app cluster).
 */
export function desiredApiServiceBinding(
  names: AppClusterBindingNames,
  sourceSecretName: string,
  api: ResolvedApi,
): KubeObject {
  return {
    apiVersion: 'klutch.anynines.com/v1alpha1',
    kind: 'APIServiceBinding',
    metadata: { name: api.name, namespace: names.rootNamespace, labels: { ...names.labels } },
    spec: {
      kubeconfigSecretRef: {
        namespace: names.rootNamespace,
        name: sourceSecretName,
        key: kubeconfigSecretKey,
      },
      permissionClaims: ((api.template.spec.permissionClaims ?? []) as Claim[]).map((c) => ({
        ...c,
        state: 'Accepted',
      })),
    },
  };
}

const sanitize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');

function fnv32a(s: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The Go name of an export request: `appclusterbinding-<binding>-<template>-<fnv32a(template)>`,
 * each part sanitised and at most 24 characters, the whole at most 63 (the template part shrinks).
 */
export function exportRequestName(bindingName: string, templateName: string): string {
  const head = `appclusterbinding-${sanitize(bindingName)}`;
  const hash = fnv32a(templateName);
  let mid = sanitize(templateName);
  const room = maxDnsLabelLength - head.length - hash.length - 2;
  if (mid.length > room) mid = mid.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return mid ? `${head}-${mid}-${hash}` : `${head}-${hash}`;
}

export function desiredExportRequest(
  names: AppClusterBindingNames,
  bindingName: string,
  api: ResolvedApi,
): KubeObject {
  return {
    apiVersion: 'klutch.anynines.com/v1alpha1',
    kind: 'APIServiceExportRequest',
    metadata: {
      name: exportRequestName(bindingName, api.template.metadata.name ?? api.name),
      namespace: names.rootNamespace,
      labels: { ...names.labels },
    },
    spec: {
      resources: [
        {
          group: api.group,
          resource: api.resource,
          permissionClaims: api.template.spec.permissionClaims ?? [],
        },
      ],
    },
  };
}

/** The konnector's rights in the root namespace, next to the ClusterRole klutch-binder. */
export function connectorRole(names: AppClusterBindingNames): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: {
      name: controlPlaneConnectorName,
      namespace: names.rootNamespace,
      labels: { ...names.labels },
    },
    rules: [
      {
        apiGroups: ['klutch.anynines.com'],
        resources: ['apiservicebindings'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      {
        apiGroups: ['klutch.anynines.com'],
        resources: ['apiservicebindings/status'],
        verbs: ['patch', 'update'],
      },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      // The konnector reports binding failures as Events next to the bindings.
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    ],
  };
}

export function connectorRoleBinding(names: AppClusterBindingNames): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: controlPlaneConnectorName,
      namespace: names.rootNamespace,
      labels: { ...names.labels },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: controlPlaneConnectorName },
    subjects: [{ kind: 'ServiceAccount', name: binderServiceAccountName, namespace: names.rootNamespace }],
  };
}

type Container = Record<string, unknown> & { name: string };
type Keyed = Record<string, unknown>;

/** List fields of a container that merge by a key (strategic merge), as kubectl patch would. */
const mergeKeys: Record<string, string> = { env: 'name', ports: 'containerPort', volumeMounts: 'mountPath' };

function mergeByKey(base: unknown, override: unknown, key: string): unknown[] {
  const out = Array.isArray(base) ? (base as Keyed[]).map((x) => ({ ...x })) : [];
  for (const o of Array.isArray(override) ? (override as Keyed[]) : []) {
    const i = out.findIndex((b) => b[key] === o[key]);
    if (i >= 0) out[i] = o;
    else out.push(o);
  }
  return out;
}

/**
 * Merges `konnector.overrides` into the container. Unlike the Go version, which drops zero values
 * first, a given `false`, `0` or `""` is applied (only absent or null fields are left alone), so
 * an override can turn something off. env, ports and volumeMounts merge by their key.
 */
export function mergeContainerOverrides(container: Container, overrides: unknown): Container {
  if (typeof overrides !== 'object' || overrides === null) return container;
  const out: Container = { ...container };
  for (const [field, value] of Object.entries(overrides as Keyed)) {
    if (value === undefined || value === null) continue;
    const key = mergeKeys[field];
    out[field] = key ? mergeByKey(out[field], value, key) : structuredClone(value);
  }
  out.name = container.name;
  return out;
}

/** The konnector arguments of control-plane mode (Go names), secret and bindings in the root ns. */
export function konnectorArgs(names: AppClusterBindingNames, sourceSecretName: string): string[] {
  return [
    '--control-plane-mode',
    `--app-cluster-kubeconfig-secret-name=${sourceSecretName}`,
    `--app-cluster-kubeconfig-secret-namespace=${names.rootNamespace}`,
    `--app-cluster-kubeconfig-secret-key=${kubeconfigSecretKey}`,
    `--binding-root-namespace=${names.rootNamespace}`,
    '--lease-namespace=$(POD_NAMESPACE)',
    `--health-address=$(POD_IP):${konnectorHealthPort}`,
  ];
}

/** The Deployment `konnector-<name>` in the root namespace, overrides merged into its container. */
export function desiredKonnectorDeployment(
  acb: AppClusterBindingObject,
  names: AppClusterBindingNames,
  image: string,
): KubeObject {
  const podLabels: Record<string, string> = { app: 'konnector', ...names.labels };
  const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const base: Container = {
    name: 'konnector',
    image,
    args: konnectorArgs(names, acb.spec.kubeconfigSecretRef.name),
    env: [
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('POD_IP', 'status.podIP'),
    ],
    ports: [{ name: 'health', containerPort: konnectorHealthPort, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/readyz', port: konnectorHealthPort } },
    livenessProbe: { httpGet: { path: '/healthz', port: konnectorHealthPort }, failureThreshold: 6 },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
  };
  const container = mergeContainerOverrides(base, acb.spec.konnector?.overrides);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.deployment, namespace: names.rootNamespace, labels: podLabels },
    spec: {
      // One replica: the konnector elects a leader anyway, so a rollout never runs two at once.
      replicas: 1,
      selector: { matchLabels: { ...podLabels } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: binderServiceAccountName,
          restartPolicy: 'Always',
          containers: [container],
        },
      },
    },
  };
}

export interface AppClusterBindingObservation {
  secret: SecretCheck;
  /** Undefined while the secret is invalid (nothing is set up). */
  missingTemplates?: string[];
  /** Result of the access check against the app cluster; undefined when not checked. */
  appCluster?: { ok: true } | { ok: false; reason: string; message: string };
  /** undefined: deploy is false. */
  konnector?: { ok: true; message?: string } | { ok: false; message: string };
  /** First APIServiceBinding that the konnector reports not ready, with its message. */
  bindingProblem?: string;
}

/**
 * SecretValid, AppClusterReachable, APIsResolved, KonnectorDeployed, BindingsReady and Ready.
 * Messages say what to fix. Pure.
 */
export function appClusterBindingConditions(
  existing: readonly Condition[] | undefined,
  obs: AppClusterBindingObservation,
  now: Date = new Date(),
): Condition[] {
  let c: Condition[] = [...(existing ?? [])];
  if (!obs.secret.valid) {
    c = markFalse(c, 'SecretValid', obs.secret.reason, 'Error', obs.secret.message, now);
    const waiting = 'Waiting for a valid kubeconfig secret.';
    c = markFalse(c, 'KonnectorDeployed', 'SecretInvalid', 'Info', waiting, now);
    return setSummary(c, now);
  }
  c = markTrue(c, 'SecretValid', now);
  if (obs.appCluster) {
    c = obs.appCluster.ok
      ? markTrue(c, 'AppClusterReachable', now)
      : markFalse(c, 'AppClusterReachable', obs.appCluster.reason, 'Error', obs.appCluster.message, now);
  }
  const missing = obs.missingTemplates ?? [];
  c =
    missing.length === 0
      ? markTrue(c, 'APIsResolved', now)
      : markFalse(
          c,
          'APIsResolved',
          'APIServiceExportTemplateNotFound',
          'Error',
          `No APIServiceExportTemplate for ${missing.join(', ')} on the control plane. Create one, or remove the entry from spec.apiExports.`,
          now,
        );
  if (!obs.konnector)
    c = markFalse(
      c,
      'KonnectorDeployed',
      'NotRequested',
      'Info',
      'spec.konnector.deploy is false: run a konnector for this app cluster yourself.',
      now,
    );
  else if (obs.konnector.ok) c = markTrue(c, 'KonnectorDeployed', now);
  else
    c = markFalse(c, 'KonnectorDeployed', 'KonnectorDeploymentFailed', 'Error', obs.konnector.message, now);
  c =
    obs.bindingProblem === undefined
      ? markTrue(c, 'BindingsReady', now)
      : markFalse(c, 'BindingsReady', 'APIServiceBindingNotReady', 'Warning', obs.bindingProblem, now);
  return setSummary(c, now);
}
