import { array, enumOf, object, required, string } from '../schema/builders.js';
import type { Infer } from '../schema/builders.js';
import { toJsonSchema } from '../schema/toJsonSchema.js';

/**
 * The answer of `GET /export`: who the provider is and how to authenticate. Its apiVersion is the
 * bare `v1alpha1` (not group-qualified) because the Go kubectl-bind accepts nothing else.
 */
export const bindingProviderSchema = object(
  {
    apiVersion: required(enumOf(['v1alpha1'], { description: 'Always the bare string v1alpha1.' })),
    kind: required(enumOf(['BindingProvider'], { description: 'Always BindingProvider.' })),
    providerPrettyName: required(string({ description: 'Display name of the service provider.' })),
    version: string({ description: 'Version of the backend, used to check CLI compatibility.' }),
    authenticationMethods: array(
      object(
        {
          method: required(
            enumOf(['OAuth2CodeGrant'], {
              description: 'The authentication method; only OAuth2CodeGrant exists.',
            }),
          ),
          oauth2CodeGrant: object(
            {
              authenticatedURL: required(
                string({
                  description: 'URL the CLI opens in the browser to start the login (the /authorize route).',
                }),
              ),
            },
            { description: 'Parameters of the OAuth2 authorization-code grant.' },
          ),
        },
        { description: 'One way to authenticate to the backend.' },
      ),
      { description: 'The ways the CLI can authenticate, in order of preference.' },
    ),
  },
  { description: 'Describes a service provider to kubectl bind.' },
);

export type BindingProvider = Infer<typeof bindingProviderSchema>;

export const bindingProviderJsonSchema = toJsonSchema(bindingProviderSchema, {
  id: 'https://klutch.anynines.com/schemas/v1alpha1/bindingprovider.json',
  title: 'BindingProvider',
});
