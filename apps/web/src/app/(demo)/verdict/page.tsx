import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { VerdictRunner } from '@/components/verdict/verdict-runner'
import { fetchReplicas } from '@/lib/api-server'

export const metadata: Metadata = { title: 'Verdict' }

export default async function VerdictPage() {
  const replicas = await fetchReplicas()
  return (
    <>
      <Intro
        title="The verdict, measured"
        lesson="One run of every scenario on this lab, and each strategy's trade-offs stated from it: every cell comes from this run's responses."
      >
        <p>
          Live on this lab&apos;s API, Redis and Postgres: what each strategy costs per request, where its credential lives, what a
          thief does with it, what logout takes back and when, what a Redis outage leaves standing, and what another replica sees.
          A cell this page could not measure says so.
        </p>
      </Intro>
      <VerdictRunner replicas={replicas ?? []} />
    </>
  )
}
