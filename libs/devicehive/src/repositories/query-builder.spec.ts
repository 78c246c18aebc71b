import { SqlBuilder } from './query-builder';

describe(SqlBuilder.name, () => {
  it('numbers parameters in the order they are given, conditions joined with AND', () => {
    const b = new SqlBuilder();
    b.where(`device_id = ${b.param('d1')}`).whereAnyOf('network_id', [1, 2], 'bigint');
    expect(b.whereClause()).toBe(' WHERE device_id = $1 AND network_id = ANY($2::bigint[])');
    expect(b.pageClause({ take: 20, skip: 5 })).toBe(' LIMIT $3 OFFSET $4');
    expect(b.params).toEqual(['d1', [1, 2], 20, 5]);
  });

  it.each([
    ['null adds no condition', null, '', []],
    ['an empty list matches no row', [], ' WHERE name = ANY($1::text[])', [[]]],
  ] as const)('whereAnyOf: %s', (_, values, clause, params) => {
    const b = new SqlBuilder().whereAnyOf('name', values, 'text');
    expect(b.whereClause()).toBe(clause);
    expect(b.params).toEqual(params);
  });

  it('takes 0 as no limit (docs/api/devices.md device/list)', () => {
    expect(new SqlBuilder().pageClause({ take: 0, skip: 0 })).toBe(' OFFSET $1');
  });
});
