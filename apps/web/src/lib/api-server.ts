import 'server-only'
import type { Health, Replicas } from '@lab/contracts'
import { env } from './env'

/** The API's store health, read by the web server itself (server components). */
export async function fetchHealth(): Promise<Health | null> {
  try {
    const response = await fetch(`${env.apiUrl}/api/health`, { cache: 'no-store', signal: AbortSignal.timeout(2000) })
    return (await response.json()) as Health
  } catch {
    return null
  }
}

/**
 * The API replicas behind the lab's load balancer (nginx answers `GET /api/replicas` itself), or
 * null when the web lab talks to a single API process.
 */
export async function fetchReplicas(): Promise<string[] | null> {
  try {
    const response = await fetch(`${env.apiUrl}/api/replicas`, { cache: 'no-store', signal: AbortSignal.timeout(2000) })
    return response.ok ? ((await response.json()) as Replicas).replicas : null
  } catch {
    return null
  }
}
