import { defineConfig, loadEnv } from "vite";
import react from "@vitejs/plugin-react";

// `make web`: this dev server on :5173 with hot reload; everything the backend owns is proxied to it.
const backend = loadEnv("development", ".", "CLIPPER_").CLIPPER_BACKEND || "http://127.0.0.1:8000";
const proxied = ["/api", "/sandbox", "/docs", "/openapi.json", "/healthz", "/metrics"];

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: false }])),
  },
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 1200 },
});
