'use client'
import type { ReactNode } from 'react'
import { CredentialsProvider } from '@/lib/credentials'
import { RecordsProvider } from '@/lib/records'

export function LabProviders({ children }: { children: ReactNode }) {
  return (
    <RecordsProvider>
      <CredentialsProvider>{children}</CredentialsProvider>
    </RecordsProvider>
  )
}
