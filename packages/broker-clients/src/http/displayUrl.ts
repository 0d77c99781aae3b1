/**
 * The form of a base URL that may appear in messages, logs and conditions:
 * user info (credentials), query and fragment are dropped, and so is a trailing slash.
 */
export function displayUrl(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** Parses a backend base URL; only http and https are accepted. */
export function parseBaseUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ClientConfigurationError(
      `the ${what} URL "${redactUserInfo(raw)}" is not a valid URL; use e.g. https://broker.example.com:3000`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClientConfigurationError(
      `the ${what} URL must start with http:// or https://, not ${url.protocol}//`,
    );
  }
  return url;
}

/** Keeps credentials in a URL that failed to parse out of the message that quotes it. */
function redactUserInfo(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * A client was configured with settings that cannot work (e.g. a CA bundle together
 * with insecureSkipVerify). Its message is meant for the person who wrote the settings.
 */
export class ClientConfigurationError extends Error {
  readonly userMessage: string;
  constructor(message: string) {
    super(message);
    this.name = 'ClientConfigurationError';
    this.userMessage = message;
  }
}
