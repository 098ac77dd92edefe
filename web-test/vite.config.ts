import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the token API at `/` from `dist/`; in development the API runs on port 3000.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // livekit-client alone is about 600 kB minified; one chunk is fine for an internal tool.
    chunkSizeWarningLimit: 1200,
  },
});
