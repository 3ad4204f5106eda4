import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into <repo>/dist/console, which registry-api serves at /console (services/registry-api/src/console).
// `dedupe`: the repository root pins React 18 for GraphiQL's UMD files; the console's own React 19 lives in this
// workspace's node_modules, and every import of react (urql's included) must resolve to that one copy.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  resolve: { dedupe: ['react', 'react-dom'] },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
});
