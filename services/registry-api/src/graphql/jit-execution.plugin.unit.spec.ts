import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from '@jest/globals';
import { execute, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import pino from 'pino';
import { ApiError, formatGraphqlError } from './error-mapping.js';
import { jitExecutionPlugin } from './jit-execution.plugin.js';
import { DateTimeScalar } from './scalars.js';

const typeDefs = /* GraphQL */ `
  scalar DateTime
  enum Kind {
    TRIAL
    PROGRAMME
  }
  type Row {
    id: ID!
    value: Float
    kind: Kind!
    at: DateTime
    tags: [String!]!
    child: Row
  }
  type Page {
    nodes: [Row!]!
    totalCount: Int!
  }
  type Query {
    page(first: Int!): Page!
    row(id: ID!): Row
    secret: Row
  }
  type Mutation {
    touch(id: ID!): Row!
  }
`;

let resolved = 0;
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    value: i / 3,
    kind: i % 2 ? 'TRIAL' : 'PROGRAMME',
    at: new Date(Date.UTC(2026, 0, 1 + i)),
    tags: [`t${i}`],
    child: i === 0 ? { id: 'c', kind: 'TRIAL', tags: [] } : null,
  }));
const schema = makeExecutableSchema({
  typeDefs,
  resolvers: {
    DateTime: DateTimeScalar,
    Query: {
      page: (_: unknown, { first }: { first: number }) => ({ nodes: rows(first), totalCount: Promise.resolve(first) }),
      row: async (_: unknown, { id }: { id: string }) => {
        resolved++;
        return rows(3).find((r) => r.id === id) ?? null;
      },
      secret: () => {
        throw new ApiError('FORBIDDEN', 'You are not allowed to do this, or it does not exist', 'secret');
      },
    },
    Page: { totalCount: (p: { totalCount: Promise<number> }) => p.totalCount },
    Mutation: { touch: (_: unknown, { id }: { id: string }) => rows(3).find((r) => r.id === id) },
  },
});
const formatError = formatGraphqlError(pino({ level: 'silent' }));
const stats = { compiled: 0, executed: 0 };
const server = new ApolloServer({ schema, formatError, plugins: [jitExecutionPlugin(formatError, stats)] });
const run = async (query: string, variables?: Record<string, unknown>) => {
  const res = await server.executeOperation({ query, variables });
  return { status: res.http.status, body: res.body.kind === 'single' ? res.body.singleResult : null };
};

describe('queries executed by graphql-jit inside Apollo', () => {
  it('answers exactly what graphql-js answers: lists, enums, custom scalars, nested nulls, awaited counts', async () => {
    const query = `query($n: Int!) { page(first: $n) { totalCount nodes { id value kind at tags child { id kind at } } } row(id: "r1") { id } }`;
    const before = { ...stats };
    const jit = await run(query, { n: 50 });
    await run(query, { n: 50 });
    // Compiled once, executed twice.
    expect(stats).toEqual({ compiled: before.compiled + 1, executed: before.executed + 2 });
    const reference = await execute({ schema, document: parse(query), variableValues: { n: 50 } });
    expect(jit.body).toEqual(JSON.parse(JSON.stringify(reference)));
    expect((jit.body as { data: { page: { nodes: unknown[] } } }).data.page.nodes).toHaveLength(50);
  });

  it('formats a resolver error as the one error mapper does: code, field, path; the rest of the data still answers', async () => {
    const { body } = await run(`{ secret { id } row(id: "r2") { id } }`);
    expect(body?.data).toEqual({ secret: null, row: { id: 'r2' } });
    expect(body?.errors).toEqual([
      {
        message: 'You are not allowed to do this, or it does not exist',
        locations: [{ line: 1, column: 3 }],
        path: ['secret'],
        extensions: { code: 'FORBIDDEN', field: 'secret' },
      },
    ]);
  });

  it('leaves bad variables to Apollo: HTTP 400, BAD_USER_INPUT, no resolver run', async () => {
    resolved = 0;
    const res = await run(`query($id: ID!) { row(id: $id) { id } }`, { id: { not: 'an id' } });
    expect(res.status).toBe(400);
    expect(res.body?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(resolved).toBe(0);
  });

  it('runs mutations and introspection with graphql-js, as before', async () => {
    const before = stats.executed;
    expect((await run(`mutation { touch(id: "r0") { id child { id } } }`)).body?.data).toEqual({ touch: { id: 'r0', child: { id: 'c' } } });
    expect((await run(`{ __schema { queryType { name } } }`)).body?.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(stats.executed).toBe(before);
  });
});
