'use client'
import type { ReactNode } from 'react'
import { CredentialsProvider } from '@/lib/credentials'
import { RecordsProvider } from '@/lib/records'

/** `live`: the API's record stream exists (demo profile). */
export function LabProviders({ live, children }: { live: boolean; children: ReactNode }) {
  return (
    <RecordsProvider live={live}>
      <CredentialsProvider>{children}</CredentialsProvider>
    </RecordsProvider>
  )
}
