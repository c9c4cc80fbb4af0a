import type { Metadata } from 'next'
import { ReplicasView } from '@/components/replicas/replicas-view'
import { fetchReplicas } from '@/lib/api-server'

export const metadata: Metadata = { title: 'Replicas' }

export default async function ReplicasPage() {
  const replicas = await fetchReplicas()
  return (
    <>
      <div className="intro">
        <h1>Several API replicas behind a load balancer</h1>
        <p>
          &ldquo;Any server can verify a JWT&rdquo; is the usual argument for tokens at scale. Here the API runs as several
          processes behind nginx, and every request is tagged with the replica that served it. Each strategy logs in on one
          replica and is then asked &ldquo;who am I?&rdquo; on another. A JWT survives the hop because its signature is all that
          is checked, in a header or in a cookie; so does a session in Redis or Postgres, because every replica reads the same
          store, and <code>session-cached</code>&apos;s signed copy, which every replica checks with the same secret. Only{' '}
          <code>session-memory</code>, a session kept in one process&apos;s memory (a variant that exists only for this view),
          is lost.
        </p>
      </div>
      {replicas && replicas.length > 1 ? (
        <ReplicasView replicas={replicas} />
      ) : (
        <p className="problem" data-testid="no-replicas">
          This lab runs a single API process{replicas ? ` (${replicas[0]})` : ''}. Start several behind nginx with{' '}
          <code>pnpm demo --replicas 2</code>, or run <code>docker compose up</code>, then reload.
        </p>
      )}
    </>
  )
}
