import type { RequestRecord } from '@lab/contracts'

/** The API's live stream of request records (GET /api/records, Server-Sent Events), collected in order. */
export interface RecordStream {
  records: RequestRecord[]
  /** waits until `count` records have arrived, or throws after `ms` */
  waitFor(count: number, ms?: number): Promise<void>
  close(): void
}

export async function openRecordStream(apiUrl: string): Promise<RecordStream> {
  const abort = new AbortController()
  const response = await fetch(`${apiUrl}/api/records`, { signal: abort.signal })
  if (!response.ok || !response.body) throw new Error(`GET /api/records answered ${response.status}`)
  const records: RequestRecord[] = []
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = event.split('\n').find((line) => line.startsWith('data: '))
        if (event.includes('event: record') && data) records.push(JSON.parse(data.slice(6)) as RequestRecord)
      }
    }
  })()
  return {
    records,
    async waitFor(count, ms = 2000) {
      const deadline = Date.now() + ms
      while (records.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} request records arrived`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    close: () => abort.abort(),
  }
}
