'use client'
import { useEffect, useState } from 'react'
import type { Health } from '@lab/contracts'
import { STORES_CHANGED } from '@/lib/store-events'

/** Often enough to show an outage while it happens; only while someone can see it. */
const POLL_MS = 3000

async function readHealth(): Promise<Health | null> {
  try {
    // 503 carries the same body as 200, naming the store that is down.
    const response = await fetch('/api/health', { cache: 'no-store', signal: AbortSignal.timeout(POLL_MS) })
    return response.status === 200 || response.status === 503 ? ((await response.json()) as Health) : null
  } catch {
    return null
  }
}

/** The header's store health: the server's reading first, then the API's /api/health every few seconds while the tab is visible, and at once when a view pauses a store. */
export function LiveStoreHealth({ initial }: { initial: Health | null }) {
  const [health, setHealth] = useState(initial)

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    /** the latest reading asked for: an older one that answers later is not shown over it */
    let latest = 0
    const poll = async () => {
      clearTimeout(timer)
      if (document.visibilityState !== 'visible') return
      const reading = ++latest
      const next = await readHealth()
      if (stopped || reading !== latest) return
      setHealth(next)
      clearTimeout(timer)
      timer = setTimeout(poll, POLL_MS)
    }
    timer = setTimeout(poll, POLL_MS)
    const onVisibility = () => void poll()
    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener(STORES_CHANGED, onVisibility)
    return () => {
      stopped = true
      clearTimeout(timer)
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener(STORES_CHANGED, onVisibility)
    }
  }, [])

  if (!health) return <span className="health health-down" role="status" data-testid="store-health">API unreachable</span>
  return (
    <span className="health" role="status" aria-label="store health" data-testid="store-health">
      <span className={health.redis === 'up' ? 'dot dot-up' : 'dot dot-down'} aria-hidden /> Redis {health.redis}
      <span className={health.postgres === 'up' ? 'dot dot-up' : 'dot dot-down'} aria-hidden /> Postgres {health.postgres}
    </span>
  )
}
