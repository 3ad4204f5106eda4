import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The browser files of the GraphiQL explorer, served by the registry itself from the installed npm packages.
 * Apollo's and Nest's default landing pages load them from unpkg.com, which leaves the explorer blank on an
 * offline hospital network. GraphiQL 3 is the last line with self-contained UMD builds (4 and later are ES
 * modules that need a bundler), and React 18 the last with UMD builds; both are pinned in package.json.
 */
export interface GraphiqlAsset {
  readonly file: string;
  readonly contentType: string;
  readonly path: string;
}

const require = createRequire(import.meta.url);

/** `package/file` → its path; through the package's package.json, as React's `exports` do not list its UMD files. */
function asset(file: string, packageFile: string, contentType: string): GraphiqlAsset {
  const [pkg, ...rest] = packageFile.split('/');
  return { file, contentType, path: join(dirname(require.resolve(`${pkg}/package.json`)), ...rest) };
}

export const GRAPHIQL_ASSET_ROUTE = '/graphiql/assets';

/** Served under GRAPHIQL_ASSET_ROUTE by name; nothing else in node_modules is reachable. */
export const GRAPHIQL_ASSETS: ReadonlyMap<string, GraphiqlAsset> = new Map(
  [
    asset('react.production.min.js', 'react/umd/react.production.min.js', 'application/javascript; charset=utf-8'),
    asset('react-dom.production.min.js', 'react-dom/umd/react-dom.production.min.js', 'application/javascript; charset=utf-8'),
    asset('graphiql.min.js', 'graphiql/graphiql.min.js', 'application/javascript; charset=utf-8'),
    asset('graphiql.min.css', 'graphiql/graphiql.min.css', 'text/css; charset=utf-8'),
  ].map((a) => [a.file, a]),
);

/** The explorer page: every script and style sheet comes from this server. */
export function graphiqlHtml(graphqlPath: string): string {
  const src = (file: string): string => `${GRAPHIQL_ASSET_ROUTE}/${file}`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Biomarker Registry · GraphiQL</title>
    <style>body { height: 100%; margin: 0; width: 100%; overflow: hidden; } #graphiql { height: 100vh; }</style>
    <link rel="stylesheet" href="${src('graphiql.min.css')}" />
    <script src="${src('react.production.min.js')}"></script>
    <script src="${src('react-dom.production.min.js')}"></script>
    <script src="${src('graphiql.min.js')}"></script>
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script>
      // Every request needs a bearer token: put {"authorization": "Bearer …"} in the Headers tab (npm run -s token).
      const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(graphqlPath)} });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: true, isHeadersEditorEnabled: true }),
      );
    </script>
  </body>
</html>
`;
}
