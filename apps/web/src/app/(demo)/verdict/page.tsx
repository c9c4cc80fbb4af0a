import type { Metadata } from 'next'
import { VerdictRunner } from '@/components/verdict/verdict-runner'
import { fetchReplicas } from '@/lib/api-server'

export const metadata: Metadata = { title: 'Verdict' }

export default async function VerdictPage() {
  const replicas = await fetchReplicas()
  return (
    <>
      <div className="intro">
        <h1>The verdict, measured</h1>
        <p>
          One run of every scenario, live on this lab&apos;s API, Redis and Postgres: what each strategy costs per request, where its
          credential lives, what a thief does with it, what logout takes back and when, what a Redis outage leaves standing, and
          what another replica sees. Every cell comes from this run&apos;s responses; a cell this page could not measure says so.
        </p>
      </div>
      <VerdictRunner replicas={replicas ?? []} />
    </>
  )
}
