'use client'
import { useState } from 'react'

/** Whether one of a view's actions is running, and `run`, which wraps an action so its buttons wait for it. */
export function useBusy(): { busy: boolean; run: (action: () => Promise<void>) => () => Promise<void> } {
  const [busy, setBusy] = useState(false)
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true)
    try {
      await action()
    } finally {
      setBusy(false)
    }
  }
  return { busy, run }
}
