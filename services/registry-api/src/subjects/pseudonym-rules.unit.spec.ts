import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, type InputObjectTypeDefinitionNode } from 'graphql';
import { DomainError, requirePseudonym } from '#domain';

/** The description the schema gives a pseudonym input field: what API users read as the rule. */
function describedRule(file: string, type: string): string {
  const doc = parse(readFileSync(join(process.cwd(), 'graphql', file), 'utf8'));
  const input = doc.definitions.find((d): d is InputObjectTypeDefinitionNode => d.kind === 'InputObjectTypeDefinition' && d.name.value === type);
  const text = input?.fields?.find((f) => f.name.value === 'pseudonym')?.description?.value;
  if (!text) throw new Error(`${type}.pseudonym has no description in graphql/${file}`);
  return text;
}

const outcome = (value: string): string => {
  try {
    return requirePseudonym(value);
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

// Every example the schema docs give, with what the rule does to it.
const EXAMPLES: readonly (readonly [string, string])[] = [
  ['811228-9874', 'INVALID_PSEUDONYM'],
  ['AB123456C', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ['12345678Z', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ['X1234567L', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ['RSSMRA85T10A562S', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ['131052-308T', 'PSEUDONYM_LOOKS_IDENTIFYING'],
  ['ONC-1234-56789', 'PSEUDONYM_LOOKS_IDENTIFYING'],
];

describe('the pseudonym rules the schema documents', () => {
  it.each([
    ['subjects.mutations.graphql', 'EnrolSubjectInput', 'ONC-0001'],
    ['screening.mutations.graphql', 'InviteParticipantInput', 'BCS-000123'],
  ])('%s %s.pseudonym names every rule, code and example, and the examples behave as documented', (file, type, accepted) => {
    const rule = describedRule(file, type);
    for (const code of ['INVALID_PSEUDONYM', 'PSEUDONYM_LOOKS_IDENTIFYING', 'DUPLICATE_PSEUDONYM']) expect(rule).toContain(code);
    for (const [example, code] of EXAMPLES) {
      expect(rule).toContain(example);
      expect([example, outcome(example)]).toStrictEqual([example, code]);
    }
    expect(rule).toContain(accepted);
    expect(outcome(accepted)).toBe(accepted);
    expect(outcome(` ${accepted} `)).toBe(accepted);
  });
});
