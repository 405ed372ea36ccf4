import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard's build: static files in web/dist that the API serves at /.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
