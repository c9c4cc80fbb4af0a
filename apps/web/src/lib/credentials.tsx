'use client'
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'
import type { TOKEN_STRATEGIES } from '@lab/contracts'

export type TokenStrategy = (typeof TOKEN_STRATEGIES)[number]

/** An access token the lab received at login or refresh. */
export interface TokenGrant {
  accessToken: string
  expiresAt: string
  username: string
}

type Tokens = Partial<Record<TokenStrategy, TokenGrant>>

interface CredentialsValue {
  tokens: Tokens
  setToken: (strategy: TokenStrategy, grant: TokenGrant | null) => void
}

const CredentialsContext = createContext<CredentialsValue | null>(null)
const KEY = 'lab:tokens'

/**
 * The access tokens this tab holds, shared by the views (the inspector picks them up). Kept in
 * sessionStorage so a reload does not lose them; cookies (`sid`, `sid_pg`, `rt`) stay HttpOnly in the browser.
 */
export function CredentialsProvider({ children }: { children: ReactNode }) {
  const [tokens, setTokens] = useState<Tokens>({})
  useEffect(() => {
    const saved = sessionStorage.getItem(KEY)
    if (saved) setTokens(JSON.parse(saved) as Tokens)
  }, [])
  const setToken = useCallback((strategy: TokenStrategy, grant: TokenGrant | null) => {
    setTokens((previous) => {
      const next = { ...previous }
      if (grant) next[strategy] = grant
      else delete next[strategy]
      sessionStorage.setItem(KEY, JSON.stringify(next))
      return next
    })
  }, [])
  return <CredentialsContext value={{ tokens, setToken }}>{children}</CredentialsContext>
}

export function useCredentials(): CredentialsValue {
  const value = useContext(CredentialsContext)
  if (!value) throw new Error('useCredentials outside CredentialsProvider')
  return value
}
