import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server for replica tests (`bash tools/postgres/pg.sh start` then
 * `eval "$(bash tools/postgres/pg.sh env)"`), or undefined when none is configured.
 */
export function testPostgresUrl(): string | undefined {
  return process.env['TEST_POSTGRES_URL'] || undefined;
}

/** A fresh, empty database on that server; drop() removes it (closing what still uses it). */
export async function createTestDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `infergate_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
