import type { Metadata } from 'next'
import { CopyCommand } from '@/components/copy-command'
import { Intro } from '@/components/intro'
import { ReplicasView } from '@/components/replicas/replicas-view'
import { fetchReplicas } from '@/lib/api-server'

export const metadata: Metadata = { title: 'Replicas' }

export default async function ReplicasPage() {
  const replicas = await fetchReplicas()
  return (
    <>
      <Intro
        title="Several API replicas behind a load balancer"
        lesson={
          <>
            Each strategy logs in on one replica and is asked &ldquo;who am I?&rdquo; on another. Every one survives the hop, JWTs
            and shared-store sessions alike; only a session kept in one process&apos;s memory is lost.
          </>
        }
      >
        <p>
          &ldquo;Any server can verify a JWT&rdquo; is the usual argument for tokens at scale. Here the API runs as several
          processes behind nginx, and every request is tagged with the replica that served it. A JWT survives the hop because
          its signature is all that is checked, in a header or in a cookie; so does a session in Redis or Postgres, because every
          replica reads the same store, and <code>session-cached</code>&apos;s signed copy, which every replica checks with the
          same secret. <code>session-memory</code> is a variant that exists only for this view.
        </p>
      </Intro>
      {replicas && replicas.length > 1 ? (
        <ReplicasView replicas={replicas} />
      ) : (
        <section className="panel how-to" aria-labelledby="one-process" data-testid="no-replicas">
          <h2 id="one-process">This lab runs a single API process{replicas ? ` (${replicas[0]})` : ''}: start it with two</h2>
          <p>
            A hop needs a second replica to hop to. Stop this lab (Ctrl-C where it runs) and start it again with two API
            processes behind nginx, sharing Redis, Postgres and the secrets; then reload this page.
          </p>
          <CopyCommand command="pnpm demo --replicas 2" />
          <p className="muted">
            <code>docker compose up</code> starts the same topology in containers. Every other view works the same with replicas.
          </p>
        </section>
      )}
    </>
  )
}
