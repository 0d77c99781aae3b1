/** Where and as whom the broker reaches a database server, parsed from an admin URL. */
export interface ServerTarget {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
}

function parseServerUrl(
  url: string,
  protocols: string[],
  defaultPort: number,
  defaultUser: string,
): ServerTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(
      `"${url.replace(/:[^:@/]*@/, ':***@')}" is not a URL like ${protocols[0]}//user@host:port`,
    );
  }
  if (!protocols.includes(u.protocol)) {
    throw new Error(`the admin URL must start with ${protocols.join(' or ')}, not ${u.protocol}`);
  }
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port === '' ? defaultPort : Number(u.port),
    user: u.username === '' ? defaultUser : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
  };
}

export function postgresServerTarget(url: string): ServerTarget {
  return parseServerUrl(url, ['postgres:', 'postgresql:'], 5432, 'postgres');
}

export function mariadbServerTarget(url: string): ServerTarget {
  return parseServerUrl(url, ['mysql:', 'mariadb:'], 3306, 'root');
}

/** libpq environment for pg_dump/pg_restore: the password never appears on a command line. */
export function libpqEnvironment(adminUrl: string, database: string): Record<string, string> {
  const target = postgresServerTarget(adminUrl);
  const u = new URL(adminUrl);
  const env: Record<string, string> = {
    PGHOST: u.searchParams.get('host') ?? target.host,
    PGPORT: String(target.port),
    PGUSER: target.user,
    PGDATABASE: database,
    PGAPPNAME: 'klutch-broker',
  };
  if (target.password !== undefined) env.PGPASSWORD = target.password;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** A MariaDB option file (read with --defaults-extra-file), so the password is not on a command line. */
export function mariadbOptionFile(target: ServerTarget): string {
  const quote = (v: string) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const lines = [
    '[client]',
    `host=${quote(target.host)}`,
    `port=${target.port}`,
    `user=${quote(target.user)}`,
  ];
  if (target.password !== undefined) lines.push(`password=${quote(target.password)}`);
  return `${lines.join('\n')}\n`;
}
