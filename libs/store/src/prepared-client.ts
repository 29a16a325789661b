import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Distinct statement texts that get a name; past that, new texts run unnamed as before. */
export const MAX_NAMED_STATEMENTS = 2_000;

const names = new Map<string, string>();

/**
 * The name a parameterised statement is prepared under: a hash of its text, so one text has one
 * name on every connection and two texts never share one. `undefined` once the table is full (a
 * program building SQL text from data would otherwise grow every connection's statements without
 * bound).
 */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `hub_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A pg client that runs every parameterised statement as a named prepared statement (the pool's
 * `Client`, data-source.ts). pg prepares a name once per connection and then only binds and
 * executes it, so PostgreSQL parses and analyses each statement text once per connection instead
 * of on every call, and plans it once it has seen that a generic plan does as well as a custom one
 * (plan_cache_mode auto). The router runs a couple of dozen statements per ticket, and planning
 * them cost about as much as running them (docs/performance.md#round-trips-are-the-cost).
 *
 * Statements without parameters (BEGIN, COMMIT, DDL) run as before. Migrations run before the apps
 * start: a prepared `SELECT *` would otherwise fail after its table changed shape under it
 * ("cached plan must not change result type").
 */
export class PreparingClient extends Client {
  // pg's query() has many overloads; this one intercepts (text, values[, callback]) only.
  override query(...args: unknown[]): never {
    const [config, values, callback] = args;
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (name !== undefined) {
        return (Client.prototype.query as (...a: unknown[]) => never).call(this, { name, text: config, values }, undefined, callback);
      }
    }
    return (Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
  }
}
