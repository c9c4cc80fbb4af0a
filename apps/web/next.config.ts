import { fileURLToPath } from 'node:url'
import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // A self-contained server (node .next/standalone/apps/web/server.js) for `pnpm demo` and Docker.
  output: 'standalone',
  outputFileTracingRoot: fileURLToPath(new URL('../../', import.meta.url)),
  reactStrictMode: true,
  poweredByHeader: false,
  // The API proxy streams Server-Sent Events; compressing them would hold records back in buffers.
  compress: false,
  typedRoutes: true,
}

export default nextConfig
