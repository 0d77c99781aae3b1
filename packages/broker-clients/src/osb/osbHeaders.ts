import { randomUUID } from 'node:crypto';
import type { OriginatingIdentity } from './osbTypes.js';

export const OSB_API_VERSION = '2.17';

export type BrokerAuth = { username: string; password: string } | { bearerToken: string };

/** `X-Broker-API-Originating-Identity`: the platform, a space, and the base64 of the JSON value. */
export function encodeOriginatingIdentity(identity: OriginatingIdentity, defaultPlatform: string): string {
  const platform = identity.platform?.trim() || defaultPlatform;
  if (/\s/.test(platform)) {
    throw new TypeError(`the originating identity platform "${platform}" must not contain whitespace`);
  }
  return `${platform} ${Buffer.from(JSON.stringify(identity.value), 'utf8').toString('base64')}`;
}

export function authorizationHeader(auth: BrokerAuth): string {
  if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

export interface OsbHeaderInput {
  auth?: BrokerAuth;
  platform: string;
  originatingIdentity?: OriginatingIdentity;
  requestIdentity?: string;
  hasBody: boolean;
}

/** The headers of every OSB request; returns the request identity used, for error reports. */
export function osbRequestHeaders(input: OsbHeaderInput): {
  headers: Record<string, string>;
  requestIdentity: string;
} {
  const requestIdentity = input.requestIdentity ?? randomUUID();
  const headers: Record<string, string> = {
    'x-broker-api-version': OSB_API_VERSION,
    'x-broker-api-request-identity': requestIdentity,
    accept: 'application/json',
  };
  if (input.originatingIdentity) {
    headers['x-broker-api-originating-identity'] = encodeOriginatingIdentity(
      input.originatingIdentity,
      input.platform,
    );
  }
  if (input.auth) headers.authorization = authorizationHeader(input.auth);
  if (input.hasBody) headers['content-type'] = 'application/json';
  return { headers, requestIdentity };
}

/** Rejects auth settings that cannot work, before any request is sent. */
export function validateBrokerAuth(auth: BrokerAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if ('bearerToken' in auth) {
    if ('username' in auth || 'password' in auth) {
      return 'the service broker auth has both a bearer token and a user name/password; configure one of them';
    }
    if (!auth.bearerToken.trim()) return 'the service broker bearer token is empty';
    if (/[\r\n]/.test(auth.bearerToken)) return 'the service broker bearer token contains a line break';
    return undefined;
  }
  if (!auth.username.trim()) return 'the service broker user name is empty';
  if (auth.username.includes(':')) return 'the service broker user name must not contain ":" (basic auth)';
  return undefined;
}
