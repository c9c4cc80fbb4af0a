'use client'
import { useState } from 'react'

/** A shell command to run, with a button that puts it on the clipboard. */
export function CopyCommand({ command }: { command: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command)
      setState('copied')
    } catch {
      // No clipboard (an insecure origin, a refused permission): the command stays there to select.
      setState('failed')
    }
  }
  return (
    <div className="command">
      <code data-testid="command">{command}</code>
      <button type="button" className="quiet" onClick={copy}>
        Copy
      </button>
      <span role="status" className="muted">
        {state === 'copied' ? 'copied' : state === 'failed' ? 'select it and copy' : ''}
      </span>
    </div>
  )
}
