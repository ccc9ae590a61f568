import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/create-db.js';
import { StatementShapes } from '../src/prepared.js';
import { TEST_DATABASE_URL } from '../src/testing.js';

// Compiling needs no connection: the pool never connects.
const db = createDb({ url: TEST_DATABASE_URL, schema: 'statement_shapes_unused' });
afterAll(() => db.destroy());

describe('StatementShapes', () => {
  it('builds a shape once and fills in each call’s values, keeping the builder’s constants', () => {
    const shapes = new StatementShapes<{ id: string; limit: number }>();
    let builds = 0;
    const build = () => {
      builds++;
      return db
        .selectFrom('tasks')
        .select('id')
        .where('id', '=', shapes.slot<string>('id'))
        .where('status', '=', 'open')
        .limit(shapes.slot<number>('limit'));
    };
    expect(shapes.statement(db, 'one', build, { id: 'a', limit: 5 })).toEqual({
      sql: 'select "id" from "tasks" where "id" = $1 and "status" = $2 limit $3',
      parameters: ['a', 'open', 5],
    });
    expect(shapes.statement(db, 'one', build, { id: 'b', limit: 7 }).parameters).toEqual(['b', 'open', 7]);
    expect(builds).toBe(1);
  });

  it('refuses a slot inside another value, which the kept statement would carry literally', () => {
    const shapes = new StatementShapes<{ id: string }>();
    expect(() =>
      shapes.statement(db, 'json', () => sql`select ${JSON.stringify({ id: shapes.slot<string>('id') })}::jsonb`, {
        id: 'a',
      }),
    ).toThrow(/slot is part of a value/);
  });

  it('refuses a call without a value for one of the statement’s slots', () => {
    const shapes = new StatementShapes<Record<string, unknown>>();
    expect(() => shapes.statement(db, 'x', () => sql`select ${shapes.slot<string>('id')}`, {})).toThrow(
      /no value for the statement slot id/,
    );
  });
});
