/** The OSB version this broker implements, and the oldest one whose requests it understands. */
export const implementedApiVersion = '2.17';
export const minimumApiVersion = { major: 2, minor: 13 };

export type ApiVersionCheck = { ok: true; major: number; minor: number } | { ok: false; description: string };

export function checkApiVersion(header: string | string[] | undefined): ApiVersionCheck {
  const value = Array.isArray(header) ? header[0] : header;
  const needed = `${minimumApiVersion.major}.${minimumApiVersion.minor}`;
  if (value === undefined || value.trim() === '') {
    return {
      ok: false,
      description: `The X-Broker-API-Version header is missing; send it with a version from ${needed} to ${implementedApiVersion}.`,
    };
  }
  const match = /^\s*(\d+)\.(\d+)\s*$/.exec(value);
  if (!match) {
    return {
      ok: false,
      description: `The X-Broker-API-Version header "${value}" is not a version like ${implementedApiVersion}.`,
    };
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== minimumApiVersion.major || minor < minimumApiVersion.minor) {
    return {
      ok: false,
      description: `OSB API version ${value.trim()} is not supported; this broker needs ${needed} or later ${minimumApiVersion.major}.x (it implements ${implementedApiVersion}).`,
    };
  }
  return { ok: true, major, minor };
}
