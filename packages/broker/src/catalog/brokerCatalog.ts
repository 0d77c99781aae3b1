import { noParametersSchema } from '../parameters/parameterSchema.js';
import type { ParameterSchema } from '../parameters/parameterSchema.js';
import { compileParameterValidator, refusedParameterValues } from '../parameters/parameterValidation.js';
import type { ParameterValidator } from '../parameters/parameterValidation.js';
import type { EngineKind, EngineOffering } from './engineOfferings.js';
import { describePlan } from './planShape.js';
import { planIdFor, serviceIdFor } from './stableId.js';

/** How long a platform may poll one asynchronous operation (seconds). */
export const maximumPollingDurationSeconds = 600;

export interface CatalogPlan {
  id: string;
  name: string;
  description: string;
  free: boolean;
  bindable: boolean;
  plan_updateable: boolean;
  binding_rotatable: boolean;
  maximum_polling_duration: number;
  metadata: { displayName: string; bullets: string[] };
  schemas: {
    service_instance: { create: { parameters: ParameterSchema }; update: { parameters: ParameterSchema } };
    service_binding: { create: { parameters: ParameterSchema } };
  };
}

export interface CatalogService {
  id: string;
  name: string;
  description: string;
  bindable: boolean;
  plan_updateable: boolean;
  binding_rotatable: boolean;
  instances_retrievable: boolean;
  bindings_retrievable: boolean;
  tags: string[];
  metadata: { displayName: string; providerDisplayName: string; longDescription: string };
  plans: CatalogPlan[];
}

/** The OSB catalog document (GET /v2/catalog). */
export interface CatalogDocument {
  services: CatalogService[];
}

export interface ResolvedPlan {
  engine: EngineKind;
  service: CatalogService;
  plan: CatalogPlan;
}

/** An engine that is available to this broker, with the version of the server that backs it. */
export interface AvailableEngine {
  offering: EngineOffering;
  serverVersion: string;
}

/**
 * The catalog of the engines this broker can reach, with lookups by OSB id and a compiled parameter
 * validator per engine (every plan of an engine shares one schema).
 */
export class BrokerCatalog {
  readonly document: CatalogDocument;
  private readonly services = new Map<string, { engine: EngineKind; service: CatalogService }>();
  private readonly validators = new Map<EngineKind, ParameterValidator>();
  private readonly offerings = new Map<EngineKind, EngineOffering>();

  constructor(engines: readonly AvailableEngine[]) {
    this.document = { services: [] };
    for (const { offering, serverVersion } of engines) {
      this.validators.set(offering.engine, compileParameterValidator(offering.parameters));
      this.offerings.set(offering.engine, offering);
      for (const serviceName of offering.serviceNames) {
        const service = buildService(offering, serviceName, serverVersion);
        this.document.services.push(service);
        this.services.set(service.id, { engine: offering.engine, service });
      }
    }
  }

  findService(serviceId: string): { engine: EngineKind; service: CatalogService } | undefined {
    return this.services.get(serviceId);
  }

  findPlan(serviceId: string, planId: string): ResolvedPlan | undefined {
    const found = this.services.get(serviceId);
    const plan = found?.service.plans.find((p) => p.id === planId);
    return found && plan ? { engine: found.engine, service: found.service, plan } : undefined;
  }

  validatorFor(engine: EngineKind): ParameterValidator {
    const validator = this.validators.get(engine);
    if (!validator) throw new Error(`no ${engine} services in the catalog`);
    return validator;
  }

  /** The refused values among an existing instance's stored parameters (an older broker may have taken them). */
  refusedValuesOf(engine: EngineKind, parameters: Record<string, unknown>): string[] {
    const offering = this.offerings.get(engine);
    if (!offering) throw new Error(`no ${engine} services in the catalog`);
    return refusedParameterValues(offering.parameters, parameters);
  }

  /** Why the sandbox refuses a plan of the catalog (the a9s API offers it, the shared server cannot honour it). */
  planRefusal(engine: EngineKind, planName: string): string | undefined {
    return this.offerings.get(engine)?.planRefusal?.(planName);
  }

  serviceNames(): string[] {
    return this.document.services.map((s) => s.name);
  }
}

function buildService(offering: EngineOffering, serviceName: string, serverVersion: string): CatalogService {
  const version = offering.versionOf(serviceName);
  const displayName = `a9s ${offering.productName} ${version}`;
  const schema = offering.parameters.schema;
  const planDescription = (planName: string) =>
    offering.describeInstance?.plan(planName) ?? describePlan(offering.productName, planName);
  return {
    id: serviceIdFor(serviceName),
    name: serviceName,
    description: `${displayName} (Klutch sandbox): ${offering.describeInstance?.summary ?? `a database on the local ${offering.productName} server`}.`,
    bindable: true,
    plan_updateable: true,
    binding_rotatable: true,
    instances_retrievable: true,
    bindings_retrievable: true,
    tags: [...offering.tags],
    metadata: {
      displayName,
      providerDisplayName: 'Klutch sandbox broker',
      longDescription:
        offering.describeInstance?.service ??
        `Each instance is a database with its own users on the sandbox's shared ${offering.productName} ` +
          `${serverVersion} server; the plan decides the connection limit. Backups and restores run through ` +
          'the backup-manager API.',
    },
    plans: offering.planNames.map((planName) => ({
      id: planIdFor(serviceName, planName),
      name: planName,
      description: planDescription(planName),
      free: true,
      bindable: true,
      plan_updateable: true,
      binding_rotatable: true,
      maximum_polling_duration: maximumPollingDurationSeconds,
      metadata: { displayName: planName, bullets: [planDescription(planName)] },
      schemas: {
        service_instance: { create: { parameters: schema }, update: { parameters: schema } },
        service_binding: { create: { parameters: noParametersSchema } },
      },
    })),
  };
}
