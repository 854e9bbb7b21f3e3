import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the UI on :5173 and sends grpc-web calls to a gateway
// (GATEWAY_URL, default http://127.0.0.1:8080), so no CORS set-up is needed.
// In production the gateway serves dist/ itself, on the same origin.
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "^/icc\\.v1\\..*": { target: gateway, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    chunkSizeWarningLimit: 1200,
  },
});
