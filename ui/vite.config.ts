/**
 * Builds the dashboard into dist/ui, served by the API under /ui/ (src/http/routes/dashboard.routes.ts).
 * Run from the repository root as `vite build ui`: this folder is Vite's root.
 * JSX is compiled by Vite's own esbuild step (React's automatic runtime), so no React plugin is
 * needed for a production build; the dashboard has no dev-server-only features.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    // Hashed file names under assets/ are what lets the server cache them for a year.
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    // `npx vite ui` for work on the dashboard: the API runs separately on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/cloud': 'http://127.0.0.1:8080' },
  },
});
