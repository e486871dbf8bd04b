// One row ↔ record mapping for the SQLite stores: a record's field `fooBar` is the column `foo_bar`,
// converted by a codec where SQLite has no such type (booleans, JSON). The column list is the
// record's own keys, so a field added to a record without its column fails to type-check.
import type Database from 'better-sqlite3';

export interface Codec {
  toDb(value: unknown): unknown;
  fromDb(value: unknown): unknown;
}

/** A field stored as it is. */
export const plain: Codec = { toDb: (v) => v, fromDb: (v) => v };
/** A boolean stored as 0/1. */
export const bool: Codec = { toDb: (v) => (v ? 1 : 0), fromDb: (v) => v === 1 };
/** An object stored as JSON text. */
export const json: Codec = { toDb: (v) => JSON.stringify(v), fromDb: (v) => JSON.parse(v as string) as unknown };

export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface RowMapping<R extends object> {
  /** The record of a `SELECT *` row. */
  fromRow(row: object): R;
  /** Named parameters `@field` for an INSERT, converted for SQLite. */
  toParams<P extends Partial<R>>(record: P): Record<string, unknown>;
  /**
   * Runs `UPDATE table SET <the patch's defined fields> [, extraSets] WHERE where`; `params` names
   * the WHERE's (and extraSets') parameters. Returns the number of rows changed; an empty patch changes nothing.
   */
  update(patch: Partial<R>, where: string, params: Record<string, unknown>, extraSets?: string): number;
}

export function rowMapping<R extends object>(
  db: Database.Database,
  table: string,
  fields: { [K in keyof R]-?: Codec },
): RowMapping<R> {
  const entries = Object.entries(fields) as [keyof R & string, Codec][];
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    fromRow(row) {
      const r = row as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [field, codec] of entries) out[field] = codec.fromDb(r[columnOf(field)]);
      return out as R;
    },
    toParams(record) {
      const out: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(record)) {
        const codec = (fields as Record<string, Codec | undefined>)[field];
        out[field] = codec ? codec.toDb(value) : value;
      }
      return out;
    },
    update(patch, where, params, extraSets) {
      const keys = entries.map(([f]) => f).filter((f) => patch[f] !== undefined);
      if (keys.length === 0) return 0;
      const sets = [...keys.map((k) => `${columnOf(k)} = @${k}`), ...(extraSets ? [extraSets] : [])].join(', ');
      const values: Record<string, unknown> = { ...params };
      for (const k of keys) values[k] = fields[k].toDb(patch[k]);
      return prepared(`UPDATE ${table} SET ${sets} WHERE ${where}`).run(values).changes;
    },
  };
}
