import { ApiError } from '../graphql/error-mapping.js';

/** How often a route accepts a query parameter: exactly once (`one`) or any number of times (`many`, repeated as `k=a&k=b`). */
export type QueryParameterArity = 'one' | 'many';
export type QueryParameterSpec = Readonly<Record<string, QueryParameterArity>>;
export type QueryParameters<S extends QueryParameterSpec> = { -readonly [K in keyof S]?: S[K] extends 'many' ? string[] : string };

const MAX_LENGTH = 10_000;
// A NUL or an unpaired surrogate cannot be stored or compared as PostgreSQL text: refused here, not as a 500 later.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string can be stored and compared as PostgreSQL text (no NUL, no unpaired UTF-16 surrogate). */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const refuse = (message: string, field: string): never => {
  throw new ApiError('BAD_USER_INPUT', message, field);
};

/**
 * The query string of a plain-HTTP route (audit export, plots), read from the raw URL against the parameters the
 * route accepts. Every shape Express's parser would turn into something else or silently drop is refused with
 * BAD_USER_INPUT and the parameter as `field`: an unknown parameter (`trialId[]=B`, `filter[trialId]=B`, a typo),
 * a single-valued one given twice, a value that is not storable text. A filter a client meant to apply is never
 * ignored, so a download cannot quietly widen to the whole trail.
 */
export function parseQueryParameters<S extends QueryParameterSpec>(url: string, spec: S): QueryParameters<S> {
  const mark = url.indexOf('?');
  const raw = mark < 0 ? '' : url.slice(mark + 1).replace(/#.*$/s, '');
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const arity = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (arity === undefined) {
      const base = /^([^[\]]+)\[/.exec(key)?.[1];
      if (base !== undefined && Object.hasOwn(spec, base)) {
        refuse(`${base} takes no brackets: pass ${spec[base] === 'many' ? `${base}=a&${base}=b` : `${base}=value`}`, base);
      }
      refuse(`unknown query parameter ${JSON.stringify(key)}; this route accepts ${Object.keys(spec).join(', ') || 'none'}`, key);
    }
    if (value.length > MAX_LENGTH) refuse(`${key} is longer than ${MAX_LENGTH} characters`, key);
    if (!isStorableText(value)) refuse(`${key} contains a NUL character or an unpaired surrogate`, key);
    const seen = out[key];
    if (arity === 'many') out[key] = [...((seen as string[] | undefined) ?? []), value];
    else if (seen !== undefined) refuse(`${key} must be given once`, key);
    else out[key] = value;
  }
  return out as QueryParameters<S>;
}
