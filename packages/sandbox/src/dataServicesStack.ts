import type { BrokerOptions, RunningBroker } from '@klutch/broker';
import { startBroker } from '@klutch/broker';
import type { CompositionHandle, CompositionOptions } from '@klutch/composition';
import { startComposition } from '@klutch/composition';
import type { KubeClient, Logger } from '@klutch/kube';
import type { ProviderOptions, RunningProvider } from '@klutch/provider';
import { startProvider } from '@klutch/provider';
import { installCrds, readCrds } from './crdInstaller.js';
import { applyProviderConfigs } from './providerConfigs.js';
import { describeServiceOffer, unofferedServiceMessages } from './serviceOffer.js';

export interface DataServicesStackOptions {
  /** Admin client of the control-plane cluster. */
  client: KubeClient;
  logger: Logger;
  signal: AbortSignal;
  /** Directory with the CRDs to install (packages/api/crds). */
  crdDir: string;
  broker: BrokerOptions;
  /** Namespace of the credential Secrets and connection Secrets (default klutch-system). */
  systemNamespace?: string;
  provider?: Partial<Omit<ProviderOptions, 'client' | 'logger' | 'signal'>>;
  composition?: Partial<Omit<CompositionOptions, 'client' | 'logger' | 'signal'>>;
}

export interface DataServicesStack {
  broker: RunningBroker;
  /** serviceInstanceType values the broker offers (postgresql, mariadb, ...). */
  services: string[];
  /** The start-up lines about the services: what is offered, and what not and why. */
  serviceOffer: string[];
  provider: RunningProvider;
  composition: CompositionHandle;
  /** Stops the controllers (via the signal given at start) and the broker. */
  stopped: () => Promise<void>;
}

/** The data-service types a catalog offers, from its service names (a9s-postgresql15 → postgresql). */
export function offeredServiceTypes(catalog: { services: Array<{ name: string }> }): string[] {
  const types = new Set<string>();
  for (const s of catalog.services) {
    const m = /^a9s-([a-z]+?)\d*$/.exec(s.name);
    if (m?.[1]) types.add(m[1]);
  }
  return [...types].sort();
}

/**
 * The control-plane half of the data services: CRDs, the sandbox broker,
 * ProviderConfigs pointing at it (seed 001 names), the provider and the
 * composition controller. Everything runs in this process.
 */
export async function startDataServicesStack(opts: DataServicesStackOptions): Promise<DataServicesStack> {
  const { client, logger, signal } = opts;
  const systemNamespace = opts.systemNamespace ?? 'klutch-system';
  await installCrds(client, readCrds(opts.crdDir), { signal });
  const broker = await startBroker({ logger: logger.child({ component: 'broker' }), ...opts.broker });
  try {
    const services = offeredServiceTypes(broker.catalog);
    await applyProviderConfigs(
      client,
      services,
      {
        osbUrl: broker.osbUrl,
        backupManagerUrl: broker.backupManagerUrl,
        username: opts.broker.username,
        password: opts.broker.password,
      },
      { namespace: systemNamespace, signal },
    );
    const provider = await startProvider({
      client,
      logger: logger.child({ component: 'provider' }),
      signal,
      ...opts.provider,
    });
    const composition = await startComposition({
      client,
      logger: logger.child({ component: 'composition' }),
      signal,
      connectionSecretNamespace: systemNamespace,
      unofferedServices: unofferedServiceMessages(services, broker.unavailableServices),
      ...opts.composition,
    });
    return {
      broker,
      services,
      serviceOffer: describeServiceOffer(services, broker.unavailableServices),
      provider,
      composition,
      stopped: async () => {
        await Promise.all([provider.done, composition.done]);
        await broker.stop();
      },
    };
  } catch (err) {
    await broker.stop();
    throw err;
  }
}
