import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';

interface MediaType {
  schema?: Record<string, unknown>;
}

export interface OpenApiOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, unknown>;
}

/** The repository root: the directory that holds hack/kcluster/go.mod. */
export function findRepositoryRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'hack', 'kcluster', 'go.mod'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (with hack/kcluster/go.mod) above ${start}`);
    dir = parent;
  }
  return dir;
}

export async function loadOsbOpenApi(start: string): Promise<OpenApiDocument> {
  const file = join(findRepositoryRoot(start), '..', 'shared', 'spec', 'osb-v2.17-openapi.yaml');
  return parse(await readFile(file, 'utf8')) as OpenApiDocument;
}

/** `/v2/service_instances/{instance_id}` → `/v2/service_instances/:instance_id`. */
export function toRoutePattern(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * Validates bodies against schemas of the OpenAPI document. Local `$ref`s resolve because each
 * compiled schema carries the document's components; OpenAPI's `nullable` is understood by ajv.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<Record<string, unknown>, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {}

  validate(schema: Record<string, unknown>, value: unknown): string[] {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile({ ...schema, components: this.document.components });
      this.cache.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`);
  }

  validateComponent(name: string, value: unknown): string[] {
    return this.validate({ $ref: `#/components/schemas/${name}` }, value);
  }
}
