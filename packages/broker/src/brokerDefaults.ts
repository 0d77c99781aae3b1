export const defaultPostgresAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const defaultProvisionDelayMs = 300;
export const defaultStateDatabaseName = 'klutch_broker';
