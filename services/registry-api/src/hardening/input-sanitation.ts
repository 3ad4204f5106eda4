import {
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type ASTVisitor,
  type GraphQLInputType,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { InputRejectedError } from '../graphql/error-mapping.js';

/**
 * The edge's input rules, in one place for every way input arrives (GraphQL variables and literals, query
 * parameters of plain HTTP routes, the `q` of /plots): text that PostgreSQL or a hash cannot hold (a NUL byte, an
 * unpaired UTF-16 surrogate) and input nested deeper than any argument of the schema are refused before anything
 * reads them, with a stable code and the offending field. Each such value used to reach SQL (invalid byte sequence →
 * 500) or a recursive walker (stack overflow) first.
 */

/** No argument of the schema nests deeper than this (an input object in a list in an input object is 3). */
export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string can never be stored as text, or undefined when it can. */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character, which text cannot hold';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not Unicode text';
  return undefined;
}

export interface UnsafeInput {
  readonly code: 'INVALID_TEXT' | 'INPUT_TOO_DEEP';
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The first unsafe string (or object key) in a JSON value, or a nesting deeper than `maxDepth`; iterative, so any depth is safe to inspect. */
export function findUnsafeInput(value: unknown, maxDepth = MAX_INPUT_DEPTH): UnsafeInput | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unsafeTextReason(v);
      if (reason) return { code: 'INVALID_TEXT', path, message: `${describe(path)} ${reason}` };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) return { code: 'INPUT_TOO_DEEP', path, message: `${describe(path)} nests deeper than ${maxDepth} levels` };
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      if (typeof key === 'string') {
        const reason = unsafeTextReason(key);
        if (reason) return { code: 'INVALID_TEXT', path: [...path, key], message: `the name of ${describe([...path, key])} ${reason}` };
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}

function describe(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the value' : `"${path.join('.')}"`;
}

/** A field as the deciders name it: a path inside the argument or variable (`personal.comment`), the name itself for a plain value. */
export function fieldOf(path: readonly (string | number)[], dropFirst: boolean): string {
  const rest = dropFirst && path.length > 1 ? path.slice(1) : path;
  return rest.join('.');
}

/**
 * Validation rule for literals in the query text. graphql-js refuses a literal of the wrong type without saying
 * which argument it was, and accepts a NUL (written `\u0000`) in any string: this rule names the argument path
 * for both, before the standard rules report the same value (its error comes first). `input` arguments are
 * named from inside, as the deciders name their fields.
 */
export function literalInputRule(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      const type = context.getArgument()?.type;
      if (!type) return;
      const problem = literalProblem(node.value, type, [node.name.value]);
      if (problem) context.reportError(new InputRejectedError(problem.code, problem.message, fieldOf(problem.path, node.name.value === 'input')));
    },
  };
}

function literalProblem(
  node: ValueNode,
  type: GraphQLInputType,
  path: (string | number)[],
): { code: string; message: string; path: (string | number)[] } | undefined {
  if (node.kind === Kind.VARIABLE) return undefined;
  if (node.kind === Kind.STRING) {
    const reason = unsafeTextReason(node.value);
    if (reason) return { code: 'INVALID_TEXT', message: `${describe(path)} ${reason}`, path };
  }
  if (isNonNullType(type))
    return node.kind === Kind.NULL ? { code: 'BAD_USER_INPUT', message: `${describe(path)} must not be null`, path } : literalProblem(node, type.ofType, path);
  if (node.kind === Kind.NULL) return undefined;
  if (isListType(type)) {
    if (node.kind !== Kind.LIST) return literalProblem(node, type.ofType, path);
    for (const [i, item] of node.values.entries()) {
      const p = literalProblem(item, type.ofType, [...path, i]);
      if (p) return p;
    }
    return undefined;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return undefined; // the standard rule says "Expected value of type …"
    const fields = type.getFields();
    for (const f of node.fields) {
      const def = fields[f.name.value];
      const p = def ? literalProblem(f.value, def.type, [...path, f.name.value]) : undefined;
      if (p) return p;
    }
    return undefined;
  }
  if (isEnumType(type)) {
    return node.kind === Kind.ENUM && type.getValue(node.value)
      ? undefined
      : { code: 'BAD_USER_INPUT', message: `${describe(path)}: expected a value of ${type.name}`, path };
  }
  if (isScalarType(type)) {
    let message: string | undefined;
    try {
      if (type.parseLiteral(node, undefined) === undefined) message = `expected a value of type ${type.name}`;
    } catch (err) {
      message = err instanceof GraphQLError || err instanceof Error ? err.message : `expected a value of type ${type.name}`;
    }
    return message ? { code: 'BAD_USER_INPUT', message: `${describe(path)}: ${message}`, path } : undefined;
  }
  return undefined;
}
