// Benchmarks of the test bed and the runtime. Prints a Markdown table to add to docs/benchmarks.md.
//   npm run bench -- testbed [--cold] [--runs N] [--count N]
//   npm run bench -- data-services [--instances 50] [--bulk 500] [--services postgresql,keyvalue]
//   npm run bench -- prometheus [--prometheus-instances 10]
//   npm run bench -- messaging [--instances 20]
//   npm run bench -- control-plane-mode [--steps 1,5,10] [--idle-seconds 30]
//   npm run bench -- binding [--sizes 1000,10000] [--idle 50] [--unrelated-secrets 5000] [--konnector-node-options=--max-old-space-size=160]
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { bindingSync } from './bindingBenchmarks.js';
import { controlPlaneModeCost } from './controlPlaneModeBenchmarks.js';
import { benchServices, provisioningOverhead, reconcileAfterRestart } from './dataServicesBenchmarks.js';
import { messagingOverhead } from './messagingBenchmarks.js';
import { prometheusProvisioning } from './prometheusBenchmarks.js';
import {
  buildTime,
  clusterMemory,
  describeMachine,
  informerThroughput,
  readyTimes,
  type Measurement,
} from './testbedBenchmarks.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cold: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    count: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    instances: { type: 'string', default: '50' },
    services: { type: 'string', default: 'postgresql,keyvalue' },
    bulk: { type: 'string', default: '500' },
    'prometheus-instances': { type: 'string', default: '10' },
    sizes: { type: 'string', default: '1000,10000' },
    idle: { type: 'string', default: '50' },
    'unrelated-secrets': { type: 'string', default: '5000' },
    'konnector-node-options': { type: 'string', default: '' },
    steps: { type: 'string', default: '1,5,10' },
    'idle-seconds': { type: 'string', default: '30' },
  },
});

const suite = positionals[0] ?? 'testbed';
const suites = ['testbed', 'data-services', 'binding', 'prometheus', 'messaging', 'control-plane-mode'];
if (!suites.includes(suite)) {
  process.stderr.write(`unknown benchmark suite ${JSON.stringify(suite)}; available: ${suites.join(', ')}\n`);
  process.exit(2);
}

const results: Measurement[] = [];
const step = async (label: string, fn: () => Promise<Measurement | Measurement[]>) => {
  process.stderr.write(`[bench] ${label}...\n`);
  const r = await fn();
  results.push(...(Array.isArray(r) ? r : [r]));
};

if (suite === 'testbed') {
  if (values.cold) await step('cold build (empty Go build cache)', () => buildTime(true));
  await step('warm build', () => buildTime(false));
  await step('time to /readyz', () => readyTimes(Number(values.runs)));
  await step('memory', () => clusterMemory(10_000));
  await step('informer throughput', async () => {
    const { measurements, delivery } = await informerThroughput(
      Number(values.count),
      Number(values.concurrency),
    );
    if (delivery.missing.length > 0 || delivery.duplicates > 0 || delivery.notCached.length > 0)
      process.stderr.write(`[bench] informer delivery is wrong: ${JSON.stringify(delivery)}\n`);
    return measurements;
  });
} else if (suite === 'binding') {
  await step('binding sync', () =>
    bindingSync(
      values.sizes.split(',').map(Number),
      Number(values.idle),
      values['konnector-node-options'].split(' ').filter(Boolean),
      Number(values['unrelated-secrets']),
    ),
  );
} else if (suite === 'prometheus') {
  await step('Prometheus provisioning', () => prometheusProvisioning(Number(values['prometheus-instances'])));
} else if (suite === 'messaging') {
  await step('messaging start-up and provisioning overhead', () =>
    messagingOverhead(Number(values.instances)),
  );
} else if (suite === 'control-plane-mode') {
  await step('control-plane mode cost', () =>
    controlPlaneModeCost(values.steps.split(',').map(Number), Number(values['idle-seconds'])),
  );
} else {
  for (const name of values.services.split(',')) {
    const service = benchServices[name];
    if (!service)
      throw new Error(`--services: unknown service ${name}; known: ${Object.keys(benchServices).join(', ')}`);
    await step(`provisioning overhead (${name})`, () =>
      provisioningOverhead(Number(values.instances), service),
    );
  }
  await step('reconcile after restart', () => reconcileAfterRestart(Number(values.bulk)));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `\nMachine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${describeMachine()}; ${new Date().toISOString().slice(0, 10)}\n\n` +
    '| measurement | value | notes |\n|---|---|---|\n' +
    results
      .map((m) => `| ${m.name} | ${m.value.toFixed(m.value < 10 ? 2 : 0)} ${m.unit} | ${m.note ?? ''} |`)
      .join('\n') +
    '\n',
);
