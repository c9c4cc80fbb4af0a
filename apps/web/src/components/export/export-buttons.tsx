'use client'
import { useId, useState, type ChangeEvent } from 'react'
import { exportFileName, unwrapExport, wrapExport, type ExportKind } from '@/lib/export'

function download(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  // The click has handed the file to the browser by the next task.
  setTimeout(() => URL.revokeObjectURL(url))
}

interface ExportButtonsProps {
  kind: ExportKind
  /** what the JSON holds; null: nothing to export yet */
  data: unknown
  /** the same results in Markdown */
  markdown: () => string
  /** restores the view from an imported export's data; returns why it cannot, or null */
  onImport?: (data: unknown) => string | null
}

/** Download a view's results as JSON and Markdown, and (where the view offers it) import a JSON export back. */
export function ExportButtons({ kind, data, markdown, onImport }: ExportButtonsProps) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const inputId = useId()

  async function importFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file || !onImport) return
    const exported = unwrapExport(await file.text(), kind)
    if ('error' in exported) return setMessage({ ok: false, text: exported.error })
    const problem = onImport(exported.data)
    setMessage(problem ? { ok: false, text: problem } : { ok: true, text: `Imported ${file.name}, exported ${exported.exportedAt.slice(0, 19).replace('T', ' ')} UTC.` })
  }

  return (
    <div className="actions export" role="group" aria-label={`Export the ${kind} results`} data-testid={`export-${kind}`}>
      <button
        type="button"
        className="quiet"
        disabled={data === null}
        onClick={() => download(exportFileName(kind, 'json'), 'application/json', `${JSON.stringify(wrapExport(kind, data), null, 2)}\n`)}
        data-testid="export-json"
      >
        Download JSON
      </button>
      <button type="button" className="quiet" disabled={data === null} onClick={() => download(exportFileName(kind, 'md'), 'text/markdown', markdown())} data-testid="export-markdown">
        Download Markdown
      </button>
      {onImport && (
        <>
          <input id={inputId} type="file" accept="application/json,.json" className="sr-only file-input" onChange={importFile} data-testid="import-json" />
          <label htmlFor={inputId} className="file-button">
            Import JSON
          </label>
        </>
      )}
      {message && (
        <span className={message.ok ? 'muted' : 'problem'} role="status" data-testid="import-message">
          {message.text}
        </span>
      )}
    </div>
  )
}
