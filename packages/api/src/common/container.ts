import {
  array,
  boolean,
  enumOf,
  freeformObject,
  integer,
  intOrString,
  map,
  object,
  required,
  string,
} from '../schema/builders.js';
import type { Infer } from '../schema/builders.js';

// The override is a partial corev1.Container. Frequently overridden fields get full schemas so that
// kubectl explain documents them; rarely used nested structures (lifecycle hooks, seLinuxOptions, ...)
// are kept verbatim and documented by reference to the core type.

const port = intOrString({ description: 'Port number or name.' });

const probe = object(
  {
    exec: object(
      {
        command: array(string(), {
          description: 'Command run inside the container; exit code 0 means healthy.',
        }),
      },
      { description: 'Run a command.' },
    ),
    httpGet: object(
      {
        path: string({ description: 'HTTP path to request.' }),
        port: required(port),
        host: string({ description: 'Host to connect to; defaults to the pod IP.' }),
        scheme: enumOf(['HTTP', 'HTTPS'], { description: 'Scheme to use.' }),
        httpHeaders: array(
          object(
            {
              name: required(string({ description: 'Header name.' })),
              value: required(string({ description: 'Header value.' })),
            },
            { description: 'One HTTP header.' },
          ),
          { description: 'Headers sent with the request.' },
        ),
      },
      { description: 'Send an HTTP GET request; a 2xx or 3xx answer means healthy.' },
    ),
    tcpSocket: object(
      { port: required(port), host: string({ description: 'Host to connect to; defaults to the pod IP.' }) },
      { description: 'Open a TCP connection.' },
    ),
    grpc: object(
      {
        port: required(integer({ description: 'Port of the gRPC health service.', format: 'int32' })),
        service: string({ description: 'Service name passed to the gRPC health check.' }),
      },
      { description: 'Call the gRPC health-checking protocol.' },
    ),
    initialDelaySeconds: integer({
      description: 'Seconds after start before the first probe.',
      format: 'int32',
    }),
    timeoutSeconds: integer({ description: 'Seconds after which a probe times out.', format: 'int32' }),
    periodSeconds: integer({ description: 'Seconds between probes.', format: 'int32' }),
    successThreshold: integer({
      description: 'Consecutive successes that count as healthy.',
      format: 'int32',
    }),
    failureThreshold: integer({
      description: 'Consecutive failures that count as unhealthy.',
      format: 'int32',
    }),
    terminationGracePeriodSeconds: integer({
      description: 'Grace period after a failed liveness probe before the container is killed.',
      format: 'int64',
    }),
  },
  { description: 'A probe as in corev1.Probe; set exactly one of exec, httpGet, tcpSocket or grpc.' },
);

function keySelector(what: string) {
  return object(
    {
      name: string({ description: `Name of the ${what}.` }),
      key: required(string({ description: `Key in the ${what}.` })),
      optional: boolean({ description: `Whether the ${what} or key may be missing.` }),
    },
    { description: `Selects a key of a ${what}.` },
  );
}

const envVar = object(
  {
    name: required(string({ description: 'Name of the environment variable.', minLength: 1 })),
    value: string({ description: 'Value of the variable.' }),
    valueFrom: object(
      {
        secretKeyRef: keySelector('Secret'),
        configMapKeyRef: keySelector('ConfigMap'),
        fieldRef: object(
          {
            fieldPath: required(string({ description: 'Path of the field, e.g. metadata.namespace.' })),
            apiVersion: string({ description: 'API version of the field path; defaults to v1.' }),
          },
          { description: 'A field of the pod.' },
        ),
        resourceFieldRef: object(
          {
            resource: required(string({ description: 'Resource to expose, e.g. limits.memory.' })),
            containerName: string({ description: 'Container whose resource is exposed.' }),
            divisor: intOrString({ description: 'Unit the value is divided by, e.g. 1Mi.' }),
          },
          { description: 'A resource limit or request of a container.' },
        ),
      },
      { description: 'Where the value comes from, instead of value.' },
    ),
  },
  { description: 'An environment variable.' },
);

