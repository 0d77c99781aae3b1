import { array, enumOf, object, required, string } from '../schema/builders.js';
import type { Infer } from '../schema/builders.js';
import { toJsonSchema } from '../schema/toJsonSchema.js';
import { apiServiceExportRequestSpec, apiServiceExportRequestStatus } from './apiServiceExportRequest.js';
import { klutchApiVersion } from './group.js';

/** An APIServiceExportRequest without ObjectMeta, as the CLI sends it back to the provider. */
export const apiServiceExportRequestResponseSchema = object(
  {
    apiVersion: enumOf([klutchApiVersion], { description: 'Always klutch.anynines.com/v1alpha1.' }),
    kind: enumOf(['APIServiceExportRequest'], { description: 'Always APIServiceExportRequest.' }),
    metadata: required(
      object(
        { name: string({ description: 'Name of the request: <resource>.<group> of the first resource.' }) },
        { description: 'Only the name of the request.' },
      ),
    ),
    spec: required(apiServiceExportRequestSpec),
    status: apiServiceExportRequestStatus,
  },
  { description: 'A request the CLI creates in the provider namespace after the user chose the APIs.' },
);

export type APIServiceExportRequestResponse = Infer<typeof apiServiceExportRequestResponseSchema>;

/** The payload handed to the CLI callback at the end of the interactive binding flow. */
export const bindingResponseSchema = object(
  {
    apiVersion: required(enumOf([klutchApiVersion], { description: 'Always klutch.anynines.com/v1alpha1.' })),
    kind: required(enumOf(['BindingResponse'], { description: 'Always BindingResponse.' })),
    authentication: required(
      object(
        {
          oauth2CodeGrant: object(
            {
              sid: required(string({ description: 'Session id the CLI passed as s to /authorize.' })),
              id: required(
                string({ description: 'Identity of the user: <issuer>/<subject> of the ID token.' }),
              ),
            },
            { description: 'Result of the OAuth2 authorization-code login.' },
          ),
        },
        { description: 'How the user authenticated.' },
      ),
    ),
    kubeconfig: required(
      string({
        description: 'Base64 of the kubeconfig (provider namespace as current-context namespace).',
        format: 'byte',
      }),
    ),
    requests: array(apiServiceExportRequestResponseSchema, {
      description: 'The export requests the CLI creates on the provider.',
    }),
  },
  { description: 'The result of a successful binding, passed to the CLI callback.' },
);

export type BindingResponse = Infer<typeof bindingResponseSchema>;

export const bindingResponseJsonSchema = toJsonSchema(bindingResponseSchema, {
  id: 'https://klutch.anynines.com/schemas/v1alpha1/bindingresponse.json',
  title: 'BindingResponse',
});
