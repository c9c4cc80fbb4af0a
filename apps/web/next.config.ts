import { fileURLToPath } from 'node:url'
import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // A self-contained build (.next/standalone) that the web origin, server/main.ts, serves in-process.
  output: 'standalone',
  outputFileTracingRoot: fileURLToPath(new URL('../../', import.meta.url)),
  reactStrictMode: true,
  poweredByHeader: false,
  // The bench page's runs stream their progress as Server-Sent Events; compressing would hold them back.
  compress: false,
  // The lab has no images to optimize, and the optimizer would fetch any same-origin URL, /api included.
  images: { unoptimized: true },
  // …so its native image library (sharp, ≈ 19 MB) need not ship in the standalone output.
  outputFileTracingExcludes: { '*': ['../../node_modules/.pnpm/sharp@*/**', '../../node_modules/.pnpm/@img+*/**'] },
  typedRoutes: true,
}

export default nextConfig