const resourceList = map(intOrString(), { description: 'Quantities by resource name, e.g. cpu: 100m.' });

export const containerOverrides = object(
  {
    name: string({ description: 'Container name.' }),
    image: string({ description: 'Container image, e.g. to pin or mirror the konnector image.' }),
    command: array(string(), { description: 'Entrypoint, replacing the one of the image.' }),
    args: array(string(), { description: 'Arguments to the entrypoint.' }),
    workingDir: string({ description: 'Working directory.' }),
    ports: array(
      object(
        {
          containerPort: required(
            integer({ description: 'Port number.', format: 'int32', minimum: 1, maximum: 65535 }),
          ),
          name: string({ description: 'Port name.' }),
          protocol: enumOf(['TCP', 'UDP', 'SCTP'], { description: 'Protocol.', default: 'TCP' }),
          hostPort: integer({ description: 'Port on the host.', format: 'int32' }),
          hostIP: string({ description: 'Host IP to bind to.' }),
        },
        { description: 'A container port.' },
      ),
      { description: 'Ports the container exposes.' },
    ),
    envFrom: array(
      object(
        {
          prefix: string({ description: 'Prefix added to every variable name.' }),
          configMapRef: object(
            {
              name: string({ description: 'Name of the ConfigMap.' }),
              optional: boolean({ description: 'Whether the ConfigMap may be missing.' }),
            },
            { description: 'A ConfigMap whose keys become variables.' },
          ),
          secretRef: object(
            {
              name: string({ description: 'Name of the Secret.' }),
              optional: boolean({ description: 'Whether the Secret may be missing.' }),
            },
            { description: 'A Secret whose keys become variables.' },
          ),
        },
        { description: 'A source of environment variables.' },
      ),
      { description: 'Sources of environment variables.' },
    ),
    env: array(envVar, {
      description: 'Environment variables; merged by name with the default variables of the konnector.',
    }),
    resources: object(
      {
        limits: resourceList,
        requests: resourceList,
      },
      { description: 'Compute resources.' },
    ),
    restartPolicy: string({
      description: 'Restart policy of the container (Always for sidecar init containers).',
    }),
    volumeMounts: array(
      object(
        {
          name: required(string({ description: 'Name of the volume.' })),
          mountPath: required(string({ description: 'Path to mount at.' })),
          readOnly: boolean({ description: 'Mount read-only.' }),
          subPath: string({ description: 'Sub-path of the volume to mount.' }),
          subPathExpr: string({ description: 'Sub-path with $(VAR) expansion.' }),
          mountPropagation: string({ description: 'Mount propagation mode.' }),
          recursiveReadOnly: string({ description: 'Recursive read-only mode.' }),
        },
        { description: 'A volume mount.' },
      ),
      { description: 'Volumes to mount.' },
    ),
    volumeDevices: array(
      object(
        {
          name: required(string({ description: 'Name of the volume.' })),
          devicePath: required(string({ description: 'Device path in the container.' })),
        },
        { description: 'A raw block device.' },
      ),
      { description: 'Raw block devices.' },
    ),
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: freeformObject({
      description: 'Lifecycle hooks, as in corev1.Lifecycle (postStart, preStop).',
    }),
    terminationMessagePath: string({ description: 'File the termination message is read from.' }),
    terminationMessagePolicy: enumOf(['File', 'FallbackToLogsOnError'], {
      description: 'How the termination message is obtained.',
    }),
    imagePullPolicy: enumOf(['Always', 'Never', 'IfNotPresent'], { description: 'When to pull the image.' }),
    securityContext: freeformObject({
      description:
        'Security settings, as in corev1.SecurityContext (runAsUser, runAsNonRoot, capabilities, readOnlyRootFilesystem, ...).',
    }),
    stdin: boolean({ description: 'Allocate a stdin buffer.' }),
    stdinOnce: boolean({ description: 'Close stdin after the first attach.' }),
    tty: boolean({ description: 'Allocate a TTY.' }),
  },
  {
    description: 'Fields merged into the konnector container; fields left out keep the konnector defaults.',
  },
);

export type ContainerOverrides = Infer<typeof containerOverrides>;
