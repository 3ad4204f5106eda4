import type { ApolloServerPlugin } from '@apollo/server';
import { graphiqlHtml } from './graphiql-assets.js';

/** Apollo's landing page (GET /graphql from a browser) replaced by a GraphiQL served from this server. */
export function graphiqlLandingPagePlugin(graphqlPath: string): ApolloServerPlugin {
  const html = graphiqlHtml(graphqlPath);
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
