/** What a GraphQL response holds; tests read its data loosely. */
export interface GraphqlResponse {
  data?: any;
  errors?: any[];
  /** The raw body, for tests that assert on what was (not) sent over the wire. */
  text: string;
}

/** POSTs one GraphQL operation with a bearer token, as every e2e test talks to the registry. */
export async function postGraphql(url: string, bearer: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { ...(JSON.parse(text) as Omit<GraphqlResponse, 'text'>), text };
}
